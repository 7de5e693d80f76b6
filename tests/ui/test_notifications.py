"""The notification centre through its real widgets: the bell, the list, reading, the counts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QListWidgetItem, QSystemTrayIcon

from desktop import notifications
from desktop.core.entities import LendingPolicy, Organisation, SavedSearch, Task
from desktop.core.notices import Notice, NoticeKind
from desktop.store import Store
from tests.ui.driving import ask, no_message_boxes, shown  # noqa: F401 - autouse fixture
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.notifications import Bell, DecisionCount, NotificationCentre

CLICK = Qt.MouseButton.LeftButton


def give(qtbot: Any, context: AppContext, person_id: str, *kinds: str) -> list[Task]:
    """Notices for `person_id` about the first tasks of the store, as a sync would derive them."""

    def write(store: Store) -> list[Task]:
        tasks = store.fetch(Task, "status = 'open' ORDER BY id LIMIT ?", (len(kinds),))
        found = [
            Notice(f"{kind}:{task.id}", kind, person_id, task.id, None,
                   f"2026-11-2{n}T10:00:00.000Z", {"title": task.title, "who": "Mette Larsen"})
            for n, (kind, task) in enumerate(zip(kinds, tasks, strict=True))
        ]
        with store.transaction():
            notifications.keep(store, person_id, found)
        return tasks

    tasks = ask(qtbot, context, write)
    context.notify({notifications.TABLE})
    return tasks


def _unread(item: QListWidgetItem) -> bool:
    return item.data(Qt.ItemDataRole.AccessibleDescriptionRole) == "unread"


def test_the_bell_counts_the_list_opens_the_task_and_reading_syncs_as_an_operation(
    qtbot: Any, make_context: Callable[..., AppContext]
) -> None:
    context = make_context("anna", "en")
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    bell: Bell = window.bell
    assert bell.unread == 0
    accepted, _changed = give(
        qtbot, context, context.person.id, NoticeKind.BID_ACCEPTED, NoticeKind.TASK_CHANGED
    )
    qtbot.waitUntil(lambda: bell.unread == 2)
    assert "2" in bell.text() and "2 unread notifications" in bell.toolTip()

    qtbot.mouseClick(bell, CLICK)
    centre = window.current_page()
    assert isinstance(centre, NotificationCentre)
    qtbot.mouseClick(bell, CLICK)  # a second click stays on the same centre
    assert window.current_page() is centre
    qtbot.waitUntil(lambda: centre.list.count() == 2)
    first = centre.list.item(1)  # oldest last: the accepted bid
    # Unread: marked by a dot, not all in bold, date too (try-out s36, 19: a wall of bold).
    assert "accepted your bid" in first.text() and _unread(first) and not first.font().bold()
    dot = first.icon().pixmap(centre.list.iconSize()).toImage()
    middle = dot.pixelColor(dot.width() // 2, dot.height() // 2)
    assert middle.alpha() == 255 and middle == centre.palette().color(QPalette.ColorRole.Highlight)

    centre.list.setCurrentItem(first)
    qtbot.mouseClick(
        centre.list.viewport(), CLICK, pos=centre.list.visualItemRect(first).center()
    )
    qtbot.waitUntil(lambda: type(window.current_page()).__name__ == "TaskView")
    assert window.current_page().task_id == accepted.id
    window.back()
    assert window.current_page() is centre  # one click, one task view
    qtbot.waitUntil(lambda: bell.unread == 1)
    pending = ask(qtbot, context, lambda s: [op.kind for op in s.pending()])
    assert pending == ["notice.read"]  # goes to the server, and from there to her other PCs
    qtbot.waitUntil(lambda: not _unread(centre.list.item(1)))
    read = centre.list.item(1).icon().pixmap(centre.list.iconSize()).toImage()
    assert read.pixelColor(read.width() // 2, read.height() // 2).alpha() == 0  # the dot's room, empty

    qtbot.mouseClick(centre.read_all, CLICK)
    qtbot.waitUntil(lambda: bell.unread == 0)
    assert not centre.read_all.isEnabled()
    window.tear_down()


def test_the_next_person_on_the_pc_sees_none_of_it_and_no_tray_breaks_nothing(
    qtbot: Any, make_context: Callable[..., AppContext]
) -> None:
    anna = make_context("anna", "en")
    give(qtbot, anna, anna.person.id, NoticeKind.COMMENT_NEW)
    anna_bell = Bell(anna)
    qtbot.addWidget(anna_bell)
    qtbot.waitUntil(lambda: anna_bell.unread == 1)
    # No window is active, so the bell would pop it up on the desktop where a tray exists.
    anna_bell.desktop.announce()
    unannounced = ask(qtbot, anna, lambda s: notifications.to_announce(s, anna.person.id))
    assert unannounced == []  # announced once, never again
    if not QSystemTrayIcon.isSystemTrayAvailable():
        assert anna_bell.desktop.tray is None and anna_bell.desktop.shown == []

    bo = make_context("bo", "en")  # the same store file: the next person on the same PC
    bo_bell = Bell(bo)
    qtbot.addWidget(bo_bell)
    centre = NotificationCentre(bo)
    qtbot.addWidget(centre)
    qtbot.waitUntil(lambda: centre.empty.isVisible() or centre.list.count() == 0)
    qtbot.waitUntil(lambda: not bo.worker.busy())
    assert bo_bell.unread == 0 and centre.list.count() == 0


def test_waiting_for_decision_and_saving_a_search(
    qtbot: Any, make_context: Callable[..., AppContext]
) -> None:
    manager = next(
        name for name in ("mette", "anna")
        if make_context(name).person.role == "site_manager"
    )
    context = make_context(manager, "en")
    expected = ask(qtbot, context, lambda s: notifications.waiting_for_decision(s, context.person))
    count = DecisionCount(context)
    qtbot.addWidget(count)
    qtbot.waitUntil(lambda: count.waiting == expected)
    assert expected > 0 and str(expected) in count.text()

    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.board.decisions.waiting == expected)
    assert window.board.decisions.isVisible()  # on the board, and on my page:
    window.go_my_page()
    qtbot.waitUntil(lambda: window.current_page().decisions.waiting == expected)
    window.go_board()
    qtbot.keyClicks(window.board.search_field, "sommerfest")
    with qtbot.waitSignal(window.board.save_search.saved, timeout=10_000):
        window.board.save_search.save("Fester")
    saved = ask(qtbot, context, lambda s: s.fetch(SavedSearch, "person_id = ?", (context.person.id,)))
    assert [(s.name, s.filters) for s in saved] == [("Fester", {"text": "sommerfest"})]
    window.tear_down()


def test_preferences_are_operations_on_the_persons_own_row(
    qtbot: Any, make_context: Callable[..., AppContext]
) -> None:
    from desktop.core import notices
    from desktop.core.entities import PersonSettings

    context = make_context("anna", "en")
    centre = shown(qtbot, NotificationCentre(context))
    centre.tabs.setCurrentWidget(centre.preferences_area)
    prefs = centre.preferences
    qtbot.waitUntil(lambda: prefs.in_app[NoticeKind.BID_NEW].isChecked())  # the defaults drawn
    assert prefs.email[NoticeKind.BID_NEW].currentData() == notices.EMAIL_DIGEST
    assert prefs.desktop.isChecked()

    box = prefs.in_app[NoticeKind.COMMENT_NEW]
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Space)
    combo = prefs.email[NoticeKind.BID_ACCEPTED]
    combo.setCurrentIndex(combo.findData(notices.EMAIL_IMMEDIATE))

    def stored() -> dict[str, Any]:
        held = ask(qtbot, context, lambda s: s.get(PersonSettings, context.person.id))
        return held.preferences if held else {}

    qtbot.waitUntil(lambda: len(stored()) == 2)
    assert stored() == {
        notices.in_app_key(NoticeKind.COMMENT_NEW): False,
        notices.email_key(NoticeKind.BID_ACCEPTED): notices.EMAIL_IMMEDIATE,
    }
    # A notice of a kind she turned off in Knop is not kept.
    give(qtbot, context, context.person.id, NoticeKind.COMMENT_NEW)
    assert ask(qtbot, context, lambda s: notifications.unread_count(s, context.person.id)) == 0


def test_one_language_for_knop_and_e_mail_chosen_in_one_place(
    qtbot: Any, make_context: Callable[..., AppContext]
) -> None:
    """Try-out 5: the box labelled "Language of e-mail" set the app's language too, unsaid.
    Now the language is one setting, chosen in the Knop menu; this screen says which
    language e-mail comes in and where it is chosen, and offers no second box for it."""
    from PySide6.QtWidgets import QComboBox

    from desktop.core import notices

    context = make_context("anna", "en")
    centre = shown(qtbot, NotificationCentre(context))
    centre.tabs.setCurrentWidget(centre.preferences_area)
    prefs = centre.preferences
    qtbot.waitUntil(lambda: "in Danish" in prefs.mail_language.text())  # the default
    assert "Knop → Language" in prefs.mail_language.text()
    boxes = prefs.findChildren(QComboBox)
    assert boxes and not any(box.findText("English") >= 0 for box in boxes)

    context.perform("settings.set", {"changes": {notices.LANGUAGE_KEY: "en"}}).run_in_background()
    qtbot.waitUntil(lambda: "in English" in prefs.mail_language.text())


def test_where_it_fixed_the_language_the_person_still_chooses_their_e_mails(
    qtbot: Any, make_context: Callable[..., AppContext]
) -> None:
    """Try-out 7: on a PC where IT locked the language (its machine-wide file) the Knop menu's
    choice is greyed out, so nobody there could choose the language of their e-mail. The
    lock is the PC's; e-mail goes to the person: here they choose it, told that IT set Knop's."""
    from PySide6.QtWidgets import QComboBox

    from desktop.core import notices
    from desktop.core.entities import PersonSettings
    from desktop.settings import load_settings, machine_settings_path

    machine = machine_settings_path()
    machine.parent.mkdir(parents=True, exist_ok=True)
    machine.write_text('language = "da"\nlocked = ["language"]\n', encoding="utf-8")
    settings = load_settings()
    assert settings.is_locked("language")
    context = make_context("anna", "da")
    context.settings = settings
    centre = shown(qtbot, NotificationCentre(context))
    centre.tabs.setCurrentWidget(centre.preferences_area)
    prefs = centre.preferences
    box = prefs.findChild(QComboBox, "mailLanguageChoice")
    assert isinstance(box, QComboBox) and box.isVisible()
    assert [box.itemText(i) for i in range(box.count())] == ["Dansk", "English"]
    qtbot.waitUntil(lambda: box.currentData() == "da")  # the default, drawn
    said = prefs.mail_language.text()
    assert said.startswith("Knops sprog på denne pc er sat af IT.")  # and this choice is theirs everywhere
    # One box for it, nothing else offering a language.
    assert [b for b in prefs.findChildren(QComboBox) if b.findText("English") >= 0] == [box]

    box.setFocus()
    box.setCurrentIndex(box.findData("en"))

    def stored() -> dict[str, Any]:
        held = ask(qtbot, context, lambda s: s.get(PersonSettings, context.person.id))
        return held.preferences if held else {}

    qtbot.waitUntil(lambda: stored().get(notices.LANGUAGE_KEY) == "en")
    assert context.language == "da"  # Knop on this PC still speaks IT's language

    # Where the language is not locked, the screen stays as it was: the menu chooses, no second box.
    unlocked = make_context("mette", "da")
    other = shown(qtbot, NotificationCentre(unlocked))
    assert other.preferences.findChild(QComboBox, "mailLanguageChoice") is None


def _rows(prefs: Any) -> list[str]:
    """The kinds the preferences' grid shows a row for, top to bottom."""
    from PySide6.QtWidgets import QCheckBox

    boxes = [b for b in prefs.findChildren(QCheckBox) if b in prefs.in_app.values() and b.isVisibleTo(prefs)]
    by_box = {id(box): kind for kind, box in prefs.in_app.items()}
    return [by_box[id(b)] for b in sorted(boxes, key=lambda b: b.y())]


