"""Screenshots for the README, in Danish with demo data: `python -m tests.ui.screenshots [DIR]`.

Runs the real widgets (best under Xvfb: `xvfb-run -a -s "-screen 0 1600x1000x24" ...`)
over a demo store in a throwaway folder, and writes login_da.png, board_da.png
(also at 1024x600 and 1600x1000) and sync_status_da.png. Needs the compiled catalogue (`make translations`).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

FOLDER = Path(tempfile.mkdtemp(prefix="knop-screenshots-"))
for _name in ("KNOP_CONFIG_DIR", "KNOP_DATA_DIR", "KNOP_LOG_DIR", "KNOP_SYSTEM_CONFIG_DIR"):
    (FOLDER / _name.lower()).mkdir()
    os.environ[_name] = str(FOLDER / _name.lower())

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from desktop import accounts  # noqa: E402
from sync.server import demo  # noqa: E402
from desktop.core.ids import utc_now, uuid7  # noqa: E402
from desktop.core.rejection import Rejection  # noqa: E402
from desktop.store import Store  # noqa: E402
from sync.scheduler import SyncState  # noqa: E402
from tests.ui.conftest import fill_store  # noqa: E402
from ui.context import AppContext  # noqa: E402
from ui.login import LoginScreen  # noqa: E402
from ui.main import install_translators, make_application, style_sheet  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.sync_status import AttentionPanel, SyncLink  # noqa: E402

SIZE = (1280, 760)
BOARD_SIZES = ((1024, 600), (1600, 1000))


class StillScheduler:
    """No network for a screenshot: the link is fed one finished, online state."""

    on_state: Any = None

    def start(self) -> None:
        pass

    def request_sync(self, reason: str = "manual") -> None:
        pass

    def cancel(self) -> None:
        pass

    def stop(self, timeout: float = 10.0) -> bool:
        return True


def settle(app: QApplication, until: Any = None, ms: int = 400) -> None:
    """Let queued results arrive and the widgets paint."""
    loop = QEventLoop()
    for _ in range(100):
        QTimer.singleShot(ms // 10, loop.quit)
        loop.exec()
        app.processEvents()
        if until is None or until():
            break
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def save(widget: QWidget, path: Path) -> None:
    widget.grab().save(str(path))
    print(f"wrote {path}")


def save_with_dialog(app: QApplication, window: QWidget, dialog: QWidget, path: Path) -> None:
    """`window` with `dialog` centred over it, as one picture (a grab shows no other top-level)."""
    from PySide6.QtGui import QPainter

    dialog.move(window.geometry().center() - dialog.rect().center())
    settle(app)
    combined = window.grab()
    painter = QPainter(combined)
    painter.drawPixmap(dialog.geometry().topLeft() - window.geometry().topLeft(), dialog.grab())
    painter.end()
    combined.save(str(path))
    print(f"wrote {path}")


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    app = make_application(["knop"])
    translators = install_translators(app, "da")
    app.setStyleSheet(style_sheet())
    accounts.SCRYPT_N = 2**10  # type: ignore[misc]  # nobody attacks a screenshot

    data = demo.generate(7, tasks=2000, people=300)
    store_path = fill_store(FOLDER / "knop.sqlite3", data)
    people = {p.username: p for p in data.people}
    for username in ("ole", "mette", "anna"):
        accounts.remember_online_login(
            people[username], username, "x", "https://knop.egeskov.dk", utc_now()
        )

    login = LoginScreen(accounts.known_accounts())
    login.resize(*SIZE)
    login.show()
    login.people.setCurrentRow(0)
    login.password.setText("hemmeligt")
    settle(app)
    save(login, out / "login_da.png")
    login.close_quietly()

    anna = people["anna"]
    context = AppContext(anna, store_path, None, "da")
    link = SyncLink(StillScheduler(), anna.id)
    context.attach_sync(link)
    window = MainWindow(context)
    window.resize(*SIZE)
    window.show()
    settle(
        app,
        lambda: (
            window.board.model.rowCount() > 0
            and window.board.model.is_loaded(window.board.model.task_id(0) or "")
        ),
    )
    link.scheduler.on_state(SyncState(online=True, last_success=utc_now()))
    window.board.search_field.setText("børn")
    settle(app, lambda: window.board.filters().text == "børn" and not context.worker.busy())
    settle(app)
    save(window, out / "board_da.png")
    window.board.search_field.clear()
    settle(app, lambda: window.board.filters().text == "" and not context.worker.busy())
    for width, height in BOARD_SIZES:  # a small laptop and a big screen (issue 17)
        window.resize(width, height)
        settle(app, lambda: not context.worker.busy())
        save(window, out / f"board_da_{width}x{height}.png")
    window.resize(*SIZE)
    settle(app)

    store = Store(store_path)
    try:
        task_id = next(
            t.id
            for t in data.tasks
            if t.status == "open"
            and t.site_id != anna.home_site_id
            and t.audience == "organisation"
        )
        pending = store.perform("bid.place", {"bid_id": uuid7(), "task_id": task_id}, anna, None)
        store.perform(
            "comment.add",
            {
                "comment_id": uuid7(),
                "task_id": task_id,
                "body": "Jeg kan også tage en eftermiddag.",
            },
            anna,
            None,
        )
        with store.transaction():
            store.refuse(
                pending.operation_id,
                Rejection(
                    "bid.seats_full", seats=2, who="Mette Lund Rasmussen", at="14:02"
                ).to_wire(),
            )
    finally:
        store.close()
    context.notify({"outbox", "attention"})
    settle(app, lambda: window.status.attention_button.isVisible())
    window.status.attention_button.click()
    panel = window.current_page()
    assert isinstance(panel, AttentionPanel)
    settle(app, lambda: panel.model.rowCount() > 0)
    save(window, out / "sync_status_da.png")

    window.tear_down()
    context.close()
    del translators
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
