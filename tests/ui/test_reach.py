"""Reach on screen (issue 14): the review card's warnings, a refused outsider, inviting, verifying."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from desktop.core import eligibility, operations
from desktop.core.entities import (
    Audience,
    Bid,
    Company,
    MemberInvitation,
    Person,
    Site,
    Task,
    TaskRequirements,
    TaskStatus,
    company_id_for,
)
from desktop.core.ids import utc_now, uuid7
from desktop.store import Store
from tests.ui.driving import ask, no_message_boxes, shown  # noqa: F401 - no_message_boxes is autouse
from ui import words
from ui.context import AppContext
from ui.reach import CredentialsTab, InvitationsTab
from ui.review import ReviewPage
from ui.task_view import TaskView

CLICK = Qt.MouseButton.LeftButton
SET_AT = "2026-06-01T08:00:00.000Z"  # when the test tasks' requirements were set
LATER = "2026-06-02T08:00:00.000Z"


def external_task(qtbot: Any, context: AppContext, requirements: dict[str, str], *bids: Bid) -> str:
    """An open task for outsiders at the manager's site, with requirements and bids, put in the store."""
    manager = context.person
    task = Task(
        id=uuid7(), site_id=manager.home_site_id or "", poster_id=manager.id, title="Lektiecafé",
        audience=Audience.EXTERNAL, status=TaskStatus.OPEN, published_at=utc_now(), created_at=utc_now(),
        bid_count=len(bids), version=1,
    )

    def put(store: Store) -> None:
        with store.transaction():
            store.put(task)
            store.put(TaskRequirements(task.id, requirements=requirements, updated_at=SET_AT, version=1))
            for bid in bids:
                store.put(bid.replace(task_id=task.id))

    ask(qtbot, context, put)
    return task.id


def test_the_review_card_says_which_requirements_a_bidder_missed_and_never_the_credentials(
    qtbot: Any, make_context: Callable[..., AppContext], person: Callable[[str], Person]
) -> None:
    manager = make_context("mette")
    ole, anna = person("ole"), person("anna")
    warned = Bid(id=uuid7(), task_id="", bidder_id=ole.id, version=1, warnings=["first_aid", "benefit"],
                 created_at=LATER)
    clean = Bid(id=uuid7(), task_id="", bidder_id=anna.id, version=1, created_at=LATER)
    early = Bid(id=uuid7(), task_id="", bidder_id=person("joern").id, version=1, created_at="2026-05-01T08:00:00.000Z")
    task_id = external_task(qtbot, manager, {"first_aid": "warn"}, warned, clean, early)
    page = shown(qtbot, ReviewPage(manager, task_id))
    # The UI's sentences are in the test run's language (English); credentials in the page's (Danish).
    assert "Wanted: Førstehjælpsbevis" in page.wanted.text()
    assert "Requires" not in page.wanted.text()  # nothing is required, only wished for
    warning = page.cards[warned.id].eligibility
    assert warning.isVisible() and "Missing: Førstehjælpsbevis" in warning.text()
    assert "unemployment benefit" in warning.text()
    fine = page.cards[clean.id].eligibility
    assert fine.isVisible() and "Meets the requirements" in fine.text()
    assert "before the requirements were set" in page.cards[early.id].eligibility.text()


def test_an_outsider_without_the_credential_cannot_bid_and_is_told_who_can_verify_it(
    qtbot: Any, make_context: Callable[..., AppContext]
) -> None:
    manager = make_context("mette")
    task_id = external_task(qtbot, manager, {"child_protection": "block"})
    manager.close()
    ole = make_context("ole")
    view = shown(qtbot, TaskView(ole, task_id))
    assert not view.place_button.isEnabled()
    # Said outright (try-out), and an outsider is sent to someone who can verify it, not to
    # "a site manager or HR", which he has neither of.
    site = ask(qtbot, ole, lambda s: s.get(Site, s.get(Task, task_id).site_id))
    assert view.my_bid_state.text() == words.tr(
        "You cannot bid yet: the task requires {credentials}, which you do not hold or which has expired. "
        "{verifier}",
        credentials=eligibility.names(["child_protection"]),
        verifier=words.tr("The manager of {site} can verify credentials for you.", site=site.name),
    ) + " " + words.tr("Ask in the conversation below.")
    # Under the row's own "Requires:", not "Requirements: Requires: Børneattest" (try-out).
    assert view.credentials.text() == "Børneattest"
    assert view.facts.labelForField(view.credentials).text() == "Requires:"
    assert not view.wished_credentials.isVisible()
    # A credential is a requirement, not a skill: never on the skills' line (a try-out found it there).
    assert "Børneattest" not in view.skills.text() and view.credentials.isVisible()


