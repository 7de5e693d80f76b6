"""Work a server process does by itself, in rounds: a thread that runs one every so often.

Used for the mail outbox (`sync.server.mail`) and for closing tasks past their
bid deadline (`sync.server.deadlines`). Every process runs its own thread;
what a round does must be safe when several processes run it at once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger("knop.server.rounds")


class Rounds:
    """A daemon thread that calls `one_round()` every `seconds` until `stop()`.

    A round that raises is logged and the next one runs as planned: a thread
    that died would leave the work waiting for ever.
    """

    def __init__(self, name: str, seconds: float, one_round: Callable[[], object]) -> None:
        self.seconds = seconds
        self._round = one_round
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop after the round under way (waits up to 35 s for it)."""
        self._stop.set()
        self._thread.join(timeout=35)

    def stopping(self) -> bool:
        """Whether `stop()` was asked for: a long round may end early."""
        return self._stop.is_set()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._round()
            except Exception:
                log.exception("a round of %s failed", self._thread.name)
            self._stop.wait(self.seconds)