def test_each_person_is_asked_only_about_what_can_concern_them(
    qtbot: Any, make_context: Callable[..., AppContext]
) -> None:
    """A try-out: staff were asked whether to be told when lending "one of my staff"
    waits for "my approval", news only a site manager ever gets (notices.concerns)."""

    lending = {NoticeKind.STAFF_LENT, NoticeKind.LENDING_AWAITS}
    seen: dict[str, list[str]] = {}
    for username in ("anna", "mette", "ole", "admin"):
        context = make_context(username, "en")
        if username == "anna":  # lending on as far as it goes: only Mette is ever asked
            lend(qtbot, context, LendingPolicy.APPROVE)
        centre = shown(qtbot, NotificationCentre(context))
        centre.tabs.setCurrentWidget(centre.preferences_area)
        prefs = centre.preferences
        qtbot.waitUntil(lambda p=prefs: p.desktop.isChecked())  # drawn
        seen[username] = _rows(prefs)
        labels = {label.text() for label in prefs.findChildren(QLabel) if label.isVisibleTo(prefs)}
        if username != "mette":
            assert "Lending one of my staff waits for my approval" not in labels, username
    assert NoticeKind.LENDING_AWAITS in seen["mette"]  # the site manager: told of her staff's lending
    assert NoticeKind.BID_NEW in seen["mette"]
    assert not lending & set(seen["anna"]) and NoticeKind.BID_NEW in seen["anna"]  # staff post tasks
    assert not lending & set(seen["ole"]) and NoticeKind.BID_NEW not in seen["ole"]  # outsiders post none
    assert not lending & set(seen["admin"]) and NoticeKind.BID_NEW in seen["admin"]
    assert all(NoticeKind.COMMENT_NEW in rows for rows in seen.values())


