"""The "needs attention" list: operations the server refused, with its reason."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from desktop.core.ids import utc_now
from desktop.store.transactions import Transactions


@dataclass(frozen=True, slots=True)
class Attention:
    """An operation the server refused, kept so the user can see why."""

    id: str
    kind: str
    payload: dict[str, Any]
    code: str
    reason: str
    facts: dict[str, Any]
    message_da: str
    message_en: str
    created_at: str
    rejected_at: str

    def message(self, language: str) -> str:
        """The refusal's sentence in "da" or (anything else) English, as kept (`rejection.reworded`)."""
        return self.message_da if language == "da" else self.message_en


class AttentionList(Transactions):
    """Refused operations move here from the outbox; the user dismisses them."""

    def refuse(self, op_id: str, rejection: dict[str, Any]) -> None:
        """The server refused it: move it to the attention list; the rebase drops its effect."""
        row = self.connection.execute(
            "SELECT kind, payload, created_at FROM outbox WHERE id = ?", (op_id,)
        ).fetchone()
        if row is None:
            return
        message = rejection.get("message") or {}
        self.connection.execute(
            "INSERT OR REPLACE INTO attention (id, kind, payload, code, reason, facts, "
            "message_da, message_en, created_at, rejected_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (
                op_id,
                row[0],
                row[1],
                str(rejection.get("code", "invalid")),
                str(rejection.get("reason", "operation.failed")),
                json.dumps(rejection.get("facts") or {}, ensure_ascii=False),
                str(message.get("da") or rejection.get("reason", "")),
                str(message.get("en") or rejection.get("reason", "")),
                row[2],
                utc_now(),
            ),
        )
        self.connection.execute("DELETE FROM outbox WHERE id = ?", (op_id,))

    def attention(self, *, include_dismissed: bool = False) -> list[Attention]:
        """Refused operations, newest refusal first; dismissed ones only when asked for."""
        where = "" if include_dismissed else "WHERE dismissed = 0"
        return [
            Attention(
                id=r["id"],
                kind=r["kind"],
                payload=json.loads(r["payload"]),
                code=r["code"],
                reason=r["reason"],
                facts=json.loads(r["facts"]),
                message_da=r["message_da"],
                message_en=r["message_en"],
                created_at=r["created_at"],
                rejected_at=r["rejected_at"],
            )
            for r in self.rows(f"SELECT * FROM attention {where} ORDER BY rejected_at DESC")
        ]

    def dismiss(self, attention_id: str) -> None:
        """Hide a refused operation from the list (it stays in the file), in its own transaction."""
        with self.transaction():
            self.connection.execute("UPDATE attention SET dismissed = 1 WHERE id = ?", (attention_id,))
