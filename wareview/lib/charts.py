"""The geometry of the charts drawn on the server as inline SVG, so the PDF and the page need no JavaScript and
fetch nothing.

Pure Python: the caller passes labels and counts by risk value, a function returns where everything goes (a
dataclass of coordinates, colours and words) and a template under `templates/charts/` draws it, escaping every
label: `{% include "charts/risk_chart.html" with chart=… %}`, `charts/trend_chart.html`, `charts/heatmap.html`.
Colours and words come from `risk_levels`, worst first; a legend always names them. Every chart carries a title
and a description giving every value, so it reads without colour and without sight.

Coordinates are rounded to a tenth of a pixel, as the charts draw them.
"""

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from wareview.lib.risk_levels import HIGH, LEVELS, MEDIUM

WIDTH = 640
LABEL_WIDTH = 190
BAR_LEFT = LABEL_WIDTH + 10
BAR_WIDTH = WIDTH - BAR_LEFT - 40
ROW_HEIGHT = 26
BAR_HEIGHT = 16
LEGEND_HEIGHT = 30
LABEL_CHARS = 30
MIN_SEGMENT_FOR_COUNT = 14  # a bar's segment narrower than this (pixels) does not write its count


def _shortened(label: str, chars: int) -> str:
    return label if len(label) <= chars else label[: chars - 1] + "…"


def _tenth(value: float) -> float:
    return round(float(value), 1)


@dataclass(frozen=True)
class LegendItem:
    """A swatch of `colour` at `x` and its words at `text_x`."""

    x: float
    text_x: float
    label: str
    colour: str


def _legend(items: Sequence[tuple[str, str]], *, first_gap: int = 17) -> list[LegendItem]:
    """(colour, label) items side by side, each as wide as its words."""
    legend, x = [], 0
    for colour, label in items:
        legend.append(LegendItem(x=x, text_x=x + first_gap, label=label, colour=colour))
        x += 30 + 7 * len(label)
    return legend


@dataclass(frozen=True)
class Segment:
    """A risk's part of a bar, its count written at `count_x` when `shows_count` (it is wide enough)."""

    x: float
    width: float
    colour: str
    ink: str
    count: int
    count_x: float
    shows_count: bool


@dataclass(frozen=True)
class RiskRow:
    """A bar of the risk chart at `y`: its label (shortened), its segments and its total written after it."""

    y: int
    label: str
    segments: list[Segment]
    total: int
    total_x: float

    @property
    def label_y(self) -> int:
        return self.y + 13

    @property
    def count_y(self) -> int:
        return self.y + 12


@dataclass(frozen=True)
class RiskChart:
    chart_id: str
    title: str
    description: str
    width: int
    height: int
    bar_height: int
    legend: list[LegendItem]
    rows: list[RiskRow]


def risk_chart(
    *, rows: Sequence[tuple[str, Mapping[str, int]]], title: str = "Risk by focus area", chart_id: str = "risk-chart"
) -> RiskChart:
    """A horizontal stacked bar per (label, risk counts) row, scaled to the largest row, with a legend; `chart_id`
    names its title and description, unique on a page that draws several.

    Each segment shows its count when there is room; the total is written after the bar. The description lists
    every count."""
    largest = max((sum(counts.values()) for _, counts in rows), default=0) or 1
    return RiskChart(
        chart_id=chart_id,
        title=title,
        description=_description(rows),
        width=WIDTH,
        height=LEGEND_HEIGHT + ROW_HEIGHT * max(len(rows), 1) + 6,
        bar_height=BAR_HEIGHT,
        legend=_legend([(level.colour, level.label) for level in LEVELS]),
        rows=[
            _row(LEGEND_HEIGHT + index * ROW_HEIGHT, label, counts, largest)
            for index, (label, counts) in enumerate(rows)
        ],
    )