def lend(qtbot: Any, context: AppContext, policy: str) -> None:
    """Set the lending of the context's person's organisation in the store, as a sync would bring it."""

    def write(store: Store) -> None:
        organisation = store.get(Organisation, context.person.organisation_id)
        assert organisation is not None
        with store.transaction():
            store.put(organisation.replace(lending=policy))

    ask(qtbot, context, write)
    context.notify({"organisations"})


def test_a_manager_is_asked_about_lending_only_as_her_organisation_lends(
    qtbot: Any, make_context: Callable[..., AppContext]
) -> None:
    """A try-out: Mette was asked about lending that waits for her approval where her
    municipality had lending switched off; off tells nobody, notify tells her, approve asks her."""
    context = make_context("mette", "en")
    lend(qtbot, context, LendingPolicy.OFF)
    centre = shown(qtbot, NotificationCentre(context))
    centre.tabs.setCurrentWidget(centre.preferences_area)
    prefs = centre.preferences
    qtbot.waitUntil(lambda: prefs.desktop.isChecked())  # drawn
    lending = [NoticeKind.STAFF_LENT, NoticeKind.LENDING_AWAITS]
    assert [kind for kind in _rows(prefs) if kind in lending] == []
    assert NoticeKind.BID_NEW in _rows(prefs)
    # An admin switches lending on: her next sync brings it, and the page follows it.
    lend(qtbot, context, LendingPolicy.NOTIFY)
    qtbot.waitUntil(lambda: [kind for kind in _rows(prefs) if kind in lending] == [NoticeKind.STAFF_LENT])
    lend(qtbot, context, LendingPolicy.APPROVE)
    qtbot.waitUntil(lambda: [kind for kind in _rows(prefs) if kind in lending] == [NoticeKind.LENDING_AWAITS])
    label = "Lending one of my staff waits for my approval"
    assert any(w.text() == label for w in prefs.findChildren(QLabel) if w.isVisibleTo(prefs))


