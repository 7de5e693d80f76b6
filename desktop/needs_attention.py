"""The "needs attention" list: operations the server refused, with what they were about.

A refusal on its own ("All 2 seats are taken") is hard to place a day later;
naming the task it concerns makes it something a person can act on. The
sentences themselves were written by the server in both languages when it
refused (desktop.core.rejection), so the list needs no rules of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop.store import Attention, Store


@dataclass(frozen=True, slots=True)
class AttentionItem:
    """A refused operation, with the task it was about (if any) so a person can find it."""

    attention: Attention
    task_id: str | None
    task_title: str  # "" when the operation was not about a task, or the task is gone
    bidder_name: str = ""  # whose bid a refused decision was about ("" for other operations)

    @property
    def id(self) -> str:
        """The refused operation's id (its outbox id, a UUIDv7)."""
        return self.attention.id


def _task_of(store: Store, item: Attention) -> str | None:
    payload = item.payload if isinstance(item.payload, dict) else {}
    task_id = payload.get("task_id")
    if isinstance(task_id, str):
        return task_id
    bid_id = payload.get("bid_id")
    if isinstance(bid_id, str):
        found = store.rows("SELECT task_id FROM bids WHERE id = ?", (bid_id,))
        return found[0]["task_id"] if found else None
    return None


def _bidder_of(store: Store, item: Attention) -> str:
    """The name of whoever made the bid a refused accept or decline was about, else ""."""
    bid_id = item.payload.get("bid_id") if isinstance(item.payload, dict) else None
    if item.kind not in ("bid.accept", "bid.decline") or not isinstance(bid_id, str):
        return ""
    found = store.rows(
        "SELECT p.name FROM bids b JOIN people p ON p.id = b.bidder_id WHERE b.id = ?", (bid_id,)
    )
    return str(found[0]["name"]) if found else ""


def attention_items(store: Store) -> list[AttentionItem]:
    """Refused operations not yet dismissed, newest refusal first, with their task's title.

    A refused decision on a bid also carries the bidder's name.
    """
    items: list[AttentionItem] = []
    for item in store.attention():
        task_id = _task_of(store, item)
        title = ""
        if task_id:
            found = store.rows("SELECT title FROM tasks WHERE id = ?", (task_id,))
            if found:
                title = found[0]["title"]
            elif isinstance(item.payload.get("title"), str):
                title = item.payload["title"]  # a task.create the server refused
        items.append(AttentionItem(item, task_id, title, _bidder_of(store, item)))
    return items


@dataclass(frozen=True, slots=True)
class OutboxCounts:
    """How many operations wait to be sent, and how many the server refused (not dismissed)."""

    pending: int
    attention: int
    # When this person's last complete sync ended (ISO UTC, client clock; None: never), as
    # the store has kept it: the status bar says it before the scheduler's first sync has.
    last_sync: str | None = None


# The store's state key for the owner's last complete sync (written by sync.engine).
LAST_SYNC = "last_sync_at"


def outbox_counts(store: Store) -> OutboxCounts:
    """What the status bar shows at once after a local change or a login, before any sync runs.

    Its last sync time came only from the scheduler, whose first sync after a login
    ends late when the server hangs: the bar said "Never synced" for someone who had
    synced an hour before (try-out s36).
    """
    return OutboxCounts(store.pending_count(), len(store.attention()), store.state(LAST_SYNC))


def dismiss(store: Store, attention_id: str) -> None:
    """Take a refusal off the list once the person has read it; run on the DB thread."""
    store.dismiss(attention_id)