def test_required_and_wished_for_credentials_are_worded_apart_in_both_languages(
    qtbot: Any, make_context: Callable[..., AppContext]
) -> None:
    """Not "Kræver: Førstehjælpsbevis (ønskes)", a requirement that is only wished for."""
    manager = make_context("mette")
    task_id = external_task(qtbot, manager, {"child_protection": "block", "first_aid": "warn"})
    for language, expected in (
        ("da", "Kræver: Børneattest · Ønskes: Førstehjælpsbevis"),
        ("en", "Requires: Børneattest · Wanted: Førstehjælpsbevis"),
    ):
        words.use_language(language)
        try:
            view = shown(qtbot, TaskView(manager, task_id))
            qtbot.waitUntil(lambda view=view: "Børneattest" in view.credentials.text(), timeout=10_000)
            # The task's facts: a row each, under its own label.
            rows = [(view.facts.labelForField(f).text(), f.text()) for f in (view.credentials, view.wished_credentials)]
            assert rows == [(words.tr("Requires:"), "Børneattest"), (words.tr("Wanted:"), "Førstehjælpsbevis")]
            assert "Børneattest" not in view.skills.text()
            page = shown(qtbot, ReviewPage(manager, task_id))
            qtbot.waitUntil(lambda page=page: "Børneattest" in page.wanted.text(), timeout=10_000)
            assert expected in page.wanted.text()
        finally:
            words.use_language("en")


def test_inviting_someone_shows_the_code_to_hand_over_and_lists_the_invitation(
    qtbot: Any, make_context: Callable[..., AppContext]
) -> None:
    anna = make_context("anna")
    tab = shown(qtbot, InvitationsTab(anna))
    dialog = tab.open_invite()
    qtbot.addWidget(dialog)
    dialog.email.setText("vera@example.org")
    dialog.name.setText("Vera")
    dialog.message.setPlainText("Vi mangler en til lektiecaféen")
    qtbot.mouseClick(dialog.send_button, CLICK)
    qtbot.waitUntil(lambda: dialog.code_label.isVisible(), timeout=10_000)
    assert dialog.code and dialog.code_label.text() == dialog.code
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=10_000)
    (held,) = ask(qtbot, anna, lambda s: s.fetch(MemberInvitation, "1 = 1"))
    assert (held.email, held.kind, held.status) == ("vera@example.org", "volunteer", "pending")
    assert held.code_hash == operations.code_hash(dialog.code)
    # The inviter may withdraw her own invitation.
    tab.table.selectRow(0)
    assert tab.withdraw_button.isEnabled()
    qtbot.mouseClick(tab.withdraw_button, CLICK)
    qtbot.waitUntil(lambda: "Withdrawn" in tab.model.index(0, 4).data(), timeout=10_000)


