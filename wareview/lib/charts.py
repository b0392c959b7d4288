"""Charts drawn on the server as inline SVG, so the PDF and the page need no JavaScript and fetch nothing.

Pure Python: the caller passes labels and counts by risk value, the function returns SVG markup with every label
escaped. Colours and words come from `risk_levels`, worst first; a legend always names them.
"""

from collections.abc import Mapping, Sequence
from html import escape

from wareview.lib.risk_levels import HIGH, LEVELS, MEDIUM

WIDTH = 640
LABEL_WIDTH = 190
BAR_LEFT = LABEL_WIDTH + 10
BAR_WIDTH = WIDTH - BAR_LEFT - 40
ROW_HEIGHT = 26
BAR_HEIGHT = 16
LEGEND_HEIGHT = 30
LABEL_CHARS = 30
FONT = 'font-family="Report Sans, DejaVu Sans, sans-serif"'  # Report Sans: the PDF's own @font-face


def risk_chart_svg(
    *, rows: Sequence[tuple[str, Mapping[str, int]]], title: str = "Risk by focus area", chart_id: str = "risk-chart"
) -> str:
    """A horizontal stacked bar per (label, risk counts) row, scaled to the largest row, with a legend; `chart_id`
    names its title and description, unique on a page that draws several.

    Each segment shows its count when there is room; the total is written after the bar. The chart carries a
    <title> and a <desc> listing every count, so it reads without colour and without sight."""
    largest = max((sum(counts.values()) for _, counts in rows), default=0) or 1
    height = LEGEND_HEIGHT + ROW_HEIGHT * max(len(rows), 1) + 6
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="risk-chart" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(_description(rows))}</desc>',
        _legend(),
    ]
    for index, (label, counts) in enumerate(rows):
        parts.append(_row(LEGEND_HEIGHT + index * ROW_HEIGHT, label, counts, largest))
    parts.append("</svg>")
    return "".join(parts)


def _legend() -> str:
    items, x = [], 0
    for level in LEVELS:
        items.append(
            f'<rect x="{x}" y="4" width="12" height="12" fill="{level.colour}" stroke="#8b95a5" stroke-width="0.5"/>'
            f'<text x="{x + 17}" y="14" font-size="11" fill="#1d2430" {FONT}>{level.label}</text>'
        )
        x += 30 + 7 * len(level.label)
    return "".join(items)


