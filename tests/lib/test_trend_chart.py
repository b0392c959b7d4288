"""The trend chart: a line for high and medium risks and completion, every value in its description, labels
escaped (milestone names are the users' own words). Where its markers go is geometry (`trend_chart`), tested
without drawing; the rest as `charts/trend_chart.html` draws it."""

import re

from django.template.loader import render_to_string

from wareview.lib.charts import DODGE, trend_chart
from wareview.lib.risk_levels import HIGH, MEDIUM


def drawn(**kwargs):
    return render_to_string("charts/trend_chart.html", {"chart": trend_chart(**kwargs)})


def test_the_chart_names_every_point_in_its_description_and_draws_three_lines():
    svg = drawn(points=[("Baseline", 4, 2, 50), ("Now", 1, 3, 100)], title="Risk trend", chart_id="t")
    assert 'role="img"' in svg
    assert '<title id="t-title">Risk trend</title>' in svg and 'aria-labelledby="t-title t-desc"' in svg
    assert re.search(r"<desc[^>]*>(.*)</desc>", svg).group(1) == (
        "Baseline: 4 high risk, 2 medium risk, 50% complete. Now: 1 high risk, 3 medium risk, 100% complete."
    )
    lines = re.findall(r'<polyline points="([^"]+)" fill="none" stroke="([^"]+)"', svg)
    assert [colour for _, colour in lines] == [HIGH.colour, MEDIUM.colour, "#1d2430"]
    high = [tuple(map(float, point.split(","))) for point in lines[0][0].split()]
    assert high[0][1] < high[1][1]  # four high risks sit higher than one
    # The dashed completion line comes last, so a line under it shows through its gaps.
    assert re.findall(r"<polyline[^>]+>", svg)[-1].endswith('stroke-dasharray="5 4"/>')


def test_labels_are_escaped_and_a_single_point_is_drawn():
    svg = drawn(points=[("<script>alert(1)</script>", 0, 0, 0)])
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert [len(points) for points in markers(svg).values()] == [1, 1, 1]


def markers(svg: str) -> dict[str, list[tuple[float, float]]]:
    """The centre of each plotted marker, by shape, as drawn (the legend's markers, at the top, left out)."""
    centres = {
        "circle": [(float(x), float(y)) for x, y in re.findall(r'<circle cx="([^"]+)" cy="([^"]+)"', svg)],
        "square": [
            (float(x) + 3.5, float(y) + 3.5) for x, y in re.findall(r'<rect x="([^"]+)" y="([^"]+)" width="7"', svg)
        ],
        "diamond": [(float(x), float(y) + 4.5) for x, y in re.findall(r'<polygon points="([^,]+),([^ ]+) ', svg)],
    }
    return {shape: [point for point in points if point[1] > 20] for shape, points in centres.items()}


def test_each_series_is_drawn_with_markers_of_its_own_shape_where_the_geometry_puts_them():
    chart = trend_chart(points=[("Baseline", 2, 2, 100), ("Now", 0, 2, 100)])
    expected = {
        shape: [(marker.cx, marker.cy) for marker in chart.markers if marker.shape == shape]
        for shape in ("circle", "square", "diamond")
    }
    assert markers(render_to_string("charts/trend_chart.html", {"chart": chart})) == expected


def test_series_with_equal_values_stay_apart():
    # All at the top: two medium risks (the largest count) and 100 % complete, as after a full review.
    chart = trend_chart(points=[("Baseline", 2, 2, 100), ("Now", 0, 2, 100)])
    by_shape = {shape: [m for m in chart.markers if m.shape == shape] for shape in ("circle", "square", "diamond")}
    assert [len(points) for points in by_shape.values()] == [2, 2, 2]
    every = [(marker.x, marker.y) for marker in chart.markers]
    assert len(set(every)) == len(every)  # no marker sits on another
    for first, second in zip(by_shape["square"], by_shape["diamond"], strict=True):
        assert first.y == second.y and abs(first.x - second.x) == DODGE  # side by side, at the same height


def test_markers_at_either_end_move_inwards_off_the_axes():
    chart = trend_chart(points=[("Baseline", 2, 2, 100), ("Middle", 2, 2, 100), ("Now", 2, 2, 100)])
    first, middle, last = (
        [m.x for m in chart.markers if m.shape == shape] for shape in ("circle", "square", "diamond")
    )
    xs = list(zip(first, middle, last, strict=True))
    assert min(xs[0]) == chart.left and max(xs[-1]) == chart.right  # none past an axis
    assert xs[1][1] == (chart.left + chart.right) / 2  # in the middle: spread around the point


def test_markers_apart_from_one_another_are_not_moved():
    chart = trend_chart(points=[("Baseline", 4, 0, 20), ("Now", 2, 1, 60)])
    line_points = {point for line in chart.lines for point in line.coordinates}
    assert {(marker.x, marker.y) for marker in chart.markers} == line_points


def test_the_scales_run_from_zero_to_the_largest_count_and_to_a_hundred_percent():
    chart = trend_chart(points=[("Baseline", 5, 3, 40), ("Now", 1, 4, 80)])
    assert [tick.text for tick in chart.ticks] == ["5", "0", "100%", "0%"]
    high, medium, completion = chart.lines
    assert high.coordinates[0][1] == chart.top  # five high risks: the top of the scale
    assert completion.coordinates[1][1] == chart.bottom - (chart.bottom - chart.top) * 0.8
    assert medium.coordinates[1][1] > high.coordinates[0][1]


def test_long_labels_are_shortened_under_the_axis():
    chart = trend_chart(points=[("A milestone named at length", 0, 0, 0), ("Now", 0, 0, 0)])
    assert [label.text for label in chart.labels] == ["A milestone nam…", "Now"]
