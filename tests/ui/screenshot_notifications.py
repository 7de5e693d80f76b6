"""The notification centre's screenshot for the README, in Danish with demo data.

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python -m tests.ui.screenshot_notifications [DIR]

Writes notifications_da.png. Until the notification sentences are merged into
resources/locale/da/LC_MESSAGES/knop.po, their Danish is read from
resources/locale/notifications.da.po, compiled here into a throwaway catalogue.
"""

from __future__ import annotations

import ast
import datetime as dt
import struct
import sys
import tempfile
from pathlib import Path

from tests.ui import screenshots  # first: it points the KNOP_*_DIR folders somewhere safe
from desktop import notifications
from desktop.core import text
from desktop.core.entities import NoticeRead, Person, Task
from desktop.core.notices import Notice, NoticeKind
from desktop.store import Store
from sync.server import demo
from tests.ui.conftest import fill_store
from ui.context import AppContext
from ui.main import install_translators, make_application, style_sheet
from ui.main_window import MainWindow
from ui.notifications import NotificationCentre

PO = Path(__file__).resolve().parents[2] / "resources" / "locale" / "notifications.da.po"


def read_po(path: Path) -> dict[str, str]:
    """msgid -> msgstr (plural forms joined by NUL, as in a .mo) from a simple .po file."""
    entries: dict[str, str] = {}
    key: list[str] = []
    values: dict[str, str] = {}
    field = ""

    def flush() -> None:
        if key and values:
            msgid = "\x00".join(key)
            entries[msgid] = values.get("msgstr") or "\x00".join(
                values[k] for k in sorted(values) if k.startswith("msgstr[")
            )

    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("msgid "):
            flush()
            key, values = [ast.literal_eval(line[6:])], {}
            field = "msgid"
        elif line.startswith("msgid_plural "):
            key.append(ast.literal_eval(line[13:]))
            field = "msgid_plural"
        elif line.startswith("msgstr"):
            name, _, literal = line.partition(" ")
            values[name] = ast.literal_eval(literal)
            field = name
        elif line.startswith('"'):
            if field == "msgid":
                key[0] += ast.literal_eval(line)
            elif field in values:
                values[field] += ast.literal_eval(line)
    flush()
    return entries


def write_mo(entries: dict[str, str], path: Path) -> None:
    """A GNU .mo file (the format `gettext` reads) holding these entries."""
    ids = sorted(entries)
    originals = [i.encode("utf-8") for i in ids]
    translations = [entries[i].encode("utf-8") for i in ids]
    start = 7 * 4 + 16 * len(ids)
    offsets, blob = [], b""
    for data in originals:
        offsets.append((len(data), start + len(blob)))
        blob += data + b"\0"
    targets = []
    for data in translations:
        targets.append((len(data), start + len(blob)))
        blob += data + b"\0"
    header = struct.pack("Iiiiiii", 0x950412DE, 0, len(ids), 7 * 4, 7 * 4 + 8 * len(ids), 0, 0)
    table = b"".join(struct.pack("ii", *o) for o in offsets + targets)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(header + table + blob)


def danish_catalogue() -> None:
    """Make `desktop.core.text` read the notification sentences' Danish from the .po."""
    folder = Path(tempfile.mkdtemp(prefix="knop-locale-"))
    write_mo(read_po(PO), folder / "da" / "LC_MESSAGES" / f"{text.DOMAIN}.mo")
    text.locale_dir = lambda: folder  # type: ignore[assignment]
    text.catalogue.cache_clear()


def seed(store: Store, anna: Person, people: dict[str, Person]) -> str:
    """Anna's notifications of the last days, two of them read; returns the newest task's id."""
    tasks = store.fetch(Task, "status = 'open' ORDER BY created_at DESC LIMIT 6")
    managers = [p for p in people.values() if p.role == "site_manager"]
    now = dt.datetime.now(dt.UTC)
    kinds = (
        (NoticeKind.BID_ACCEPTED, {"message": "Velkommen"}),
        (NoticeKind.COMMENT_NEW, {}),
        (NoticeKind.TASK_CHANGED, {}),
        (NoticeKind.TASK_FITS_SEARCH, {"search": "Udflugter"}),
        (NoticeKind.TASK_STARTS_TOMORROW, {}),
        (NoticeKind.TASK_FITS_SKILLS, {}),
    )
    found = []
    for n, ((kind, facts), task) in enumerate(zip(kinds, tasks, strict=False)):
        at = (now - dt.timedelta(hours=5 * n + 1)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        who = managers[n % len(managers)].name
        found.append(
            Notice(f"{kind}:{task.id}", kind, anna.id, task.id, None, at,
                   {"title": task.title, "who": who, **facts})
        )
    with store.transaction():
        notifications.keep(store, anna.id, found)
        for notice in found[3:5]:
            store.put(NoticeRead(anna.id, notice.id, read_at=found[0].at, version=1))
    return found[0].task_id


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    danish_catalogue()
    app = make_application(["knop"])
    translators = install_translators(app, "da")
    app.setStyleSheet(style_sheet())
    data = demo.generate(7, tasks=2000, people=300)
    store_path = fill_store(screenshots.FOLDER / "knop.sqlite3", data)
    people = {p.username: p for p in data.people}
    anna = people["anna"]
    store = Store(store_path, owner_id=anna.id)
    try:
        seed(store, anna, people)
    finally:
        store.close()

    context = AppContext(anna, store_path, None, "da")
    window = MainWindow(context)
    window.resize(*screenshots.SIZE)
    window.show()
    screenshots.settle(app, lambda: window.bell.unread == 4)
    window.bell.click()
    centre = window.current_page()
    assert isinstance(centre, NotificationCentre)
    screenshots.settle(app, lambda: centre.list.count() == 6 and not context.worker.busy())
    screenshots.save(window, out / "notifications_da.png")
    window.tear_down()
    context.close()
    del translators
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