def _row(y: int, label: str, counts: Mapping[str, int], largest: int) -> str:
    short = label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"
    parts = [f'<text x="0" y="{y + 13}" font-size="11" fill="#1d2430" {FONT}>{escape(short)}</text>']
    x = float(BAR_LEFT)
    for level in LEVELS:
        count = counts.get(level.value, 0)
        if not count:
            continue
        width = BAR_WIDTH * count / largest
        parts.append(f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="{BAR_HEIGHT}" fill="{level.colour}"/>')
        if width >= 14:
            middle = x + width / 2
            parts.append(
                f'<text x="{middle:.1f}" y="{y + 12}" font-size="10" text-anchor="middle" fill="{level.ink}" {FONT}>'
                f"{count}</text>"
            )
        x += width
    total = sum(counts.values())
    parts.append(f'<text x="{x + 6:.1f}" y="{y + 12}" font-size="10" fill="#4a5565" {FONT}>{total}</text>')
    return "".join(parts)


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


def trend_chart_svg(
    *, points: Sequence[tuple[str, int, int, int]], title: str = "Risk trend", chart_id: str = "trend"
) -> str:
    """A line per measure over (label, high, medium, completion percent) points, oldest first: high and medium
    risk counts on the left scale, completion (dashed) on the right scale of 0–100 %.

    Like the risk chart it carries a <title> and a <desc> giving every value, and escapes every label; the page
    shows the same numbers in a table beside it."""
    plot_width = WIDTH - TREND_LEFT - TREND_RIGHT
    plot_height = TREND_HEIGHT - TREND_TOP - TREND_BOTTOM
    largest = max((max(high, medium) for _, high, medium, _ in points), default=0) or 1
    step = plot_width / max(len(points) - 1, 1)

    def x(index: int) -> float:
        return TREND_LEFT + (index * step if len(points) > 1 else plot_width / 2)

    def y(value: float, top: float) -> float:
        return TREND_TOP + plot_height * (1 - value / top)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="trend-chart" role="img" viewBox="0 0 {WIDTH} {TREND_HEIGHT}" '
        f'width="{WIDTH}" height="{TREND_HEIGHT}" aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(_trend_description(points))}</desc>',
        _trend_legend(),
        _trend_axes(largest, plot_width, plot_height),
    ]
    series = [
        (HIGH.colour, "", [(x(i), y(high, largest)) for i, (_, high, _, _) in enumerate(points)]),
        (MEDIUM.colour, "", [(x(i), y(medium, largest)) for i, (_, _, medium, _) in enumerate(points)]),
        (COMPLETION_COLOUR, ' stroke-dasharray="5 4"', [(x(i), y(share, 100)) for i, (*_, share) in enumerate(points)]),
    ]
    # Lines first, the dashed completion line last so a risk line under it shows through its gaps; then each
    # series' markers, of its own shape, moved aside where they would sit on another series' marker.
    for colour, dash, coordinates in series:
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py in coordinates)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
    markers = _dodged([coordinates for _, _, coordinates in series])
    for (colour, _, _), shape, coordinates in zip(series, TREND_MARKERS, markers, strict=True):
        parts.extend(shape(px, py, colour) for px, py in coordinates)
    for index, (label, *_) in enumerate(points):
        short = label if len(label) <= TREND_LABEL_CHARS else label[: TREND_LABEL_CHARS - 1] + "…"
        parts.append(
            f'<text x="{x(index):.1f}" y="{TREND_HEIGHT - TREND_BOTTOM + 18}" font-size="10" text-anchor="middle" '
            f'fill="#1d2430" {FONT}>{escape(short)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _circle(px: float, py: float, colour: str) -> str:
    return f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3.5" fill="{colour}"/>'


def _square(px: float, py: float, colour: str) -> str:
    return f'<rect x="{px - 3.5:.1f}" y="{py - 3.5:.1f}" width="7" height="7" fill="{colour}"/>'


def _diamond(px: float, py: float, colour: str) -> str:
    corners = f"{px:.1f},{py - 4.5:.1f} {px + 4.5:.1f},{py:.1f} {px:.1f},{py + 4.5:.1f} {px - 4.5:.1f},{py:.1f}"
    return f'<polygon points="{corners}" fill="#ffffff" stroke="{colour}" stroke-width="1.5"/>'


# The markers of high risks, medium risks and completion, in the order of the series.
TREND_MARKERS = (_circle, _square, _diamond)
DODGE = 8.0  # how far apart markers that would sit on one another are drawn, in pixels


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


def _trend_legend() -> str:
    items = ((HIGH.colour, HIGH.label), (MEDIUM.colour, MEDIUM.label), (COMPLETION_COLOUR, "Completion (%)"))
    parts, x = [], 0
    for (colour, label), marker in zip(items, TREND_MARKERS, strict=True):
        parts.append(
            f'<rect x="{x}" y="7" width="16" height="2" fill="{colour}"/>{marker(x + 8, 8, colour)}'
            f'<text x="{x + 21}" y="12" font-size="11" fill="#1d2430" {FONT}>{escape(label)}</text>'
        )
        x += 38 + 7 * len(label)
    return "".join(parts)


def _trend_axes(largest: int, plot_width: float, plot_height: float) -> str:
    bottom, right = TREND_TOP + plot_height, TREND_LEFT + plot_width
    return (
        f'<line x1="{TREND_LEFT}" y1="{TREND_TOP}" x2="{TREND_LEFT}" y2="{bottom}" stroke="#8b95a5"/>'
        f'<line x1="{TREND_LEFT}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#8b95a5"/>'
        f'<line x1="{right}" y1="{TREND_TOP}" x2="{right}" y2="{bottom}" stroke="#8b95a5"/>'
        f'<text x="{TREND_LEFT - 6}" y="{TREND_TOP + 4}" font-size="10" text-anchor="end" fill="#4a5565" {FONT}>'
        f"{largest}</text>"
        f'<text x="{TREND_LEFT - 6}" y="{bottom + 4}" font-size="10" text-anchor="end" fill="#4a5565" {FONT}>0</text>'
        f'<text x="{right + 6}" y="{TREND_TOP + 4}" font-size="10" fill="#4a5565" {FONT}>100%</text>'
        f'<text x="{right + 6}" y="{bottom + 4}" font-size="10" fill="#4a5565" {FONT}>0%</text>'
    )


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


def heatmap_svg(
    *,
    rows: Sequence[tuple[str, Sequence[str]]],
    columns: Sequence[str],
    links: Sequence[Sequence[str]] | None = None,
    title: str = "Worst risk by focus area",
    chart_id: str = "heatmap",
) -> str:
    """A grid of (row label, risk value per column) rows under slanted column labels, each cell filled with its
    risk's colour ("" for no review: white). Each cell carries its own <title> ("<row> · <column>: <risk>"), and
    the chart a <title> and a <desc> listing every cell, so it reads without colour and without sight; the page
    shows the same values in a table beside it. With `links` (an address per cell, "" for none), each cell is a
    link there, named as its title says."""
    width = max(HEAT_LABEL_WIDTH + HEAT_CELL * max(len(columns), 1) + 20, WIDTH)  # room for the legend
    height = LEGEND_HEIGHT + HEAT_HEADER + HEAT_CELL * max(len(rows), 1) + 6
    parts = [
        # A picture, unless its cells are links: then a group, whose links stay reachable (an image has no parts).
        f'<svg xmlns="http://www.w3.org/2000/svg" class="heatmap" role="{"group" if links else "img"}" '
        f'viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(_heatmap_description(rows, columns))}</desc>',
        _heat_legend(),
    ]
    top = LEGEND_HEIGHT + HEAT_HEADER
    for index, column in enumerate(columns):
        x = HEAT_LABEL_WIDTH + index * HEAT_CELL + HEAT_CELL / 2
        short = column if len(column) <= HEAT_LABEL_CHARS else column[: HEAT_LABEL_CHARS - 1] + "…"
        parts.append(
            f'<text x="{x:.1f}" y="{top - 6}" font-size="12" fill="#1d2430" transform="rotate(-50 {x:.1f} {top - 6})" '
            f"{FONT}>{escape(short)}</text>"
        )
    for row_index, (label, risks) in enumerate(rows):
        y = top + row_index * HEAT_CELL
        short = label if len(label) <= HEAT_LABEL_CHARS else label[: HEAT_LABEL_CHARS - 1] + "…"
        parts.append(
            f'<text x="0" y="{y + HEAT_CELL / 2 + 5:.0f}" font-size="13" fill="#1d2430" {FONT}>{escape(short)}</text>'
        )
        row_links = links[row_index] if links else [""] * len(columns)
        for column_index, (column, risk, link) in enumerate(zip(columns, risks, row_links, strict=True)):
            colour, words = _heat_fill(risk)
            x = HEAT_LABEL_WIDTH + column_index * HEAT_CELL
            name = escape(f"{label} · {column}: {words}")
            cell = (
                f'<rect x="{x}" y="{y}" width="{HEAT_CELL - 2}" height="{HEAT_CELL - 2}" fill="{colour}" '
                f'stroke="#8b95a5" stroke-width="0.5"><title>{name}</title></rect>'
            )
            parts.append(f'<a href="{escape(link)}" aria-label="{name}">{cell}</a>' if link else cell)
    parts.append("</svg>")
    return "".join(parts)


def _heat_fill(risk: str) -> tuple[str, str]:
    if not risk:
        return NO_REVIEW
    level = next(level for level in LEVELS if level.value == risk)
    return level.colour, level.label


def _heat_legend() -> str:
    items, x = [], 0
    for colour, label in [*((level.colour, level.label) for level in LEVELS), NO_REVIEW]:
        items.append(
            f'<rect x="{x}" y="4" width="12" height="12" fill="{colour}" stroke="#8b95a5" stroke-width="0.5"/>'
            f'<text x="{x + 17}" y="14" font-size="11" fill="#1d2430" {FONT}>{label}</text>'
        )
        x += 30 + 7 * len(label)
    return "".join(items)


def _heatmap_description(rows: Sequence[tuple[str, Sequence[str]]], columns: Sequence[str]) -> str:
    lines = []
    for label, risks in rows:
        cells = ", ".join(
            f"{column} {_heat_fill(risk)[1].lower()}" for column, risk in zip(columns, risks, strict=True)
        )
        lines.append(f"{label}: {cells or 'no focus areas'}.")
    return " ".join(lines) or "No workloads."
