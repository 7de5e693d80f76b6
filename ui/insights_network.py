"""The knopskydning picture: sites as circles, tasks solved across sites as arrows, over time.

Drawn with Qt's own QPainter, so the picture costs the bundle nothing: the
same `paint()` draws the screen, the PNG (QImage) and the SVG (QSvgGenerator,
in PySide6-Essentials' QtSvg). Sites sit on a circle, grouped by kind and in
name order, so a site keeps its place while the quarter slider moves and the
eye can follow the links grow; a force layout (networkx and the like) would
move every site each quarter and add megabytes for a few dozen nodes.

A site's name stands in a column beside the circle, on the side its site is
on, joined to it by a thin line: spread along the column so no name covers
another, a site or the legend, at any size the window gives it (the names
sitting beside their circles ran into each other where sites crowd).

A circle's area follows the tasks the site posted plus those its people
solved; an arrow A -> B means people from B solved tasks of A, its width the
number of tasks. Below it, a line chart of new links between sites per month.
The "Table" tab holds the same numbers for screen readers; the slider works
with the arrow keys, and Home/End jump to the whole period / the last quarter.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QFontMetricsF, QImage, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSlider,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import insights
from desktop.core.text import translate
from ui import wording
from ui.collation import name_key
from ui.file_export import save_export
from ui.focus_frame import FocusFrame
from ui.insights_screen import InsightScreen
from ui.long_text import heading
from ui.table_model import Column, RowsModel, table_view

KIND_COLOURS = {
    "school": QColor("#2f6fb0"),
    "care_home": QColor("#c0504d"),
    "daycare": QColor("#e29a1b"),
    "administration": QColor("#5b8c3a"),
}
OTHER_COLOUR = QColor("#7a6aa8")
DRAWN_LINKS = 40
INK = QColor("#2b2b2b")
ARROW = QColor(60, 60, 60, 150)
LEADER = QColor(120, 120, 120, 140)
GAP = 10.0  # between the circle's widest site and a column of names, in pixels
LABEL_SHARE = 0.26  # the most of the picture's width one column of names may take
WIDEST = 1.9  # the ring of sites is at most this many times as wide as it is high


def spread(wanted: list[float], height: float, top: float, bottom: float) -> list[float]:
    """Tops for boxes `height` tall, each as near its `wanted` top as the others let it.

    `wanted` is sorted; the boxes keep that order, never overlap, and stay within
    [top, bottom] as far as they fit (when they cannot all fit, they are packed
    from `top`). Pushes down from the first, then back up from the last.
    """
    placed: list[float] = []
    for y in wanted:
        placed.append(max(y, top, placed[-1] + height if placed else top))
    limit = bottom
    for i in range(len(placed) - 1, -1, -1):
        placed[i] = min(placed[i], limit - height)
        limit = placed[i]
    if placed and placed[0] < top:  # more names than room: from the top, evenly
        placed = [top + i * height for i in range(len(placed))]
    return placed


class _Painted(QWidget):
    """A widget whose `paint(painter, area)` also draws it into a PNG or an SVG."""

    def paintEvent(self, event: Any) -> None:  # noqa: N802
        painter = QPainter(self)
        try:
            self.paint(painter, QRectF(self.rect()))
        finally:
            painter.end()

    def paint(self, painter: QPainter, area: QRectF) -> None:
        raise NotImplementedError


class NetworkPicture(_Painted):
    """The network for one quarter (None: the whole time), painted by `paint()`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.nodes: list[dict[str, Any]] = []
        self.links: list[insights.Link] = []
        self.quarter: str | None = None
        self.title = ""
        self.kind_names: dict[str, str] = {}
        # Where the last paint put each site's circle and name (site id -> box), and the legend.
        self.circles: dict[str, QRectF] = {}
        self.labels: dict[str, QRectF] = {}
        self.legend = QRectF()
        self.setMinimumSize(360, 230)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("network")

    def show_quarter(self, nodes: list[dict[str, Any]], links: list[insights.Link], quarter: str | None, title: str) -> None:
        order = {"school": 0, "daycare": 1, "care_home": 2, "administration": 3}
        self.nodes = sorted(nodes, key=lambda n: (order.get(n.get("kind", ""), 9), name_key(n.get("name", ""))))
        self.links, self.quarter, self.title = links, quarter, title
        self.setAccessibleDescription(title)
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(720, 520)

    def paint(self, painter: QPainter, area: QRectF) -> None:
        """Draw the picture into `area` of any paint device (the screen, a PNG, an SVG)."""
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(area, QColor("white"))
        font = QFont(painter.font())
        font.setPointSizeF(max(7.0, min(10.0, area.width() / 90)))
        painter.setFont(font)
        painter.setPen(INK)
        painter.drawText(area.adjusted(8, 6, -8, 0), Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft, self.title)
        self.circles, self.labels = {}, {}
        self.legend = self._legend(painter, area)
        if not self.nodes:
            return
        metrics = QFontMetricsF(painter.font())
        line = metrics.height() + 2
        top = area.top() + 6 + line + 4  # below the title
        bottom = area.bottom() - 6
        # Smaller names where more sites than fit stand in a column (a big organisation).
        per_column = (len(self.nodes) + 1) // 2
        while per_column * (metrics.height() + 2) > bottom - top and font.pointSizeF() > 6.0:
            font.setPointSizeF(font.pointSizeF() - 0.5)
            painter.setFont(font)
            metrics = QFontMetricsF(font)
        line = metrics.height() + 2
        names = {n["site_id"]: str(n.get("name", "")) for n in self.nodes}
        column = min(max(metrics.horizontalAdvance(name) for name in names.values()) + 4, area.width() * LABEL_SHARE)
        count = len(self.nodes)
        # The ring of sites takes what the columns of names leave: as high as the room, and
        # wider than high where the room is wide (a circle held to the height was some 250 px
        # across in a 1250 px area, try-out s36), up to `WIDEST` times as wide.
        high = max(30.0, (bottom - top) / 2)
        reach = max(30.0, min(area.width() / 2 - column - GAP - 8, high * WIDEST))
        high = min(high, reach)
        # Sites lie closest together where the ring is narrowest: their size follows that.
        largest = max(6.0, min(34.0, high * math.pi / max(count, 1) * 0.45, high * 0.3))
        centre = QPointF(area.center().x(), (top + bottom) / 2)
        places: dict[str, QPointF] = {}
        for number, node in enumerate(self.nodes):
            angle = -math.pi / 2 + 2 * math.pi * number / count
            places[node["site_id"]] = centre + QPointF(
                (reach - largest) * math.cos(angle), (high - largest) * math.sin(angle)
            )
        sizes = {n["site_id"]: sum(insights.node_size(n, self.quarter)) for n in self.nodes}
        biggest = max(sizes.values(), default=0) or 1
        radii = {site: 3.0 + (largest - 3.0) * math.sqrt(size / biggest) for site, size in sizes.items()}
        self.circles = {
            site: QRectF(where.x() - radii[site], where.y() - radii[site], 2 * radii[site], 2 * radii[site])
            for site, where in places.items()
        }
        heaviest = max((link.weight for link in self.links), default=1)
        for link in sorted(self.links, key=lambda k: k.weight):
            if link.source in places and link.target in places:
                self._arrow(painter, places[link.source], places[link.target], radii[link.source], radii[link.target], 0.8 + 5.0 * link.weight / heaviest)
        self._name_columns(painter, area, names, places, radii, centre, reach, column, line, top, bottom)
        for node in self.nodes:
            site, where = node["site_id"], places[node["site_id"]]
            colour = KIND_COLOURS.get(node.get("kind", ""), OTHER_COLOUR)
            painter.setPen(QPen(colour.darker(140), 1.2))
            painter.setBrush(colour)
            painter.drawEllipse(where, radii[site], radii[site])

    def _name_columns(
        self,
        painter: QPainter,
        area: QRectF,
        names: dict[str, str],
        places: dict[str, QPointF],
        radii: dict[str, float],
        centre: QPointF,
        reach: float,
        column: float,
        line: float,
        top: float,
        bottom: float,
    ) -> None:
        """Each site's name in the column on its side, spread so none covers another, joined by a line.

        A column stands clear of the circle (`reach` from the centre, plus GAP), so a
        name never covers a site; the left column ends above the legend where they meet.
        """
        metrics = QFontMetricsF(painter.font())
        right_edge = centre.x() + reach + GAP  # the right column's left edge
        left_edge = centre.x() - reach - GAP  # the left column's right edge
        sides: dict[bool, list[str]] = {True: [], False: []}
        for number, node in enumerate(self.nodes):
            site = node["site_id"]
            # The top site goes right and the bottom one left, so the columns share them out.
            on_right = places[site].x() > centre.x() + 0.5 or (
                abs(places[site].x() - centre.x()) <= 0.5 and number == 0
            )
            sides[on_right].append(site)
        for on_right, sites in sides.items():
            sites.sort(key=lambda site: places[site].y())
            floor = bottom
            if not on_right and self.legend.isValid() and left_edge - column < self.legend.right():
                floor = min(floor, self.legend.top() - 4)
            tops = spread([places[site].y() - line / 2 for site in sites], line, top, floor)
            for site, y in zip(sites, tops, strict=True):
                width = min(column, (area.right() - 4 - right_edge) if on_right else (left_edge - area.left() - 4))
                text = metrics.elidedText(names[site], Qt.TextElideMode.ElideRight, max(width, 10.0))
                used = metrics.horizontalAdvance(text) + 2
                box = QRectF(right_edge if on_right else left_edge - used, y, used, line)
                self.labels[site] = box
                node_at = places[site]
                edge = node_at + QPointF(radii[site] if on_right else -radii[site], 0)
                painter.setPen(QPen(LEADER, 0.8))
                painter.drawLine(edge, QPointF(box.left() - 2 if on_right else box.right() + 2, box.center().y()))
                painter.setPen(INK)
                painter.drawText(
                    box,
                    (Qt.AlignmentFlag.AlignLeft if on_right else Qt.AlignmentFlag.AlignRight) | Qt.AlignmentFlag.AlignVCenter,
                    text,
                )

    def _legend(self, painter: QPainter, area: QRectF) -> QRectF:
        """Which colour is which kind of site, in the lower left corner; returns where it is."""
        kinds = [k for k in KIND_COLOURS if any(n.get("kind") == k for n in self.nodes)]
        if not kinds:
            return QRectF()
        metrics = painter.fontMetrics()
        line = metrics.height() + 4
        top = area.bottom() - 8 - line * len(kinds)
        widest = max(metrics.horizontalAdvance(self.kind_names.get(k, k)) for k in kinds)
        for number, kind in enumerate(kinds):
            y = top + number * line
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(KIND_COLOURS[kind])
            painter.drawEllipse(QPointF(area.left() + 16, y + line / 2), 6, 6)
            painter.setPen(INK)
            painter.drawText(
                QRectF(area.left() + 28, y, widest + 4, line),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                self.kind_names.get(kind, kind),
            )
        return QRectF(area.left() + 8, top, 20 + widest + 4, line * len(kinds))

    def _arrow(self, painter: QPainter, a: QPointF, b: QPointF, ra: float, rb: float, width: float) -> None:
        """A curved arrow from a to b (bent to one side, so b -> a stays apart from it)."""
        dx, dy = b.x() - a.x(), b.y() - a.y()
        length = math.hypot(dx, dy) or 1.0
        ux, uy = dx / length, dy / length
        start = QPointF(a.x() + ux * ra, a.y() + uy * ra)
        end = QPointF(b.x() - ux * (rb + 2), b.y() - uy * (rb + 2))
        bend = QPointF((start.x() + end.x()) / 2 - uy * length * 0.12, (start.y() + end.y()) / 2 + ux * length * 0.12)
        path = QPainterPath(start)
        path.quadTo(bend, end)
        painter.setPen(QPen(ARROW, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
        hx, hy = end.x() - bend.x(), end.y() - bend.y()
        hl = math.hypot(hx, hy) or 1.0
        hx, hy = hx / hl, hy / hl
        size = 5 + width * 1.2
        head = QPolygonF(
            [
                end,
                QPointF(end.x() - hx * size - hy * size * 0.5, end.y() - hy * size + hx * size * 0.5),
                QPointF(end.x() - hx * size + hy * size * 0.5, end.y() - hy * size - hx * size * 0.5),
            ]
        )
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(ARROW)
        painter.drawPolygon(head)


class NewLinksChart(_Painted):
    """A line chart of new links between sites per month."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.months: list[dict[str, Any]] = []
        self.title = ""
        self.language = "en"
        self.setMinimumHeight(110)  # with the picture's 230, the tab fits a 1024 x 600 window
        # Up to its size hint, and less on a low screen, where the picture needs the room more.
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)

    def show_months(self, months: list[dict[str, Any]], title: str, *, language: str) -> None:
        """Draw `months` ([{"month": "YYYY-MM", "links": n}]), named as `language` writes months."""
        self.months, self.title, self.language = months, title, language
        self.setAccessibleName(title)
        self.setAccessibleDescription(", ".join(f"{self.month_name(m)}: {m['links']}" for m in months))
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(720, 170)

    def paint(self, painter: QPainter, area: QRectF) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(area, QColor("white"))
        painter.setPen(INK)
        painter.drawText(area.adjusted(8, 4, -8, 0), Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft, self.title)
        if not self.months:
            return
        plot = area.adjusted(40, 26, -14, -24)
        top = max(m["links"] for m in self.months) or 1
        painter.setPen(QPen(QColor("#999999"), 1))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.drawLine(plot.bottomLeft(), plot.topLeft())
        painter.setPen(INK)
        painter.drawText(QRectF(area.left(), plot.top() - 8, 34, 16), Qt.AlignmentFlag.AlignRight, str(top))
        painter.drawText(QRectF(area.left(), plot.bottom() - 8, 34, 16), Qt.AlignmentFlag.AlignRight, "0")
        step = plot.width() / max(len(self.months) - 1, 1)
        points = [
            QPointF(plot.left() + i * step, plot.bottom() - plot.height() * m["links"] / top)
            for i, m in enumerate(self.months)
        ]
        painter.setPen(QPen(KIND_COLOURS["school"], 2))
        painter.drawPolyline(QPolygonF(points))
        painter.setBrush(KIND_COLOURS["school"])
        for point in points:
            painter.drawEllipse(point, 2.5, 2.5)
        painter.setPen(INK)
        for box, text in self.month_labels(painter.fontMetrics(), area, points):
            painter.drawText(box, Qt.AlignmentFlag.AlignHCenter, text)

    def month_name(self, month: dict[str, Any]) -> str:
        """A month of the series as its language writes it ("sep. 2026", "Sep 2026"), not "2026-09"."""
        return wording.month(str(month["month"]), self.language)

    def month_labels(self, metrics: QFontMetrics, area: QRectF, points: list[QPointF]) -> list[tuple[QRectF, str]]:
        """Where each labelled month ("sep. 2026") is written under its point: (box, text), in `area`'s pixels.

        About eight labels; each as wide as its text in `metrics`, centred under its
        point but moved inside `area` at the ends (the last month, at the right edge,
        was cut to "2026-0"), and left out where it would run into the one before.
        """
        every = max(1, len(self.months) // 8)
        labels: list[tuple[QRectF, str]] = []
        for i, m in enumerate(self.months):
            if i % every:
                continue
            text = self.month_name(m)
            width = metrics.horizontalAdvance(text) + 4
            left = min(max(points[i].x() - width / 2, area.left()), area.right() - width)
            box = QRectF(left, area.bottom() - 20, width, metrics.height())
            if labels and box.left() < labels[-1][0].right() + 4:
                continue
            labels.append((box, text))
        return labels


class NetworkScreen(InsightScreen):
    """The network of sites helping sites, per quarter, with its table and exports."""

    NAME = insights.NETWORK

    def __init__(self, context: Any, parent: QWidget | None = None, fetcher: Any = None) -> None:
        super().__init__(context, parent, fetcher)
        # Named at the top, as every other screen is (a try-out found it had no heading).
        self.heading = heading(self.say("Network of sites"), self)
        self.setObjectName("insights-network")
        self.body: dict[str, Any] = {}
        self.quarters: list[str] = []  # the slider's stops after the whole period (`insights.network_span`)
        self.picture = NetworkPicture(self)
        self.picture.kind_names = {
            "school": self.say("School"),
            "daycare": self.say("Day care"),
            "care_home": self.say("Care home"),
            "administration": self.say("Administration"),
        }
        self.chart = NewLinksChart(self)
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setAccessibleName(self.say("Quarter"))
        self.slider.setPageStep(1)
        self.slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.slider.valueChanged.connect(self._quarter_moved)
        self.quarter_label = QLabel(self)
        self.quarter_label.setMinimumWidth(160)
        self.png_button = QPushButton(self.say("Save as &PNG…"), self)
        self.svg_button = QPushButton(self.say("Save as &SVG…"), self)
        self.png_button.clicked.connect(lambda: self._export("png"))
        self.svg_button.clicked.connect(lambda: self._export("svg"))
        self.site_names: dict[str, str] = {}
        self.links_model: RowsModel[dict[str, Any]] = RowsModel(
            [
                Column(self.say("Tasks of"), lambda r: r["source"]),
                Column(self.say("Solved by people from"), lambda r: r["target"]),
                Column(self.say("Tasks"), lambda r: str(r["weight"])),
            ],
            key=lambda r: r["key"],
            parent=self,
        )
        self.sites_model: RowsModel[dict[str, Any]] = RowsModel(
            [
                Column(self.say("Site"), lambda r: r["name"]),
                Column(self.say("Tasks posted"), lambda r: str(r["posted"])),
                Column(self.say("Tasks solved"), lambda r: str(r["solved"])),
            ],
            key=lambda r: r["site_id"],
            parent=self,
        )
        self.links_table = table_view(self, self.links_model, self.say("Links between sites"), stretch=(0, 1))
        self.sites_table = table_view(self, self.sites_model, self.say("Sites"), stretch=(0,))
        tables = QWidget(self)
        tables_layout = QHBoxLayout(tables)
        tables_layout.addWidget(self.links_table, 3)
        tables_layout.addWidget(self.sites_table, 2)
        drawing = QWidget(self)
        drawing_layout = QVBoxLayout(drawing)
        drawing_layout.setContentsMargins(0, 0, 0, 0)
        drawing_layout.addWidget(self.picture, 1)
        drawing_layout.addWidget(self.chart)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(drawing, self.say("&Picture"))
        self.tabs.addTab(tables, self.say("T&able"))
        self.tabs.setAccessibleName(translate(self.language, "Picture or table"))
        self.tabs.currentChanged.connect(lambda _i: self._fill_tables())
        framed = FocusFrame(self.slider, self)  # the focus frame in sight with the handle at either end
        slider_row = self.labelled_row((self.say("&Quarter:"), framed))
        slider_row.setStretchFactor(framed, 1)
        slider_row.addWidget(self.quarter_label)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(self.status_row(self.png_button, self.svg_button))
        layout.addLayout(slider_row)
        layout.addWidget(self.tabs, 1)
        self.reload()

    # --- drawing ---------------------------------------------------------------------

    def show_answer(self, body: dict[str, Any]) -> None:
        self.body = body
        self.site_names = {n["site_id"]: n.get("name", "") for n in body.get("nodes", [])}
        self.quarters, months = insights.network_span(body)  # the slider's stops, the chart's months: one time
        self.slider.blockSignals(True)
        self.slider.setRange(0, len(self.quarters))
        self.slider.setValue(min(self.slider.value(), len(self.quarters)))
        self.slider.blockSignals(False)
        # As wide as its longest words from the start, so the slider keeps its length as it moves.
        self.quarter_label.setMinimumWidth(max(160, self.quarter_label.fontMetrics().horizontalAdvance(self.whole_period()) + 8))
        # The month computed in has only begun: drawn, it read as a collapse to 0 (try-out s36).
        begun = str(body.get("computed_at") or "")[:7]
        title = self.say("New links between sites per month")
        if months and months[-1]["month"] == begun:
            months = months[:-1]
            title += " · " + self.say(
                "{when} has only begun and is left out", when=wording.month(begun, self.language)
            )
        self.chart.show_months(months, title, language=self.language)
        self._quarter_moved(self.slider.value())

    def whole_period(self) -> str:
        """The slider's first stop in words: every quarter, from the first to the last.

        "hele perioden" alone did not say what the far left of the slider is (try-out s36).
        """
        if not self.quarters:
            return self.say("the whole period")
        return self.say(
            "all quarters, {since} to {until}",
            since=self.say_quarter(self.quarters[0]),
            until=self.say_quarter(self.quarters[-1]),
        )

    def quarter(self) -> str | None:
        """The chosen quarter; None for the whole period (the slider's first stop)."""
        value = self.slider.value()
        return self.quarters[value - 1] if 0 < value <= len(self.quarters) else None

    def _quarter_moved(self, _value: int) -> None:
        quarter = self.quarter()
        shown = self.say_quarter(quarter) if quarter else self.whole_period()
        self.quarter_label.setText(shown)
        links = insights.links_in(self.body, quarter)
        title = self.say_n(
            "Tasks solved across sites, {when}: {n} link", "Tasks solved across sites, {when}: {n} links", len(links), when=shown
        )
        if len(links) > DRAWN_LINKS:
            # A hairball hides the pattern: the picture shows the strongest, the table all.
            title += " · " + self.say_n(
                "only the strongest {n} is drawn; all are in the table",
                "the {n} strongest are drawn; all are in the table",
                DRAWN_LINKS,
            )
        self.picture.show_quarter(self.body.get("nodes", []), links[:DRAWN_LINKS], quarter, title)
        self._fill_tables()

    def _fill_tables(self) -> None:
        """The table tab's numbers; filled when that tab is shown (sizing its columns costs)."""
        if self.tabs.currentIndex() != 1:
            return
        quarter = self.quarter()
        links = insights.links_in(self.body, quarter)
        names = self.site_names
        self.links_model.set_rows(
            [
                {"key": f"{k.source}>{k.target}", "source": names.get(k.source, k.source), "target": names.get(k.target, k.target), "weight": k.weight}
                for k in links
            ]
        )
        self.sites_model.set_rows(
            [
                {"site_id": n["site_id"], "name": n.get("name", ""), "posted": p, "solved": s}
                for n in self.body.get("nodes", [])
                for p, s in [insights.node_size(n, quarter)]
            ]
        )

    # --- export -------------------------------------------------------------------------

    def export_png(self, path: Path, size: QSize | None = None) -> None:
        """The picture and the line chart as one PNG (1400 x 1300 pixels unless `size` says)."""
        size = size or QSize(1400, 1300)
        image = QImage(size, QImage.Format.Format_ARGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        try:
            self._paint_page(painter, QRectF(0, 0, size.width(), size.height()))
        finally:
            painter.end()
        # The stubs say bytes; PySide6 itself takes the format as str.
        if not image.save(str(path), "PNG"):  # type: ignore[call-overload]
            raise OSError(f"cannot write {path}")

    def export_svg(self, path: Path, size: QSize | None = None) -> None:
        """The picture and the line chart as one SVG (vector: it prints sharp at any size)."""
        size = size or QSize(1000, 930)
        from PySide6.QtSvg import QSvgGenerator  # only when someone saves one

        generator = QSvgGenerator()
        generator.setFileName(str(path))
        generator.setSize(size)
        generator.setViewBox(QRectF(0, 0, size.width(), size.height()))
        generator.setTitle(self.picture.title)
        painter = QPainter(generator)
        try:
            self._paint_page(painter, QRectF(0, 0, size.width(), size.height()))
        finally:
            painter.end()
        if not path.exists():
            raise OSError(f"cannot write {path}")

    def _paint_page(self, painter: QPainter, area: QRectF) -> None:
        chart_height = area.height() * 0.2
        self.picture.paint(painter, QRectF(area.left(), area.top(), area.width(), area.height() - chart_height))
        self.chart.paint(painter, QRectF(area.left(), area.bottom() - chart_height, area.width(), chart_height))

    def _export(self, kind: str) -> None:
        name = self.say("knopskydning") + (f"-{self.quarter()}" if self.quarter() else "") + f".{kind}"
        save_export(
            self,
            self.say("Save the picture"),
            name,
            f"{kind.upper()} (*.{kind})",
            self.export_png if kind == "png" else self.export_svg,
            self.when.setText,
        )
