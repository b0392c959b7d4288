"""Charts drawn on the server as inline SVG, so the PDF and the page need no JavaScript and fetch nothing.

Pure Python: the caller passes labels and counts by risk value, the function returns SVG markup with every label
escaped. Colours and words come from `risk_levels`, worst first; a legend always names them.
"""

from collections.abc import Mapping, Sequence
from html import escape

from wareview.lib.risk_levels import LEVELS

WIDTH = 640
LABEL_WIDTH = 190
BAR_LEFT = LABEL_WIDTH + 10
BAR_WIDTH = WIDTH - BAR_LEFT - 40
ROW_HEIGHT = 26
BAR_HEIGHT = 16
LEGEND_HEIGHT = 30
LABEL_CHARS = 30
FONT = 'font-family="Report Sans, DejaVu Sans, sans-serif"'  # Report Sans: the PDF's own @font-face


def risk_chart_svg(*, rows: Sequence[tuple[str, Mapping[str, int]]], title: str = "Risk by focus area") -> str:
    """A horizontal stacked bar per (label, risk counts) row, scaled to the largest row, with a legend.

    Each segment shows its count when there is room; the total is written after the bar. The chart carries a
    <title> and a <desc> listing every count, so it reads without colour and without sight."""
    largest = max((sum(counts.values()) for _, counts in rows), default=0) or 1
    height = LEGEND_HEIGHT + ROW_HEIGHT * max(len(rows), 1) + 6
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="risk-chart" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" aria-labelledby="risk-chart-title risk-chart-desc">',
        f'<title id="risk-chart-title">{escape(title)}</title>',
        f'<desc id="risk-chart-desc">{escape(_description(rows))}</desc>',
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
