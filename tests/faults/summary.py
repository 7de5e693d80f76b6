"""How many faults of each kind the proxy injected, per test, in pytest's terminal summary.

A module whose tests break connections imports `fault_summary` (an autouse
fixture once imported), so a run shows which faults actually fired:

    from tests.faults.summary import fault_summary  # noqa: F401

The fixture registers a small plugin the first time it runs, because a
conftest hook would only be loaded when tests/faults itself is collected.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest

from tests.faults.proxy import INJECTED, Fault

LABELS = {
    Fault.DROP_MID_REQUEST: "dropped mid-request",
    Fault.DROP_BEFORE_RESPONSE: "dropped before the response",
    Fault.DROP_MID_RESPONSE: "dropped mid-response",
    Fault.STALL: "stalled",
    Fault.TRUNCATE_RESPONSE: "truncated",
    Fault.NONE: "passed clean",
}


def described(counts: Counter[Fault]) -> str:
    return ", ".join(f"{LABELS[f]} {counts[f]}" for f in LABELS if counts[f])


class FaultReport:
    """Collects each test's share of INJECTED and prints it at the end of the session."""

    name = "knop-fault-report"

    def __init__(self) -> None:
        self.per_test: dict[str, Counter[Fault]] = {}

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if not self.per_test:
            return
        terminalreporter.section("faults injected by tests/faults/proxy.py")
        total: Counter[Fault] = Counter()
        for test, counts in self.per_test.items():
            terminalreporter.write_line(f"{test}: {described(counts)}")
            total += counts
        terminalreporter.write_line(f"all of them: {described(total)}")


@pytest.fixture(autouse=True)
def fault_summary(request: pytest.FixtureRequest) -> Iterator[None]:
    manager = request.config.pluginmanager
    report = manager.get_plugin(FaultReport.name)
    if report is None:
        report = FaultReport()
        manager.register(report, FaultReport.name)
    before = INJECTED.copy()
    yield
    if counts := INJECTED - before:  # tests that made no connection would only add noise
        report.per_test[request.node.nodeid] = counts