def test_a_company_contact_is_invited_for_a_company_and_the_review_card_names_it(
    qtbot: Any, make_context: Callable[..., AppContext], person: Callable[[str], Person]
) -> None:
    anna = make_context("anna")
    tab = shown(qtbot, InvitationsTab(anna))
    dialog = tab.open_invite()
    qtbot.addWidget(dialog)
    assert not dialog.company_name.isEnabled()  # a volunteer has no company
    dialog.kind.setCurrentIndex(dialog.kind.findData("company"))
    assert dialog.company_name.isEnabled() and dialog.company_cvr.isEnabled()
    dialog.email.setText("kontakt@havefolk.dk")
    qtbot.mouseClick(dialog.send_button, CLICK)
    qtbot.waitUntil(lambda: "CVR" in dialog.problem.text(), timeout=10_000)
    dialog.company_name.setText("Havefolk ApS")
    dialog.company_cvr.setText("12 34 56 78")
    qtbot.mouseClick(dialog.send_button, CLICK)
    qtbot.waitUntil(lambda: dialog.code_label.isVisible(), timeout=10_000)
    (held,) = ask(qtbot, anna, lambda s: s.fetch(MemberInvitation, "1 = 1"))
    assert (held.kind, held.company_name, held.company_cvr) == ("company", "Havefolk ApS", "12345678")
    anna.close()

    # A contact person of that company bids; the manager's card says whom they speak for.
    manager = make_context("mette")
    contact = person("ole").replace(id=uuid7(), username="kim", name="Kim Kontakt", kind="company",
                                    company_id=company_id_for("12345678"))

    def register(store: Store) -> None:
        with store.transaction():
            store.put(Company(company_id_for("12345678"), "Havefolk ApS", "12345678", version=1))
            store.put(contact)

    ask(qtbot, manager, register)
    bid = Bid(id=uuid7(), task_id="", bidder_id=contact.id, version=1, created_at=LATER)
    page = shown(qtbot, ReviewPage(manager, external_task(qtbot, manager, {}, bid)))
    qtbot.waitUntil(lambda: bid.id in page.cards, timeout=10_000)
    assert "Contact person for Havefolk ApS" in page.cards[bid.id].who.text()


def test_a_manager_verifies_a_credential_and_staff_get_no_form(
    qtbot: Any, make_context: Callable[..., AppContext], person: Callable[[str], Person]
) -> None:
    mette = make_context("mette")
    tab = shown(qtbot, CredentialsTab(mette))
    assert tab.form.isVisible()
    ole = person("ole")

    def rows() -> list[tuple[str, str]]:
        return [(tab.model.index(r, 0).data(), tab.model.index(r, 1).data()) for r in range(tab.model.rowCount())]

    # The demo's people hold credentials (issue 16): her site's staff's are listed already.
    qtbot.waitUntil(lambda: len(rows()) > 0, timeout=10_000)
    assert (ole.name, "Børneattest") not in rows()
    tab.person.setCurrentIndex(tab.person.findData(ole.id))
    tab.credential.setCurrentIndex(tab.credential.findData("child_protection"))
    qtbot.mouseClick(tab.verify_button, CLICK)
    qtbot.waitUntil(lambda: (ole.name, "Børneattest") in rows(), timeout=10_000)
    anna = make_context("anna")
    staff = shown(qtbot, CredentialsTab(anna))
    assert not staff.form.isVisible()


def test_the_task_form_sets_requirements_and_widens_a_published_task(
    qtbot: Any, make_context: Callable[..., AppContext]
) -> None:
    from ui.task_form import TaskForm

    mette = make_context("mette")
    form = shown(qtbot, TaskForm(mette))
    form.title.setText("Lektiecafé for 4. klasse")
    form.audience.setCurrentIndex(form.audience.findData("organisation"))
    choice = form.requirements.severity["child_protection"]
    choice.setCurrentIndex(choice.findData("block"))
    form.requirements.paid_staff_work.setChecked(True)
    assert not form.requirements.outsiders["company"].isEnabled()  # only for tasks open outside
    with qtbot.waitSignal(form.finished, timeout=10_000) as published:
        qtbot.mouseClick(form.publish_button, CLICK)
    task_id = published.args[0]
    held = ask(qtbot, mette, lambda s: s.get(TaskRequirements, task_id))
    assert held is not None and held.requirements == {"child_protection": "block"} and held.paid_staff_work

    # Published: the audience may only widen, and widening is its own operation.
    edit = shown(qtbot, TaskForm(mette, task_id))
    qtbot.waitUntil(lambda: edit.requirements.loaded is not None, timeout=10_000)
    model = edit.audience.model()
    assert not model.item(edit.audience.findData("site")).isEnabled()  # type: ignore[attr-defined]
    edit.audience.setCurrentIndex(edit.audience.findData("external"))
    edit.requirements.outsiders["company"].setChecked(False)
    with qtbot.waitSignal(edit.finished, timeout=10_000):
        qtbot.mouseClick(edit.publish_button, CLICK)
    task = ask(qtbot, mette, lambda s: s.get(Task, task_id))
    assert task is not None and task.audience == "external"
    assert task.outsiders == ["citizen", "volunteer"]  # kinds are part of the task's audience
    kinds = ask(qtbot, mette, lambda s: [r["kind"] for r in s.rows("SELECT kind FROM outbox ORDER BY seq")])
    assert "task.widen_audience" in kinds and "task.edit" not in kinds


