"""Search finds what people type and what the board shows (issue 17), on a real store file.

"fest" must find "Sommerfest", "svømning" "svømmeundervisning", "swimming" a
task whose Skills column says "Swimming instruction", and text stored
decomposed (NFD, as some Mac and web tools send it) must be found at all.
"""

from __future__ import annotations

import unicodedata

import pytest

from desktop import board
from desktop.board import BoardFilter
from desktop.store import Store
from tests.conftest import World


def found(store: Store, world: World, text: str) -> list[str]:
    return board.search(store, world.mette, BoardFilter(text=text))


@pytest.fixture
def tasks(store: Store, world: World) -> Store:
    with store.transaction():
        store.put(world.task(id="party", title="Sommerfest på plejehjemmet", skills=[]))
        store.put(
            world.task(
                id="swim",
                title="Vikar i hallen",
                description="Vi mangler en til svømmeundervisning af 3. klasse",
                skills=[],
            )
        )
        store.put(world.task(id="skill", title="Vikar tirsdag", description="", skills=["sport.swimming"]))
        store.put(world.task(id="tag", title="Hjælp", description="", skills=["#tegnsprog for børn"]))
        store.put(world.task(id="other", title="Indkøb til ældre", description="Kørsel", skills=[]))
    return store


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("fest", {"party"}),  # inside the compound "Sommerfest"
        ("FEST", {"party"}),
        ("svømning", {"swim", "skill"}),  # "svømmeundervisning", and the skill's Danish name
        ("swimming", {"skill"}),  # the skill's English name, as the Skills column shows it
        ("Svømmeundervisning", {"swim", "skill"}),
        ("instruction", {"skill"}),
        ("tegnsprog", {"tag"}),  # a free tag's own words
        ("ældre", {"other"}),
        ("ÆLDRE kørsel", {"other"}),  # every word must be there, in any field
        ("fest kørsel", set()),
        ("på", {"party"}),  # two letters: the beginning of a word
        ("s", {"party", "swim"}),  # one letter: word beginnings in the task's own text
    ],
)
def test_words_are_found_inside_words_and_in_skill_names(
    tasks: Store, world: World, typed: str, expected: set[str]
) -> None:
    assert set(found(tasks, world, typed)) == expected


def test_text_pulled_decomposed_is_stored_composed_and_found(store: Store, world: World) -> None:
    title = unicodedata.normalize("NFD", "Sommerfest på Åskolen")
    assert title != unicodedata.normalize("NFC", title)
    row = world.task(id="nfd", title=title, place=unicodedata.normalize("NFD", "Gården")).to_row()
    with store.transaction():
        store.apply_changes([{"table": "tasks", "row": row, "deleted": False}])
    stored = store.rows("SELECT title, place FROM tasks WHERE id = 'nfd'")[0]
    assert stored["title"] == "Sommerfest på Åskolen" and stored["place"] == "Gården"
    for typed in ("åskolen", "Åskolen", unicodedata.normalize("NFD", "åskolen"), "gården", "på"):
        assert found(store, world, typed) == ["nfd"], typed


def test_an_edit_and_a_delete_keep_the_inside_word_index_right(tasks: Store, world: World) -> None:
    party = tasks.rows("SELECT rowid FROM tasks WHERE id = 'party'")[0]["rowid"]
    with tasks.transaction():
        tasks.execute("UPDATE tasks SET title = 'Julefrokost', skills = '[\"sport.swimming\"]' WHERE id = 'party'")
    assert set(found(tasks, world, "fest")) == set()
    assert set(found(tasks, world, "frokost")) == {"party"}
    assert set(found(tasks, world, "swimming")) == {"party", "skill"}
    with tasks.transaction():
        tasks.execute("DELETE FROM tasks WHERE id = 'party'")
    assert not tasks.rows("SELECT rowid FROM tasks_text WHERE rowid = ?", (party,))
    assert set(found(tasks, world, "swimming")) == {"skill"}


def test_stems_keep_enough_to_mean_something() -> None:
    assert board.search_stem("svømning") == "svøm"
    assert board.search_stem("Lektier") == "lekti"
    assert board.search_stem("have") == "have"  # not every "hav"
    assert board.search_stem("fest") == "fest"
