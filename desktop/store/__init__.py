"""The local store: one SQLite file per user per machine.

It holds the server's state as last pulled, the user's pending operations (the
outbox) and the view the user sees: server state with the pending operations
applied on top. An operation is written to the outbox and applied to the view
in the same transaction, so nothing a user does is lost to a crash.

Rebase: before a pending operation first changes a row, the server's version of
that row is kept in `shadows`. Pulled changes to a shadowed row update the
shadow, not the view. After a sync, every shadowed row is put back to the
server's version and the still-pending operations are replayed on top; a
rejected operation simply is not replayed, so its effect disappears.

A store is used from one thread at a time; the UI gives it a worker of its own.

The package is split by concern; `Store` (in `local`) puts the parts together:

- `transactions`: the connection, write transactions and the key/value state;
- `damage`: opening a file, and every way it can turn out broken (`StoreDamaged`);
- `outbox`: the pending operations and what a push does with them;
- `attention`: operations the server refused, kept so the user sees why;
- `rebase`: shadows of the server's rows, and the view rebuilt from them;
- `pulled`: writing pulled changes, and forgetting them for a full resync;
- `bulk_load`: an initial pull without search triggers and secondary indexes;
- `recovery`: moving a damaged file aside and rescuing its outbox.
"""

from desktop.store.attention import Attention
from desktop.store.bulk_load import BULK_LOAD
from desktop.store.damage import StoreDamaged
from desktop.store.local import Store
from desktop.store.outbox import PendingOperation
from desktop.store.recovery import recover, requeue

__all__ = [
    "BULK_LOAD",
    "Attention",
    "PendingOperation",
    "Store",
    "StoreDamaged",
    "recover",
    "requeue",
]
