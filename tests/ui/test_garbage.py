"""Cycles are freed on the UI thread, whichever thread made them: ui/garbage.py."""

from __future__ import annotations

import gc
import threading
from typing import Any

from ui.garbage import MainThreadCollector


class _Cycle:
    """Holds itself, so only the cycle collector frees it; says on which thread that was."""

    def __init__(self, threads: list[str]) -> None:
        self.threads = threads
        self.me = self

    def __del__(self) -> None:
        self.threads.append(threading.current_thread().name)


def _make_garbage_on_a_thread(freed: list[str]) -> list[list[object]]:
    """A cycle, then (still on that thread) objects enough to make a collection due.

    Returns those objects: kept, they keep generation 0 past its threshold.
    """
    kept: list[list[object]] = []

    def work() -> None:
        _Cycle(freed)
        # Far past generation 0's threshold: CPython's own collector would run here, now.
        kept.extend([] for _ in range(5 * gc.get_threshold()[0]))

    thread = threading.Thread(target=work, name="knop-db-like")
    thread.start()
    thread.join()
    return kept


def test_a_cycle_made_on_another_thread_is_freed_on_the_ui_thread(qtbot: Any) -> None:
    freed: list[str] = []
    kept = _make_garbage_on_a_thread(freed)
    assert freed == []  # not on the thread that made it
    qtbot.waitUntil(lambda: bool(freed), timeout=10_000)  # the timer's collection
    assert freed == [threading.main_thread().name]
    assert kept


def test_stopping_collects_and_gives_automatic_collection_back(qtbot: Any) -> None:
    collector = MainThreadCollector()
    enabled_before = gc.isenabled()
    collector.start()
    assert not gc.isenabled()
    freed: list[str] = []
    _make_garbage_on_a_thread(freed)
    collector.stop()
    assert freed == [threading.main_thread().name]
    assert gc.isenabled() == enabled_before


def test_without_it_cpython_frees_the_cycle_where_it_was_made() -> None:
    """The reason for it: not a Qt test, so no collector runs here."""
    assert gc.isenabled()
    freed: list[str] = []
    _make_garbage_on_a_thread(freed)
    assert freed == ["knop-db-like"]
