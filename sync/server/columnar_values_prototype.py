"""PROTOTYPE, measured and reverted (docs/scale-out.md, "Sixth pass", branch initsync5).

Adds to a copy of the benchmark's seeded server database (SQLite) each change's
row shape and values beside its body: `python sync/server/columnar_values_prototype.py DB`.
A server started with KNOP_PROTO_VALUES=1 then reads those (feed.page_after,
the in-memory tail bypassed) and answers a client asking `Knop-Page: columns`
by joining the stored bytes (feed.Page.to_columns), without decoding anything:
the upper bound of a page without dicts whose rows the server stores so.
"""
import sqlite3, orjson, sys
db = sqlite3.connect(sys.argv[1])
db.execute("ALTER TABLE changes ADD COLUMN row_shape TEXT")
db.execute("ALTER TABLE changes ADD COLUMN row_values TEXT")
rows = db.execute("SELECT rowid, body FROM changes").fetchall()
out = []
for rowid, body in rows:
    ch = orjson.loads(body)
    # the shape: the block's head without its closing brace: {"table":..,"columns":[..],"deleted":..}
    shape = orjson.dumps({"table": ch["table"], "columns": list(ch["row"]), "deleted": ch["deleted"]}).decode()
    out.append((shape, orjson.dumps(list(ch["row"].values())).decode(), rowid))
db.executemany("UPDATE changes SET row_shape = ?, row_values = ? WHERE rowid = ?", out)
db.commit()
print(len(out))