def _row(y: int, label: str, counts: Mapping[str, int], largest: int) -> RiskRow:
    segments = []
    x = float(BAR_LEFT)
    for level in LEVELS:
        count = counts.get(level.value, 0)
        if not count:
            continue
        width = BAR_WIDTH * count / largest
        segments.append(
            Segment(
                x=_tenth(x),
                width=_tenth(width),
                colour=level.colour,
                ink=level.ink,
                count=count,
                count_x=_tenth(x + width / 2),
                shows_count=width >= MIN_SEGMENT_FOR_COUNT,
            )
        )
        x += width
    return RiskRow(
        y=y, label=_shortened(label, LABEL_CHARS), segments=segments, total=sum(counts.values()), total_x=_tenth(x + 6)
    )


def _description(rows: Sequence[tuple[str, Mapping[str, int]]]) -> str:
    lines = []
    for label, counts in rows:
        words = ", ".join(f"{counts[level.value]} {level.label.lower()}" for level in LEVELS if counts.get(level.value))
        lines.append(f"{label}: {words or 'no questions'}.")
    return " ".join(lines)


TREND_HEIGHT = 220
TREND_LEFT = 40
TREND_RIGHT = 48
TREND_TOP = 34
TREND_BOTTOM = 44
TREND_LABEL_CHARS = 16
COMPLETION_COLOUR = "#1d2430"
MARKER_SIZE = 3.5  # a circle's radius, half a square's side
DIAMOND_SIZE = 4.5  # from a diamond's centre to its corners
DODGE = 8.0  # how far apart markers that would sit on one another are drawn, in pixels

# The markers of high risks, medium risks and completion, in the order of the series.
TREND_MARKERS = ("circle", "square", "diamond")


@dataclass(frozen=True)
class Marker:
    """A point's marker: a `shape` of TREND_MARKERS centred on (x, y), drawn at (cx, cy)."""

    shape: str
    x: float
    y: float
    colour: str

    @property
    def cx(self) -> float:
        return _tenth(self.x)

    @property
    def cy(self) -> float:
        return _tenth(self.y)

    @property
    def left(self) -> float:
        """A square's left side."""
        return _tenth(self.x - MARKER_SIZE)

    @property
    def top(self) -> float:
        """A square's top side."""
        return _tenth(self.y - MARKER_SIZE)

    @property
    def corners(self) -> str:
        """A diamond's corners as SVG points, clockwise from the top."""
        x, y = self.x, self.y
        return _points(((x, y - DIAMOND_SIZE), (x + DIAMOND_SIZE, y), (x, y + DIAMOND_SIZE), (x - DIAMOND_SIZE, y)))


def _points(coordinates: Sequence[tuple[float, float]]) -> str:
    """Coordinates as an SVG list of points, "x,y x,y"."""
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in coordinates)


@dataclass(frozen=True)
class TrendLine:
    """A measure's line through its points: dashed for completion."""

    coordinates: list[tuple[float, float]]
    colour: str
    dashed: bool

    @property
    def points(self) -> str:
        return _points(self.coordinates)


@dataclass(frozen=True)
class TrendLegendItem:
    """A line's sample at `x`, with its marker on it, and its words at `text_x`."""

    x: int
    text_x: int
    label: str
    colour: str
    marker: Marker


@dataclass(frozen=True)
class Tick:
    """A figure on an axis, written at (x, y) anchored at its `anchor` ("start", "middle" or "end")."""

    x: float
    y: float
    text: str
    anchor: str = "start"


@dataclass(frozen=True)
class TrendChart:
    chart_id: str
    title: str
    description: str
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: float
    legend: list[TrendLegendItem]
    ticks: list[Tick]
    lines: list[TrendLine]
    markers: list[Marker]
    labels: list[Tick]


