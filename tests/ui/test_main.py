"""Starting Knop: one instance, its words (ours and Qt's), a broken settings file, a damaged store."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop import logs, system_libraries
from desktop.core.entities import Task
from desktop.settings import Settings, machine_settings_path, user_settings_path
from tests.ui.test_shell import FakeSession
from ui import main, words
from ui.login import LoginScreen
from ui.shell import Shell

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def translators(qapp: QApplication) -> Iterator[list[Any]]:
    installed: list[Any] = []
    yield installed
    for translator in installed:
        qapp.removeTranslator(translator)
    words.use_language("en")  # as the other tests expect the UI


def test_danish_means_our_words_and_qts_own_dialogs_in_danish(
    qapp: QApplication, translators: list[Any]
) -> None:
    translators += main.install_translators(qapp, "da")
    assert words.tr("Clear filters") == "Nulstil filtre"
    assert words.ntr("{n} change waiting to be sent", "{n} changes waiting to be sent", 2) == (
        "2 ændringer venter på at blive sendt"
    )
    # Qt's own button texts, from qtbase_da.qm.
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Annuller"


def test_english_gets_proper_plurals(qapp: QApplication, translators: list[Any]) -> None:
    translators += main.install_translators(qapp, "en")
    assert words.ntr("{n} task", "{n} tasks", 1) == "1 task"
    assert words.ntr("{n} task", "{n} tasks", 3) == "3 tasks"


def test_language_follows_the_command_line_then_the_setting() -> None:
    assert main.choose_language("en", Settings(language="da")) == "en"
    assert main.choose_language(None, Settings(language="da")) == "da"
    assert main.choose_language(None, Settings()) in ("da", "en")


@pytest.mark.parametrize(
    ("locale", "language"),
    [("da_DK.UTF-8", "da"), ("C.UTF-8", "da"), ("POSIX", "da"), ("en_GB.UTF-8", "en"), ("de_DE.UTF-8", "en")],
)
def test_without_a_setting_the_system_locale_decides(locale: str, language: str) -> None:
    """A try-out on a machine in the C locale got the login in English; Danish is the exchange's
    own. Qt reads the locale once per process, so each case is a process of its own."""
    env = {**os.environ, "LANG": locale, "LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": "",
           "QT_QPA_PLATFORM": "offscreen"}
    code = "from desktop.settings import Settings; from ui import main; print(main.choose_language(None, Settings()))"
    chosen = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert chosen.stdout.strip() == language


def test_a_second_start_brings_the_first_to_the_front(qapp: QApplication, qtbot: Any) -> None:
    first = main.SingleInstance()
    assert first.acquire()
    raised: list[bool] = []
    first.on_raise(lambda: raised.append(True))
    try:
        second = main.SingleInstance()
        done: list[bool] = []
        thread = threading.Thread(target=lambda: done.append(second.acquire()))
        thread.start()
        qtbot.waitUntil(lambda: bool(raised), timeout=10_000)
        thread.join()
        assert done == [False]
    finally:
        first.release()
    third = main.SingleInstance()
    assert third.acquire()  # the first one has gone, so the next start is the first again
    third.release()


@pytest.fixture
def refusals_shown(monkeypatch: pytest.MonkeyPatch) -> list[QMessageBox]:
    """The settings refusals the app shows, each answered with its only button (Quit).

    The test platform is offscreen, where the app shows no dialog (nobody could
    close it); here the dialog is shown as on a desktop.
    """
    monkeypatch.setattr(system_libraries, "NO_DIALOG_PLATFORMS", ())
    shown: list[QMessageBox] = []

    def answer(box: QMessageBox) -> int:
        shown.append(box)
        box.buttons()[0].click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", answer)
    return shown


def test_a_mistake_in_it_s_file_stops_knop_with_every_mistake_and_what_is_allowed(
    qapp: QApplication, refusals_shown: list[QMessageBox], caplog: pytest.LogCaptureFixture
) -> None:
    """Found by a new-user try-out: idle_lock_minutes = "ten" was logged as a WARNING and Knop
    started on the defaults once the person clicked the dialog's first button, though
    DEPLOYMENT.md promises that a mistake stops the app. Now it stops: every mistake is named
    (file, line, key, what is wrong and what is allowed), logged at ERROR, and the one button
    quits."""
    path = machine_settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        'server_url = "https://knop.example.dk"\n'
        'site_id = "site-1"\n'
        'idle_lock_minutes = "ten"\n'
        'langauge = "da"\n',
        encoding="utf-8",
    )
    with caplog.at_level(logging.WARNING):
        assert main._settings_or_refusal("en") is None
    (box,) = refusals_shown
    said = box.text() + "\n" + box.informativeText()
    assert "Knop cannot start: there is a mistake in its settings." in said
    assert (
        f'{path}, line 3: idle_lock_minutes must be a whole number of minutes from 0 to 1440, got "ten"'
        in said
    )
    assert f"{path}, line 4: unknown setting 'langauge' (did you mean 'language'?)" in said
    assert "Ask IT to correct it" in said and "Traceback" not in said
    assert [b.text() for b in box.buttons()] == ["Quit"]  # no way on with guessed settings
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 2 and "idle_lock_minutes must be" in errors[0].getMessage()
    assert not [r for r in caplog.records if r.levelno == logging.WARNING]


def test_knop_starts_on_the_login_screen_and_quits_cleanly(tmp_path: Path) -> None:
    """The real command in a process of its own: start, show the login screen, quit, no stray thread."""
    picture = tmp_path / "first.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import argparse, sys; from ui.main import run_gui; "
            f"sys.exit(run_gui(argparse.Namespace(language='da', screenshot={str(picture)!r})))",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert picture.stat().st_size > 0
    assert "QThread: Destroyed" not in result.stderr
    assert "Traceback" not in result.stderr


def test_the_real_knop_does_not_start_on_a_mistake_in_it_s_file() -> None:
    """The `knop` command in a process of its own, with idle_lock_minutes = "ten" in IT's file
    (a new-user try-out: it started anyway with a WARNING in the log). It exits with status 2
    before any window, says the sentence on stderr and logs it at ERROR in knop.log."""
    machine = machine_settings_path()
    machine.parent.mkdir(parents=True, exist_ok=True)
    machine.write_text('site_id = "s1"\nidle_lock_minutes = "ten"\n', encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "desktop.app", "--language", "da"],
        capture_output=True,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        timeout=60,
        cwd=ROOT,
        check=False,
    )
    sentence = f'{machine}, line 2: idle_lock_minutes must be a whole number of minutes from 0 to 1440, got "ten"'
    assert result.returncode == main.SETTINGS_REFUSED == 2, result.stderr
    assert result.stderr.count(sentence) == 1 and f"knop: {sentence}" in result.stderr
    assert "Traceback" not in result.stderr
    logged = logs.log_file().read_text(encoding="utf-8")
    assert f"ERROR   desktop.settings: knop: a mistake in Knop's settings: {sentence}" in logged
    assert "started in" not in logged  # the app never got as far as its first window


def shell_that_moves_damage_aside(
    monkeypatch: pytest.MonkeyPatch, who: Any, store_path: Path
) -> tuple[Shell, list[str]]:
    """A started shell whose login opens `store_path` as `who`, and the questions it asked.

    Every question about a damaged store is answered "Move it aside and fetch again".
    """
    asked: list[str] = []

    def answer(box: QMessageBox) -> int:
        asked.append(box.text())
        fix = next(b for b in box.buttons() if "aside" in b.text())
        fix.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", answer)
    shell = Shell(
        Settings(),
        "en",
        login=lambda username, password, settings: FakeSession(who, username, store_path),
        logout=lambda session, settings: True,
        sync=lambda session, settings: None,
        known_accounts=lambda: [],
    )
    shell.start()
    return shell, asked


def log_in(shell: Shell) -> None:
    gate = shell.gate
    assert isinstance(gate, LoginScreen)
    gate.username.setText("anna")
    gate.password.setText("x")
    gate.login_button.click()


def test_a_damaged_store_can_be_moved_aside_and_fetched_again(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch, person: Any, tmp_path: Path
) -> None:
    damaged = tmp_path / "anna" / "knop.sqlite3"
    damaged.parent.mkdir()
    damaged.write_bytes(b"this is not a database" * 100)
    shell, asked = shell_that_moves_damage_aside(monkeypatch, person("anna"), damaged)
    try:
        with qtbot.waitSignal(shell.entered, timeout=10_000):
            log_in(shell)
        assert "cannot be read" in asked[0]
        assert list(damaged.parent.glob("knop.sqlite3.damaged-*"))
        assert shell.context is not None and not shell.context.closed
    finally:
        shell.shut_down()


def test_damage_any_job_runs_into_is_the_store_being_damaged(
    qtbot: Any, make_context: Any, demo_store: Path
) -> None:
    """A query that meets broken pages fails with StoreDamaged, and the worker says so."""
    from desktop.store import StoreDamaged
    from tests.test_store import scribble_over_leaf_pages

    scribble_over_leaf_pages(demo_store, "tasks", 3)
    context = make_context("anna")
    failures: list[BaseException] = []
    with qtbot.waitSignal(context.worker.damaged, timeout=10_000) as damaged:
        context.query(
            lambda store: store.rows("SELECT count(*) FROM tasks WHERE description LIKE '%æ%'")
        ).failure(failures.append).run_in_background()
    assert isinstance(damaged.args[0], StoreDamaged) and damaged.args[0].path == demo_store
    qtbot.waitUntil(lambda: bool(failures), timeout=10_000)
    assert isinstance(failures[0], StoreDamaged)


def test_a_store_damaged_in_a_few_pages_is_moved_aside_mid_session(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch, person: Any, demo_store: Path
) -> None:
    """Leaf pages of `tasks` overwritten: the store opens, the board meets the damage (or
    the quick check after its first page does), and the same way out as at login follows:
    move it aside, keep the unsent operations, start afresh."""
    import sqlite3

    from desktop.store import Store
    from tests.test_store import scribble_over_leaf_pages

    anna = person("anna")
    store = Store(demo_store)
    task = store.fetch(Task, "status = 'open' AND audience != 'site' LIMIT 1")[0]
    store.perform("comment.add", {"comment_id": "c-1", "task_id": task.id, "body": "Jeg kan godt"}, anna, None)
    store.close()
    scribble_over_leaf_pages(demo_store, "tasks", 3)
    shell, asked = shell_that_moves_damage_aside(monkeypatch, anna, demo_store)
    entered: list[Any] = []
    shell.entered.connect(entered.append)
    try:
        log_in(shell)
        # Entered once over the damaged file, then again over a fresh one.
        qtbot.waitUntil(lambda: len(entered) == 2, timeout=20_000)
        assert len(asked) == 1 and "cannot be read" in asked[0]
        assert list(demo_store.parent.glob("knop.sqlite3.damaged-*"))
        assert shell.context is not None and not shell.context.closed
        assert shell.window is entered[1] and shell.window.isVisible()
        qtbot.waitUntil(lambda: not shell.context.worker.busy(), timeout=10_000)
    finally:
        shell.shut_down()
    fresh = sqlite3.connect(demo_store)
    try:
        assert fresh.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        assert [r[0] for r in fresh.execute("SELECT kind FROM outbox")] == ["comment.add"]
    finally:
        fresh.close()


def test_a_broken_settings_file_is_explained_in_the_ui_language(
    qapp: QApplication, refusals_shown: list[QMessageBox], caplog: pytest.LogCaptureFixture
) -> None:
    """Found by a new-user try-out: the Danish dialog showed its detail in English. The
    detail is Danish now (file names, keys and values as written); the log keeps English."""
    machine = machine_settings_path()
    machine.parent.mkdir(parents=True, exist_ok=True)
    machine.write_text(
        'server_url = "https://knop.example.dk"\nlangauge = "da"\nsync_interval_seconds = "often"\n',
        encoding="utf-8",
    )
    user = user_settings_path()
    user.parent.mkdir(parents=True, exist_ok=True)
    user.write_text("idle_lock_minutes = \u201c5\u201d\n", encoding="utf-8")  # curly quotes, from Word
    with caplog.at_level(logging.WARNING, logger="ui.main"):
        assert main._settings_or_refusal("da") is None
    detail = refusals_shown[0].text() + "\n" + refusals_shown[0].informativeText()
    assert "Knop kan ikke starte: der er en fejl i Knops indstillinger." in detail
    assert f"{machine}, linje 2: ukendt indstilling 'langauge' (mente du 'language'?)" in detail
    assert (
        f'{machine}, linje 3: sync_interval_seconds skal være et helt antal sekunder fra 5 til '
        f'86400, fik "often"' in detail
    )
    assert f"{user}, linje 1, kolonne 21" in detail and "krøllet anførselstegn" in detail
    assert [b.text() for b in refusals_shown[0].buttons()] == ["Afslut"]
    words_only = detail.replace(str(machine), "").replace(str(user), "")
    for english in ("line", "unknown setting", "must be", "did you mean", "curly quote", "seconds", "Quit"):
        assert not re.search(rf"\b{english}\b", words_only), english  # keys (offline_login_days) aside
    logged = caplog.text
    assert "unknown setting 'langauge'" in logged and "must be a whole number of seconds" in logged
