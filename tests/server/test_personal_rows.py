"""A person's own rows (read notices, settings, saved searches) reach only that person's devices."""

from __future__ import annotations

from desktop.core import notices
from desktop.core.ids import uuid7
from tests.server.conftest import Servers
from tests.server.harness import Api


def personal(api: Api) -> set[tuple[str, str]]:
    tables = {"notice_reads", "person_settings", "saved_searches"}
    return {
        (c["table"], c["row"]["person_id"]) for c in api.pull()["changes"] if c["table"] in tables
    }


def test_nobody_else_pulls_a_persons_own_rows_not_even_an_admin(servers: Servers) -> None:
    deployment = servers.start("sqlite")
    anna, bo, admin = deployment.user("anna"), deployment.user("bo"), deployment.user("admin")
    anna.apply("notice.read", notice_ids=["bid.new:x"])
    anna.apply("settings.set", changes={notices.DESKTOP_KEY: False})
    anna.apply("search.save", search_id=uuid7(), name="Fest", filters={"text": "fest"})
    assert personal(anna) == {
        ("notice_reads", "anna"), ("person_settings", "anna"), ("saved_searches", "anna")
    }
    assert personal(bo) == set()
    assert personal(admin) == set()
    (refused,) = bo.push(bo.op("settings.set", changes={"no.such.setting": True}))
    assert refused["status"] == "rejected" and refused["rejection"]["reason"] == "setting.unknown"
