"""The network of sites uses the room it is given, and its chart and slider say what they show.

Try-out s36 (11): the circle of sites was some 250 px across in a 1250 px wide
area, the monthly chart ended with the month just begun plotted as 0 (it read as
a collapse), and "hele perioden" at the slider's far left did not say what it was.
The server's own answer for the demo municipality, shown in Danish.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from desktop import insights
from tests.ui.driving import no_message_boxes, styled  # noqa: F401 - autouse fixture
from tests.ui.test_insights import answers, keep  # noqa: F401 - the server's answers (fixture)
from ui.context import AppContext
from ui.insights_network import NetworkScreen


def test_the_ring_of_sites_takes_the_width_and_the_begun_month_is_left_out(
    qtbot: Any, make_context: Callable[..., AppContext], answers: dict[str, Any]  # noqa: F811
) -> None:
    context = make_context("admin", "da")
    body = answers["network-admin"]
    keep(context, insights.NETWORK, body)
    with styled("da"):
        screen = NetworkScreen(context)
        qtbot.addWidget(screen)
        screen.resize(1366, 700)
        screen.show()
        picture, chart = screen.picture, screen.chart
        qtbot.waitUntil(lambda: bool(picture.nodes) and bool(chart.months), timeout=10_000)
        qtbot.waitUntil(lambda: bool(picture.circles), timeout=10_000)  # painted
        circles = list(picture.circles.values())
        across = max(c.right() for c in circles) - min(c.left() for c in circles)
        assert across >= 0.35 * picture.width(), (across, picture.width())
        # Names stay clear of each other and of every site.
        labels = list(picture.labels.values())
        for i, box in enumerate(labels):
            assert not any(box.intersects(other) for other in labels[i + 1:])
            assert not any(box.intersects(circle) for circle in circles)
        # The chart leaves out the month it was computed in, and says so.
        begun = body["computed_at"][:7]
        assert chart.months and chart.months[-1]["month"] < begun
        assert "kun lige begyndt" in chart.title
        # The slider's far left says what it is: every quarter, first to last.
        screen.slider.setValue(0)
        said = screen.quarter_label.text()
        assert said.startswith("alle kvartaler, ") and screen.say_quarter(screen.quarters[-1]) in said, said
    qtbot.waitUntil(lambda: not context.worker.busy(), timeout=10_000)
