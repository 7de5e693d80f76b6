"""A notice's line names someone even where the store has no name for who acted.

An outsider's PC holds no profiles of the municipality's staff, so the manager
who declined their bid has no name there (try-out: " har afvist dit bud ..."
began with nobody). The line names the part they played instead.
"""

from __future__ import annotations

from desktop.core import notices
from desktop.core.notices import NoticeKind


def test_a_decision_by_someone_unnamed_is_a_managers() -> None:
    facts = {"who": "", "title": "Hjælp til tablets"}
    line = notices.describe(NoticeKind.BID_DECLINED, facts)
    assert line.text("da").startswith("En leder ")
    assert line.text("en").startswith("A manager declined your bid on")
    with_message = notices.describe(NoticeKind.BID_ACCEPTED, {**facts, "message": "Tak!\nVi ses."})
    assert with_message.text("da").startswith("En leder ")
    assert "Tak!" in with_message.text("da")


def test_other_notices_by_someone_unnamed_say_someone() -> None:
    line = notices.describe(NoticeKind.COMMENT_NEW, {"title": "Grill til sommerfesten"})
    assert line.text("da").startswith("Nogen ")
    assert line.text("en").startswith("Someone commented on")


def test_a_known_name_is_kept() -> None:
    line = notices.describe(NoticeKind.BID_DECLINED, {"who": "Mette Holm", "title": "Grill"})
    assert line.text("da").startswith("Mette Holm ")
    assert line.text("en").startswith("Mette Holm declined")
