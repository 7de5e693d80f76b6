"""PROTOTYPE, measured and reverted (docs/scale-out.md, "Sixth pass", branch initsync5).

The client's side of a pull page without dicts, patched in when sync.pull is
imported: every request says `Knop-Page: columns`; the server (sync.server.app
`pull`, `feed.Page.to_columns`) then answers {"tables": [{"table", "columns",
"deleted", "rows": [[value, ...], ...]}], "cursor", "more", "nfc"}, one block
per table and row shape, and the rows go to `executemany` as they were decoded.
No tests, no validation of the blocks, incremental pulls untested: only for the
initial-sync benchmark.
"""
import orjson
from sync import transport, api, pull
from desktop.store import pulled
from desktop.core.entities import SYNCED
from desktop.core.records import upsert_statement
orig_headers = transport.Transport.headers
def headers(self, token=None):
    h = orig_headers(self, token); h["Knop-Page"] = "columns"; return h
transport.Transport.headers = headers
class Tables(list):
    def __init__(self, tables):
        super().__init__()
        self.tables = tables; self.n = sum(len(t["rows"]) for t in tables)
    def __len__(self): return self.n
def page(self):
    if self.decoded is not None: return self.decoded
    d = orjson.loads(self.body)
    d["changes"] = Tables(d.pop("tables"))
    return self.matching(d)
api.PullAnswer.page = page
orig_apply = pulled.PulledChanges.apply_changes
def apply_changes(self, changes, *, in_nfc=False):
    if not isinstance(changes, Tables): return orig_apply(self, changes, in_nfc=in_nfc)
    touched = set()
    for b in changes.tables:
        cls = SYNCED[b["table"]]; touched.add(b["table"])
        if b["deleted"]:
            for r in b["rows"]:
                row = dict(zip(b["columns"], r)); self.remove_key(cls, [row[k] for k in cls.key])
        else:
            self.connection.executemany(upsert_statement(b["table"], tuple(b["columns"]), cls.key), b["rows"])
    return touched
pulled.PulledChanges.apply_changes = apply_changes