def test_an_outsiders_board_offers_only_the_audience_that_reaches_them(
    qtbot: Any, make_context: Callable[..., AppContext]
) -> None:
    from ui.board import Board

    ole, anna = make_context("ole"), make_context("anna")
    outsider = Board(ole)
    qtbot.addWidget(outsider)
    choices = [outsider.audience_box.itemText(i) for i in range(outsider.audience_box.count())]
    assert choices == ["Any audience", "Also volunteers, citizens and companies"]
    staff = Board(anna)
    qtbot.addWidget(staff)
    assert staff.audience_box.count() == 5  # any, and the four audiences ("other municipalities": issue 16)


def test_an_invitee_takes_up_the_invitation_from_the_login_screen(
    qtbot: Any, knop_server: Any, memory_keyring: Any
) -> None:
    """The first login of an outsider, against a real server: a wrong code is explained, the right one works."""
    from desktop.invitations import new_code
    from desktop.settings import load_settings
    from tests.conftest import make_world
    from ui.login import LoginScreen

    world = make_world()
    code, username = new_code(), f"vera{uuid7()[-6:]}"
    knop_server.user("anna").apply(
        "member.invite", invitation_id=uuid7(), email="vera@example.org", person_kind="volunteer",
        site_id=world.school.id, code=code,
    )
    screen = LoginScreen([])
    qtbot.addWidget(screen)
    screen.server_url = knop_server.url
    taken: list[str] = []
    screen.invitation_taken_up.connect(taken.append)
    dialog = screen.open_invitation()
    assert dialog.server.text() == knop_server.url  # type: ignore[attr-defined]
    for field, text in (("code", new_code()), ("username", username), ("name", "Vera Frivillig"),
                        ("password", "min egen kode"), ("again", "min egen kode")):
        getattr(dialog, field).setText(text)
    qtbot.mouseClick(dialog.ok_button, CLICK)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: dialog.problem.isVisible(), timeout=20_000)  # type: ignore[attr-defined]
    assert "not known" in dialog.problem.text()  # type: ignore[attr-defined]
    dialog.code.setText(code.lower())  # type: ignore[attr-defined]
    qtbot.mouseClick(dialog.ok_button, CLICK)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: taken == [username], timeout=20_000)
    assert screen.username.text() == username
    assert load_settings().server_url == knop_server.url
    assert any(entry.startswith("device ") for (_service, entry) in memory_keyring.secrets)


