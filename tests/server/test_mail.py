"""E-mail from the server through a real SMTP server process (aiosmtpd), with its outbox.

The SMTP server is aiosmtpd run as its own process on a free loopback port,
writing what it receives into a Maildir that the test reads. It is stopped to
play a mail server that is down and started again on the same port; the knop
server is restarted to show that what was sent is never sent again.
"""

from __future__ import annotations

import datetime as dt
import mailbox
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterator
from email import message_from_bytes, policy
from email.message import Message
from pathlib import Path

import httpx
import pytest

from desktop.core import notices
from desktop.core.entities import Person
from desktop.core.ids import utc_now, uuid7
from sync.server import mail, notify
from tests.conftest import World
from tests.server.conftest import Servers
from tests.server.harness import Api, Deployment, free_port


class SmtpServer:
    """aiosmtpd in a child process, delivering into a Maildir."""

    def __init__(self, root: Path) -> None:
        self.maildir = root / "maildir"
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{self.port}",
             "-c", "aiosmtpd.handlers.Mailbox", str(self.maildir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # up when it answers a connection
            try:
                import smtplib

                with smtplib.SMTP("127.0.0.1", self.port, timeout=2) as probe:
                    probe.noop()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("aiosmtpd did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=15)
            self.process = None

    def received(self) -> list[Message]:
        if not self.maildir.exists():
            return []
        box = mailbox.Maildir(self.maildir, create=False)
        return [message_from_bytes(m.as_bytes(), policy=policy.default) for m in box]


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[SmtpServer]:
    server = SmtpServer(tmp_path)
    server.start()
    yield server
    server.stop()


def wait_for(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)


def mail_env(smtp: SmtpServer) -> dict[str, str]:
    return mail_env_at(smtp.port)


def mail_env_at(port: int) -> dict[str, str]:
    """The server's mail settings for an SMTP server on loopback at `port` (one may not listen there)."""
    return {
        "KNOP_SMTP_HOST": "127.0.0.1",
        "KNOP_SMTP_PORT": str(port),
        "KNOP_SMTP_TLS": "none",
        "KNOP_MAIL_FROM": "knop@egeskov.example",
        "KNOP_MAIL_POLL_SECONDS": "0.1",
        "KNOP_MAIL_RETRY_SECONDS": "0.1",
    }


def give_address(deployment: Deployment, person_id: str) -> None:
    with deployment.database.write() as s:
        s.execute("UPDATE people SET email = ? WHERE id = ?", (f"{person_id}@egeskov.example", person_id))


def outbox(deployment: Deployment, sql: str = "1 = 1") -> list[tuple[object, ...]]:
    with deployment.database.read() as s:
        return list(
            s.execute(f"SELECT id, mode, sent_at, attempts, last_error FROM mail_outbox WHERE {sql}")
        )


def bid_on_new_task(mette: Api, bidder: Api, world: World, title: str) -> str:
    task_id, bid_id = uuid7(), uuid7()
    mette.apply("task.create", task_id=task_id, site_id=world.school.id, title=title, publish=True)
    bidder.apply("bid.place", bid_id=bid_id, task_id=task_id)
    return bid_id


def body(message: Message, subtype: str) -> str:
    for part in message.walk():
        if part.get_content_type() == f"text/{subtype}":
            return str(part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8"))
    raise AssertionError(f"no text/{subtype} part")


def test_mail_is_sent_once_retried_while_smtp_is_down_and_never_twice_after_a_restart(
    sync_servers_for_mail: Servers, smtp: SmtpServer, world: World
) -> None:
    deployment = sync_servers_for_mail.start("sqlite", env=mail_env(smtp))
    give_address(deployment, "anna")
    mette, anna = deployment.user("mette"), deployment.user("anna")
    anna.apply("settings.set", changes={notices.email_key(notices.NoticeKind.BID_ACCEPTED): "immediate"})

    first = bid_on_new_task(mette, anna, world, "Sommerfest i gården")
    mette.apply("bid.accept", bid_id=first, message="Velkommen!\nMød op kl. 8 ved gården.")
    wait_for(lambda: len(smtp.received()) == 1)
    message = smtp.received()[0]
    assert message["To"] == "anna@egeskov.example"
    assert message["Content-Language"] == "da"  # Anna's language: the default
    facts = {"who": "Mette Larsen", "title": "Sommerfest i gården"}
    # The subject is the one line without the manager's words (several lines cannot be
    # a header); the text quotes them, as the app's notice does.
    assert message["Subject"] == notices.describe(notices.NoticeKind.BID_ACCEPTED, facts).text("da")
    with_words = notices.describe(notices.NoticeKind.BID_ACCEPTED, {**facts, "message": "Velkommen!\nMød op kl. 8 ved gården."})
    assert with_words.text("da") in body(message, "plain")
    assert "<li>" in body(message, "html")
    assert mail.UNSUBSCRIBE_PATH in body(message, "plain")

    smtp.stop()  # the mail server is down
    second = bid_on_new_task(mette, anna, world, "Lektiecafé")
    mette.apply("bid.accept", bid_id=second)
    wait_for(lambda: any(row[4] and int(row[3]) >= 2 for row in outbox(deployment, "sent_at IS NULL")))
    smtp.start()
    wait_for(lambda: len(smtp.received()) == 2)
    assert all(row[2] for row in outbox(deployment))

    deployment.stop_process()
    deployment.start()  # a restart (on a new port): what was sent stays sent
    mette, anna = deployment.user("mette"), deployment.user("anna")
    third = bid_on_new_task(mette, anna, world, "Udflugt til stranden")
    mette.apply("bid.accept", bid_id=third)
    wait_for(lambda: len(smtp.received()) == 3)
    subjects = sorted(m["Subject"] for m in smtp.received())
    assert len(set(subjects)) == 3  # three events, three e-mails, none twice
    assert deployment.server_errors() == []


def test_a_digest_collects_a_persons_notices_and_unsubscribe_stops_one_kind(
    sync_servers_for_mail: Servers, smtp: SmtpServer, world: World
) -> None:
    # The server's own worker looks only every hour: this test sends the rounds itself.
    deployment = sync_servers_for_mail.start(
        "sqlite", env={**mail_env(smtp), "KNOP_MAIL_POLL_SECONDS": "3600"}
    )
    give_address(deployment, "mette")
    mette, anna, bo = deployment.user("mette"), deployment.user("anna"), deployment.user("bo")
    mette.apply("settings.set", changes={notices.LANGUAGE_KEY: "en"})
    bid_on_new_task(mette, anna, world, "Summer party")
    bid_on_new_task(mette, bo, world, "Homework club")
    assert [row[1] for row in outbox(deployment)] == ["digest", "digest"]  # the default

    settings = mail.MailSettings.from_env(mail_env(smtp))
    assert settings is not None
    assert mail.deliver_due(deployment.database, settings) == 0  # not due before the digest hour
    tomorrow = "2999-01-01T00:00:00.000Z"
    assert mail.deliver_due(deployment.database, settings, now=tomorrow) == 1
    assert mail.deliver_due(deployment.database, settings, now=tomorrow) == 0
    (digest,) = smtp.received()
    text = body(digest, "plain")
    assert digest["Content-Language"] == "en"
    assert "Anna Jensen bid on “Summer party”." in text
    assert "Bo Nielsen bid on “Homework club”." in text

    link = next(line for line in text.splitlines() if mail.UNSUBSCRIBE_PATH in line).split()[-1]
    query = urllib.parse.urlparse(link).query
    answer = httpx.get(deployment.url + mail.UNSUBSCRIBE_PATH + "?" + query)
    assert answer.status_code == 200 and "no more e-mail" in answer.text
    forged = query.replace("sig=", "sig=0")
    assert httpx.get(deployment.url + mail.UNSUBSCRIBE_PATH + "?" + forged).status_code == 400
    bid_on_new_task(mette, anna, world, "Garden day")
    assert len(outbox(deployment)) == 2  # unsubscribed from new bids: nothing queued
    with deployment.database.read() as s:
        assert s.get(Person, "mette") is not None
    pulled = mette.pull()  # and her devices learn it through the feed
    assert any(c["table"] == "person_settings" for c in pulled["changes"])


@pytest.fixture
def sync_servers_for_mail(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    owner = Servers(tmp_path_factory)
    yield owner
    owner.close()


def test_starts_tomorrow_is_queued_once_for_the_people_on_the_task(
    sync_servers_for_mail: Servers, world: World
) -> None:
    deployment = sync_servers_for_mail.start("sqlite")
    for person_id in ("anna", "bo"):
        give_address(deployment, person_id)
    mette, anna, bo = deployment.user("mette"), deployment.user("anna"), deployment.user("bo")
    now = utc_now()
    tomorrow = (dt.date.fromisoformat(now[:10]) + dt.timedelta(days=1)).isoformat()
    task_id, bid_id = uuid7(), uuid7()
    mette.apply("task.create", task_id=task_id, site_id=world.school.id, title="Skovtur",
                starts_on=tomorrow, seats=2, publish=True)
    anna.apply("bid.place", bid_id=bid_id, task_id=task_id)
    bo.apply("bid.place", bid_id=uuid7(), task_id=task_id)  # pending: not on the task
    mette.apply("bid.accept", bid_id=bid_id)
    for _ in range(2):  # every process, every hour: still once
        with deployment.database.write() as s:
            notify.queue_reminders(s, now)
    rows = outbox(deployment, f"kind = '{notices.NoticeKind.TASK_STARTS_TOMORROW}'")
    assert [row[0] for row in rows] == [f"task.starts_tomorrow:{task_id}:{tomorrow}|anna"]


def test_a_server_without_a_mail_server_queues_nothing(
    sync_servers_for_mail: Servers, world: World
) -> None:
    deployment = sync_servers_for_mail.start("sqlite")
    give_address(deployment, "mette")
    mette, anna = deployment.user("mette"), deployment.user("anna")
    bid_on_new_task(mette, anna, world, "Sommerfest")
    assert outbox(deployment) == []
