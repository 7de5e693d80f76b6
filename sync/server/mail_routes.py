"""The mail outbox's place in the server: its sending worker and the unsubscribe link.

`router` is included by `sync.server.app`; its lifespan starts a `MailWorker`
in each server process when a mail server is configured (`sync.server.mail`).
The unsubscribe link is opened in a browser from an e-mail, so it lies outside
/v1 (no protocol header, no credentials): its signature is the proof.
"""

from __future__ import annotations

import contextlib
import html
import logging
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import HTMLResponse

from desktop.core import notices
from desktop.core.entities import Person, PersonSettings
from desktop.core.ids import utc_now
from desktop.core.operations import Change
from desktop.core.text import Sentence, quoted, sentence
from sync.server import feed, mail
from sync.server.storage import Database

log = logging.getLogger("knop.server.mail")


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings = mail.MailSettings.from_env()
    worker = mail.MailWorker(app.state.db, settings) if settings else None
    if settings is not None and worker is not None:
        log.info("sending e-mail through %s:%d (%s)", settings.host, settings.port, settings.tls)
        worker.start()
    yield
    if worker is not None:
        worker.stop()


router = APIRouter(lifespan=_lifespan)


@router.get(mail.UNSUBSCRIBE_PATH, response_class=HTMLResponse, include_in_schema=False)
def unsubscribe(
    request: Request,
    person: Annotated[str, Query(max_length=64)],
    kind: Annotated[str, Query(max_length=64)],
    sig: Annotated[str, Query(max_length=64)],
) -> HTMLResponse:
    """Stop e-mail of one kind for one person; the change reaches their devices through the feed."""
    db: Database = request.app.state.db
    with db.write() as s:
        valid = kind in notices.KINDS and mail.hmac.compare_digest(
            sig, mail.signature(s, person, kind)
        )
        who = s.get(Person, person) if valid else None
        if who is None:
            return HTMLResponse(_page("en", sentence("This link is not valid.")), status_code=400)
        now = utc_now()
        held = s.get(PersonSettings, person)
        values = {**(held.preferences if held else {}), notices.email_key(kind): notices.EMAIL_OFF}
        settings = PersonSettings(
            person, preferences=values, updated_at=now, version=(held.version if held else 0) + 1
        )
        s.put(settings)
        feed.record(s, [Change(settings)], now)
        language = str(notices.preference(values, notices.LANGUAGE_KEY))
    done = sentence(
        "You will get no more e-mail about {kind}. You can turn it on again in Knop.",
        kind=quoted(notices.kind_name(kind)),
    )
    return HTMLResponse(_page(language, done))


def _page(language: str, said: Sentence) -> str:
    return (
        f'<!doctype html><html lang="{language}"><meta charset="utf-8"><title>Knop</title>'
        f"<p>{html.escape(said.text(language))}</p></html>"
    )