def test_the_invitation_dialog_of_a_danish_site_workstation_speaks_danish_and_shows_the_code_whole(
    qtbot: Any, knop_server: Any, memory_keyring: Any
) -> None:
    """Found by a new-user try-out at 1024x600 in Danish: the fields were 155 px wide, so the
    server's address and the code showed cut ("tp://127.0.0.1:8765"); the focus sat in the
    address already filled in; the note promised a shared workstation would become the
    invitee's own device; a wrong code was refused in English, and its sentence squeezed
    the fields below their height instead of growing the dialog."""
    from desktop.core.rejection import Rejection
    from desktop.invitations import new_code
    from ui.login import LoginScreen

    words.use_language("da")
    try:
        screen = LoginScreen([])
        qtbot.addWidget(screen)
        screen.server_url = knop_server.url
        screen.site_workstation = True
        dialog = screen.open_invitation()
        qtbot.waitExposed(dialog)
        code = new_code()
        for field, text in ((dialog.server, knop_server.url), (dialog.code, code)):  # type: ignore[attr-defined]
            room = field.contentsRect().width() - 8  # the frame's and the text's margins
            assert field.fontMetrics().horizontalAdvance(text) <= room, text
        assert dialog.focusWidget() is dialog.code  # type: ignore[attr-defined]
        shown_texts = [label.text() for label in dialog.findChildren(QLabel) if label.isVisible()]
        assert words.tr("This is a workplace's shared computer, and it stays one: once you have joined, "
                        "you log in here as anyone does.") in shown_texts
        assert not any("kun du kan logge ind" in text for text in shown_texts)
        for field, text in (("code", code), ("username", "pia"), ("name", "Pia P"),
                            ("password", "min egen kode"), ("again", "min egen kode")):
            getattr(dialog, field).setText(text)
        qtbot.mouseClick(dialog.ok_button, CLICK)  # type: ignore[attr-defined]
        qtbot.waitUntil(lambda: dialog.problem.isVisible(), timeout=20_000)  # type: ignore[attr-defined]
        assert dialog.problem.text() == Rejection("invitation.unknown").message("da")  # type: ignore[attr-defined]
        qtbot.waitUntil(lambda: dialog.username.height() >= dialog.username.sizeHint().height())  # type: ignore[attr-defined]
    finally:
        words.use_language("en")


def test_the_welcome_after_an_invitation_is_not_dressed_as_an_error(qtbot: Any) -> None:
    """Found by a new-user try-out: "Velkommen! Log ind med den adgangskode, du valgte." stood
    in the red box of a refused login. A refusal afterwards is red again."""
    from PySide6.QtGui import QPalette

    from ui.login import LoginScreen
    from ui.main import style_sheet

    screen = LoginScreen([])
    qtbot.addWidget(screen)
    screen.setStyleSheet(style_sheet())
    screen.show()
    qtbot.waitExposed(screen)
    dialog = screen.open_invitation()
    screen.show_problem("x")
    alarm = screen.problem.palette().color(QPalette.ColorRole.WindowText)
    dialog.taken_up.emit("vera")  # type: ignore[attr-defined]
    assert screen.problem.isVisible() and "Welcome" in screen.problem.text()
    assert screen.problem.palette().color(QPalette.ColorRole.WindowText) != alarm
    assert screen.username.text() == "vera" and screen.focusWidget() is screen.password
    screen.failed("Wrong username or password.")
    assert screen.problem.palette().color(QPalette.ColorRole.WindowText) == alarm


def test_the_missing_credentials_sentence_reads_well_for_one_and_for_several() -> None:
    """Not "requires Børneattest, which you do not hold (or which have expired)" for one credential."""
    from desktop.core.rejection import describe

    one = describe("bid.lacks_credentials", {"credentials": ["child_protection"]})
    two = describe("bid.lacks_credentials", {"credentials": ["child_protection", "first_aid"]})
    assert one.text("en").endswith(
        "which you do not hold or which has expired. A site manager or HR can verify credentials for you."
    )
    assert two.text("en").startswith("You cannot bid yet: the task requires 2 credentials, ")
    assert two.text("en").endswith("which have expired. A site manager or HR can verify credentials for you.")
    assert one.text("da").endswith("som er udløbet. En leder eller HR kan bekræfte attester og beviser for dig.")


def test_a_bidder_lacking_a_wished_for_credential_is_told_before_bidding(
    qtbot: Any, make_context: Callable[..., AppContext]
) -> None:
    """Try-out 2: a volunteer bid on "Ønskes: Børneattest" without a word that she lacked it;
    only the manager's card said "Missing" afterwards."""
    manager = make_context("mette")
    task_id = external_task(qtbot, manager, {"child_protection": "warn"})
    manager.close()
    ole = make_context("ole")
    view = shown(qtbot, TaskView(ole, task_id))
    assert view.place_button.isEnabled()  # wished for, not required: the bid goes in
    said = " ".join(view.my_bid_state.text().split())
    assert said == (
        "You have not bid on this task yet. The task wishes for en børneattest, which you do not hold "
        "or which has expired. You can still bid; the manager will see that it is missing."
    )