def test_a_box_in_knop_has_its_focus_line_under_itself(
    qtbot: Any, make_context: Callable[..., AppContext]
) -> None:
    """A try-out saw a focus line across the empty "In Knop" column: the box without words
    was as wide as the column, and the style sheet underlines a focused box's whole width."""
    context = make_context("anna", "en")
    centre = shown(qtbot, NotificationCentre(context))
    centre.resize(1280, 700)
    centre.tabs.setCurrentWidget(centre.preferences_area)
    prefs = centre.preferences
    box = prefs.in_app[NoticeKind.BID_ACCEPTED]
    qtbot.waitUntil(box.isChecked)
    box.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(box.hasFocus)
    combo = prefs.email[NoticeKind.BID_ACCEPTED]
    column = combo.x() - box.x()  # the room the column gives it
    assert box.width() <= box.sizeHint().width() < column / 2, (box.width(), column)


def test_a_double_click_on_a_notification_opens_its_task_and_selects_nothing_there(
    qtbot: Any, make_context: Callable[..., AppContext]
) -> None:
    """Try-out 6: a click opens the task, and the second click of a double click landed on the
    task's description and selected a word in it."""
    from PySide6.QtWidgets import QApplication

    from ui.task_view import TaskView

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    interval = app.doubleClickInterval()
    app.setDoubleClickInterval(60_000)  # the second click comes "at once", however slow the machine
    try:
        context = make_context("anna", "en")
        window = MainWindow(context)
        qtbot.addWidget(window)
        window.show()
        (task,) = give(qtbot, context, context.person.id, NoticeKind.TASK_CHANGED)
        window.show_notifications()
        centre = window.current_page()
        assert isinstance(centre, NotificationCentre)
        qtbot.waitUntil(lambda: centre.list.count() == 1)
        item = centre.list.item(0)
        row = centre.list.visualItemRect(item)
        clicked = row.topLeft() + QPoint(80, row.height() // 2)  # on the row's words
        at = centre.list.viewport().mapToGlobal(clicked)
        qtbot.mouseClick(centre.list.viewport(), CLICK, pos=clicked)
        qtbot.waitUntil(lambda: type(window.current_page()).__name__ == "TaskView")
        view = window.current_page()
        assert isinstance(view, TaskView) and view.task_id == task.id
        description = view.description
        qtbot.waitUntil(lambda: description.text() != "")
        where = description.mapFromGlobal(at)  # the same spot on the screen
        assert description.rect().contains(where)  # the description lies where the row was

        def second_click() -> None:  # what the window system sends for a double click's second click
            qtbot.mousePress(description, CLICK, pos=where)
            qtbot.mouseDClick(description, CLICK, pos=where)
            qtbot.mouseRelease(description, CLICK, pos=where)

        second_click()  # the rest of the double click, where the list was: on the description
        assert description.selectedText() == ""
        assert window.current_page() is view
        second_click()  # a double click of its own selects a word, as ever
        assert description.selectedText() != ""
    finally:
        app.setDoubleClickInterval(interval)
    window.tear_down()