def trend_chart(
    *, points: Sequence[tuple[str, int, int, int]], title: str = "Risk trend", chart_id: str = "trend"
) -> TrendChart:
    """A line per measure over (label, high, medium, completion percent) points, oldest first: high and medium
    risk counts on the left scale, completion (dashed) on the right scale of 0–100 %.

    Lines come first, the dashed completion line last so a risk line under it shows through its gaps; then each
    series' markers, of its own shape, moved aside where they would sit on another series' marker. The page
    shows the same numbers in a table beside it."""
    plot_width = WIDTH - TREND_LEFT - TREND_RIGHT
    plot_height = TREND_HEIGHT - TREND_TOP - TREND_BOTTOM
    largest = max((max(high, medium) for _, high, medium, _ in points), default=0) or 1
    step = plot_width / max(len(points) - 1, 1)

    def x(index: int) -> float:
        return TREND_LEFT + (index * step if len(points) > 1 else plot_width / 2)

    def y(value: float, top: float) -> float:
        return TREND_TOP + plot_height * (1 - value / top)

    series = [
        (HIGH.colour, False, [(x(i), y(high, largest)) for i, (_, high, _, _) in enumerate(points)]),
        (MEDIUM.colour, False, [(x(i), y(medium, largest)) for i, (_, _, medium, _) in enumerate(points)]),
        (COMPLETION_COLOUR, True, [(x(i), y(share, 100)) for i, (*_, share) in enumerate(points)]),
    ]
    dodged = _dodged([coordinates for _, _, coordinates in series])
    markers = [
        Marker(shape=shape, x=px, y=py, colour=colour)
        for (colour, _, _), shape, coordinates in zip(series, TREND_MARKERS, dodged, strict=True)
        for px, py in coordinates
    ]
    bottom, right = TREND_TOP + plot_height, TREND_LEFT + plot_width
    label_y = TREND_HEIGHT - TREND_BOTTOM + 18
    return TrendChart(
        chart_id=chart_id,
        title=title,
        description=_trend_description(points),
        width=WIDTH,
        height=TREND_HEIGHT,
        left=TREND_LEFT,
        right=right,
        top=TREND_TOP,
        bottom=bottom,
        legend=_trend_legend(),
        ticks=[
            Tick(x=TREND_LEFT - 6, y=TREND_TOP + 4, text=str(largest), anchor="end"),
            Tick(x=TREND_LEFT - 6, y=bottom + 4, text="0", anchor="end"),
            Tick(x=right + 6, y=TREND_TOP + 4, text="100%"),
            Tick(x=right + 6, y=bottom + 4, text="0%"),
        ],
        lines=[
            TrendLine(coordinates=coordinates, colour=colour, dashed=dashed) for colour, dashed, coordinates in series
        ],
        markers=markers,
        labels=[
            Tick(x=_tenth(x(index)), y=label_y, text=_shortened(label, TREND_LABEL_CHARS), anchor="middle")
            for index, (label, *_) in enumerate(points)
        ],
    )


def _dodged(series: list[list[tuple[float, float]]]) -> list[list[tuple[float, float]]]:
    """Each series' marker positions, those that would sit on another's (same point, within a few pixels) spread
    side by side, so every series stays visible when values are equal."""
    dodged = [list(coordinates) for coordinates in series]
    for index in range(len(series[0]) if series else 0):
        groups: list[list[int]] = []
        for number, coordinates in enumerate(series):
            group = next((g for g in groups if abs(series[g[0]][index][1] - coordinates[index][1]) < DODGE), None)
            if group is None:
                groups.append([number])
            else:
                group.append(number)
        for group in groups:
            # Spread around the point, or inwards at either end so no marker covers an axis's figures.
            start = 0.0 if index == 0 else -(len(group) - 1) if index == len(series[0]) - 1 else -(len(group) - 1) / 2
            for place, number in enumerate(group):
                px, py = series[number][index]
                dodged[number][index] = (px + (start + place) * DODGE, py)
    return dodged


def _trend_legend() -> list[TrendLegendItem]:
    items = ((HIGH.colour, HIGH.label), (MEDIUM.colour, MEDIUM.label), (COMPLETION_COLOUR, "Completion (%)"))
    legend, x = [], 0
    for (colour, label), shape in zip(items, TREND_MARKERS, strict=True):
        marker = Marker(shape=shape, x=x + 8, y=8, colour=colour)
        legend.append(TrendLegendItem(x=x, text_x=x + 21, label=label, colour=colour, marker=marker))
        x += 38 + 7 * len(label)
    return legend


def _trend_description(points: Sequence[tuple[str, int, int, int]]) -> str:
    return " ".join(
        f"{label}: {high} {HIGH.label.lower()}, {medium} {MEDIUM.label.lower()}, {share}% complete."
        for label, high, medium, share in points
    )


