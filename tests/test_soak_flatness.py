"""The soak's flatness checks (tests/soak/windows.py `flatness`) on windows as real runs gave them.

A 3-minute soak of 10 s windows judges 15 windows after the warm-up, five a
third. In steady runs the p99 of one 10 s window was up to 1.3x its
neighbour's (3,121 ms after 2,407; docs/scale-out.md "The soak's falling
throughput"), and with one window a third (the 30 s windows a 3-minute run
used to judge) one such window decided the check: now one slow window must
not fail the run, a third slower as a whole must, and so must a server whose
CPU a round grows.
"""

from __future__ import annotations

from tests.soak.windows import Window, flatness


def _windows(p99: list[float], server_ms: list[float] | None = None) -> list[Window]:
    cpu = server_ms or [3.6] * len(p99)
    return [
        Window(
            start_s=30.0 + 10 * n,
            seconds=10.0,
            pushes=2200,
            ops_per_s=900.0,
            push_p50_ms=1200.0,
            push_p99_ms=latency,
            errors=0,
            rss_mb=350.0,
            changes_per_page=600.0,
            kb_per_page=250.0,
            server_ms_round=cpu[n],
            postgres_ms_round=1.7,
            generator_ms_round=1.6,
            collector_ms_round=0.0,
            load_average=10.0,
        )
        for n, latency in enumerate(p99)
    ]


STEADY = [1894, 1562, 1824, 1932, 2036, 2130, 1911, 1687, 1853, 2221, 2254, 2280, 1900, 2000, 1950]


def test_a_steady_run_passes() -> None:
    judged = flatness(_windows(STEADY))
    assert judged["windows_a_third"] == 5
    assert judged["p99_flat"] and judged["server_cpu_flat"] and judged["rss_flat"]


def test_one_slow_window_at_the_end_does_not_fail_the_run() -> None:
    one_bad = [*STEADY[:-1], 3 * STEADY[-1]]
    assert flatness(_windows(one_bad))["p99_flat"]


def test_a_last_third_slower_as_a_whole_fails() -> None:
    slower = STEADY[:10] + [1.6 * p for p in STEADY[10:]]
    assert not flatness(_windows(slower))["p99_flat"]


def test_a_server_whose_cpu_a_round_grows_fails() -> None:
    growing = [3.5 + 0.1 * n for n in range(len(STEADY))]  # 3.5 -> 4.9 ms: +40 % in 3 minutes
    judged = flatness(_windows(STEADY, growing))
    assert judged["p99_flat"] and not judged["server_cpu_flat"]
