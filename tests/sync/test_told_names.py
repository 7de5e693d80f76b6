"""Names the server told a reader (desktop.told_names) leave the reader's store with the tasks they were told for.

A real SQLite store, written by the pull's own page writer: when the feed
removes a task (or a comment), a name kept only for it is forgotten in the same
transaction; a name another task or comment still shows stays. So is it at the
end of an initial pull (a resync), for the tasks that did not come back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from desktop import told_names
from desktop.core.entities import Comment, Task
from desktop.store import Store
from sync import protocol
from sync.pull import CURSOR, Pulled, write_pushed_page
from tests.conftest import World, make_world
from tests.server.harness import Deployment
from tests.sync.conftest import MachineFactory
from tests.sync.test_faults import ServerBackup, published_task, synced_after_restore


def told(poster_id: str, name: str, authors: tuple[tuple[str, str], ...] = ()) -> dict[str, Any]:
    """A `poster_api.Poster` answer naming the poster and the comments' authors."""
    return {
        "poster_id": poster_id, "name": name, "title": "", "organisation_name": "Bøgeby Kommune",
        "comment_authors": [
            {"person_id": p, "name": n, "title": "", "organisation_name": "Bøgeby Kommune"} for p, n in authors
        ],
    }


def test_a_told_name_leaves_the_store_with_the_last_task_or_comment_that_showed_it(tmp_path: Path) -> None:
    world = make_world()
    store = Store(tmp_path / "anna.sqlite3")
    try:
        far = world.task(id="t-far", poster_id="bent")
        near = world.task(id="t-near", poster_id="bea")
        said = Comment(id="c-1", task_id="t-near", author_id="berit", body="Hej", version=1)
        also = world.task(id="t-also", poster_id="bodil")
        with store.transaction():
            for entity in (far, near, said, also):
                store.put(entity)
        told_names.keep(store, "anna", told("bent", "Bent Bager"))
        told_names.keep(store, "anna", told("bea", "Bea Borg", (("berit", "Berit Admin"), ("bodil", "Bodil"))))
        everyone = ("bent", "bea", "berit", "bodil")
        assert set(told_names.told_names(store, "anna", everyone)) == set(everyone)
        store.set_state(CURSOR, "c1")

        gone = {"changes": [{"table": "tasks", "row": far.to_row(), "deleted": True}], "cursor": "c2", "more": False}
        assert write_pushed_page(store, gone, "c1", Pulled())  # type: ignore[arg-type]
        assert set(told_names.told_names(store, "anna", everyone)) == {"bea", "berit", "bodil"}

        # Berit is shown by her comment alone, Bodil still posts "t-also": only Berit goes.
        comment_gone = {
            "changes": [{"table": "comments", "row": said.to_row(), "deleted": True}], "cursor": "c3", "more": False,
        }
        assert write_pushed_page(store, comment_gone, "c2", Pulled())  # type: ignore[arg-type]
        assert set(told_names.told_names(store, "anna", everyone)) == {"bea", "bodil"}
    finally:
        store.close()


def test_a_resync_forgets_the_names_told_for_tasks_that_did_not_come_back(
    fresh_knop_server: Deployment, world: World, machines: MachineFactory, tmp_path: Path
) -> None:
    """The server is restored from a backup older than Anna's task: Bo's PC pulls everything again
    (a resync, an initial pull with no deletions in it), and her task does not come back. The name
    told for it goes at the end of the pull; Mette's, whose task the backup has, stays."""
    mette, anna = fresh_knop_server.user("mette"), fresh_knop_server.user("anna")
    kept = published_task(mette, world.school.id)
    staffroom = machines(fresh_knop_server, world.school.id, "staffroom")
    bo = staffroom.login("bo")
    assert staffroom.sync(bo).ok
    backup_of = ServerBackup(fresh_knop_server, tmp_path)
    backup_of.take()
    lost = published_task(anna, world.school.id)
    assert staffroom.sync(bo).ok
    asking = fresh_knop_server.user("bo")
    answers = [asking.http.get(protocol.PATH_TASK_POSTER, params={"task_id": t}, headers=asking.headers())
               for t in (kept, lost)]
    assert [a.status_code for a in answers] == [200, 200], [a.text for a in answers]
    store = staffroom.store(bo.person.id)
    try:
        for answer in answers:  # as the task view keeps what the server said
            told_names.keep(store, bo.person.id, answer.json())
        assert set(told_names.told_names(store, bo.person.id, ("mette", "anna"))) == {"mette", "anna"}
    finally:
        store.close()

    restored, _report = synced_after_restore(backup_of, staffroom, bo)
    try:
        store = staffroom.store(bo.person.id)
        try:
            assert store.get(Task, lost) is None and store.get(Task, kept) is not None
            assert set(told_names.told_names(store, bo.person.id, ("mette", "anna"))) == {"mette"}
        finally:
            store.close()
        assert restored.server_errors() == []
    finally:
        restored.stop()