HEAT_LABEL_WIDTH = 220
HEAT_CELL = 48
HEAT_HEADER = 150
HEAT_LABEL_CHARS = 30
NO_REVIEW = ("#ffffff", "No review")


@dataclass(frozen=True)
class HeatCell:
    """A square at (x, y) of its risk's colour, named "<row> · <column>: <risk>"; a link to `link` unless ""."""

    x: int
    y: int
    colour: str
    name: str
    link: str


@dataclass(frozen=True)
class HeatRow:
    """A workload's row of cells, its label (shortened) written at `label_y`."""

    label: str
    label_y: int
    cells: list[HeatCell]


@dataclass(frozen=True)
class HeatmapChart:
    """The heatmap's geometry; `role` is "img", or "group" when its cells are links (an image has no parts, a
    group's links stay reachable)."""

    chart_id: str
    title: str
    description: str
    role: str
    width: int
    height: int
    cell_size: int
    legend: list[LegendItem]
    columns: list[Tick]
    rows: list[HeatRow]

    @property
    def digest(self) -> str:
        """A digest of everything the heatmap draws: the template caches its drawing under it (a page of 25
        workloads is some 2,000 values to write out), so the same digest is the same markup."""
        return hashlib.blake2b(repr(self).encode(), digest_size=16).hexdigest()


def heatmap(
    *,
    rows: Sequence[tuple[str, Sequence[str]]],
    columns: Sequence[str],
    links: Sequence[Sequence[str]] | None = None,
    title: str = "Worst risk by focus area",
    chart_id: str = "heatmap",
) -> HeatmapChart:
    """A grid of (row label, risk value per column) rows under slanted column labels, each cell filled with its
    risk's colour ("" for no review: white). Each cell is named ("<row> · <column>: <risk>"), and the description
    lists every cell; the page shows the same values in a table beside it. With `links` (an address per cell, ""
    for none), each cell is a link there, named as its title says."""
    top = LEGEND_HEIGHT + HEAT_HEADER
    heat_rows = []
    for row_index, (label, risks) in enumerate(rows):
        y = top + row_index * HEAT_CELL
        row_links = links[row_index] if links else [""] * len(columns)
        cells = [
            HeatCell(
                x=HEAT_LABEL_WIDTH + column_index * HEAT_CELL,
                y=y,
                colour=_heat_fill(risk)[0],
                name=f"{label} · {column}: {_heat_fill(risk)[1]}",
                link=link,
            )
            for column_index, (column, risk, link) in enumerate(zip(columns, risks, row_links, strict=True))
        ]
        heat_rows.append(
            HeatRow(label=_shortened(label, HEAT_LABEL_CHARS), label_y=round(y + HEAT_CELL / 2 + 5), cells=cells)
        )
    return HeatmapChart(
        chart_id=chart_id,
        title=title,
        description=_heatmap_description(rows, columns),
        role="group" if links else "img",
        width=max(HEAT_LABEL_WIDTH + HEAT_CELL * max(len(columns), 1) + 20, WIDTH),  # room for the legend
        height=LEGEND_HEIGHT + HEAT_HEADER + HEAT_CELL * max(len(rows), 1) + 6,
        cell_size=HEAT_CELL - 2,
        legend=_legend([*((level.colour, level.label) for level in LEVELS), NO_REVIEW]),
        columns=[
            Tick(
                x=_tenth(HEAT_LABEL_WIDTH + index * HEAT_CELL + HEAT_CELL / 2),
                y=top - 6,
                text=_shortened(column, HEAT_LABEL_CHARS),
            )
            for index, column in enumerate(columns)
        ],
        rows=heat_rows,
    )


def _heat_fill(risk: str) -> tuple[str, str]:
    if not risk:
        return NO_REVIEW
    level = next(level for level in LEVELS if level.value == risk)
    return level.colour, level.label


def _heatmap_description(rows: Sequence[tuple[str, Sequence[str]]], columns: Sequence[str]) -> str:
    lines = []
    for label, risks in rows:
        cells = ", ".join(
            f"{column} {_heat_fill(risk)[1].lower()}" for column, risk in zip(columns, risks, strict=True)
        )
        lines.append(f"{label}: {cells or 'no focus areas'}.")
    return " ".join(lines) or "No workloads."
