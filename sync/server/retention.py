"""How long the server keeps people identifiable in old rows, and the job that enforces it.

`knop-admin retention` runs `run` (from cron, e.g. nightly). Past each period:

- closed tasks (done or cancelled) lose their description and place;
- bids on closed tasks lose their messages (the bidder's and the decision);
- comments on closed tasks lose their text;
- audit events name a keyed pseudonym instead of the person, and no device;
- people deactivated longer than `leavers_days` are erased (`person.erase`).

Ids, statuses, hours and dates stay, so the organisation's numbers and the
count of audit events do not change. Synced rows are changed with a raised
version and new feed rows, so every device, offline ones at their next sync,
drops the texts too. Running it again changes nothing (each step looks only
at rows that still hold what it removes): the job is idempotent.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass, fields

from desktop.core import erasure
from desktop.core.entities import Bid, Comment, Entity, Person, Task
from desktop.core.ids import utc_now
from desktop.core.operations import Change
from sync.server import audit, feed, push
from sync.server.storage import Database, Session

AUDIT_PSEUDONYM = "pseudonym:"  # what an audit actor past retention starts with
_CLOSED = "('done', 'cancelled')"


@dataclass(frozen=True, slots=True)
class Retention:
    """Days each kind of row stays identifiable; see docs/DATA-PROTECTION.md for why these.

    Each is read from KNOP_RETAIN_<FIELD, upper case> (days; a bad value keeps the default).
    """

    closed_tasks_days: float = 3 * 365  # the general limitation period (forældelsesloven, 3 years)
    bids_days: float = 3 * 365  # a bid is evidence on its task's decision: as long as the task
    comments_days: float = 365  # a conversation is needed while the work is fresh
    audit_days: float = 5 * 365  # accounting for assignments and hours (bogføringsloven: 5 years)
    leavers_days: float = 180  # after deactivation: time to settle hours, references, disputes

    @classmethod
    def from_env(cls) -> Retention:
        """The defaults, overridden by KNOP_RETAIN_* environment variables."""
        values = {}
        for item in fields(cls):
            raw = os.environ.get(f"KNOP_RETAIN_{item.name.upper()}")
            try:
                values[item.name] = float(raw) if raw else getattr(cls, item.name)
            except ValueError:
                values[item.name] = getattr(cls, item.name)
        return cls(**values)


def _before(now: str, days: float) -> str:
    moment = dt.datetime.fromisoformat(now.replace("Z", "+00:00")) - dt.timedelta(days=days)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def run(db: Database, policy: Retention, now: str | None = None) -> dict[str, int]:
    """Apply `policy` as of `now` (default: the clock); returns rows changed per kind.

    Kinds: "tasks", "bids", "comments", "audit_events", "people". Every step
    is its own transaction; an interrupted run is finished by the next one.
    """
    now = now or utc_now()
    done = {
        "tasks": _blank(db, Task, ("description", "place"), now,
                        f"status IN {_CLOSED} AND updated_at < ?", _before(now, policy.closed_tasks_days)),
        "bids": _blank(db, Bid, ("message", "availability", "decision_message"), now,
                       f"task_id IN (SELECT id FROM tasks WHERE status IN {_CLOSED}) "
                       "AND coalesce(decided_at, created_at) < ?", _before(now, policy.bids_days)),
        "comments": _blank(db, Comment, ("body",), now,
                           f"task_id IN (SELECT id FROM tasks WHERE status IN {_CLOSED}) "
                           "AND created_at < ?", _before(now, policy.comments_days)),
        "audit_events": _pseudonymise_audit(db, _before(now, policy.audit_days)),
        "people": _erase_leavers(db, _before(now, policy.leavers_days)),
    }
    if any(done.values()):
        with db.write() as s:
            audit.record(
                s, at=now, actor_id=audit.ADMIN_TOOL, device_id=None, operation="retention.run",
                entity_id="retention",
                summary=", ".join(f"{kind}: {n}" for kind, n in done.items() if n),
            )
    return done


def _blank(db: Database, cls: type[Entity], names: tuple[str, ...], now: str, where: str, cutoff: str) -> int:
    """Empty `names` in the rows of `cls` matching `where` (one `?`: the cutoff) that still hold text."""
    holding = " OR ".join(f"{name} <> ''" for name in names)
    with db.write() as s:
        found = s.fetch(cls, f"({where}) AND ({holding})", (cutoff,))
        changes = []
        for row in found:
            clean = row.replace(**{name: "" for name in names}, version=getattr(row, "version", 0) + 1)
            s.put(clean)
            changes.append(Change(clean))
        feed.record(s, changes, now)
    return len(found)


def _secret(s: Session) -> str:
    """The key of audit pseudonyms, made once per database and kept in `meta`."""
    found = s.value("SELECT value FROM meta WHERE key = 'pseudonym_secret'")
    if found is None:
        found = secrets.token_hex(32)
        s.execute("INSERT INTO meta (key, value) VALUES ('pseudonym_secret', ?)", (found,))
    return str(found)


def audit_pseudonym(secret: str, person_id: str) -> str:
    """The same person always gets the same pseudonym, so old events still group by who did them."""
    digest = hmac.new(secret.encode(), person_id.encode("utf-8"), hashlib.sha256).hexdigest()[:16]
    return AUDIT_PSEUDONYM + digest


def _pseudonymise_audit(db: Database, cutoff: str) -> int:
    with db.write() as s:
        rows = s.execute(
            "SELECT DISTINCT actor_id FROM audit_events WHERE at < ? AND actor_id NOT LIKE ? "
            "AND actor_id <> ?",
            (cutoff, AUDIT_PSEUDONYM + "%", audit.ADMIN_TOOL),
        ).fetchall()
        changed = 0
        secret = _secret(s) if rows else ""
        for (actor_id,) in rows:
            changed += int(
                s.execute(
                    "UPDATE audit_events SET actor_id = ?, device_id = NULL WHERE actor_id = ? AND at < ?",
                    (audit_pseudonym(secret, str(actor_id)), actor_id, cutoff),
                ).rowcount
            )
    return changed


def _erase_leavers(db: Database, cutoff: str) -> int:
    """Erase people deactivated before `cutoff` (by their latest deactivation's audit event)."""
    with db.read() as s:
        inactive = [p for p in s.fetch(Person, "active = ?", (False,)) if not erasure.is_erased(p)]
        due = []
        for person in inactive:
            last = s.value(
                "SELECT max(at) FROM audit_events WHERE entity_id = ? "
                "AND operation IN ('person.deactivate', 'admin.person_deactivate')",
                (person.id,),
            )
            if last is not None and str(last) < cutoff:
                due.append(person.id)
    for person_id in due:
        push.apply_as_admin_tool(db, "person.erase", {"person_id": person_id})
    return len(due)
