"""The trend chart: a line for high and medium risks and completion, every value in its description, labels
escaped (milestone names are the users' own words)."""

import re

from wareview.lib.charts import trend_chart_svg
from wareview.lib.risk_levels import HIGH, MEDIUM


def test_the_chart_names_every_point_in_its_description_and_draws_three_lines():
    svg = trend_chart_svg(points=[("Baseline", 4, 2, 50), ("Now", 1, 3, 100)], title="Risk trend", chart_id="t")
    assert '<title id="t-title">Risk trend</title>' in svg and 'aria-labelledby="t-title t-desc"' in svg
    assert re.search(r"<desc[^>]*>(.*)</desc>", svg).group(1) == (
        "Baseline: 4 high risk, 2 medium risk, 50% complete. Now: 1 high risk, 3 medium risk, 100% complete."
    )
    lines = re.findall(r'<polyline points="([^"]+)" fill="none" stroke="([^"]+)"', svg)
    assert [colour for _, colour in lines] == [HIGH.colour, MEDIUM.colour, "#1d2430"]
    high = [tuple(map(float, point.split(","))) for point in lines[0][0].split()]
    assert high[0][1] < high[1][1]  # four high risks sit higher than one


def test_labels_are_escaped_and_a_single_point_is_drawn():
    svg = trend_chart_svg(points=[("<script>alert(1)</script>", 0, 0, 0)])
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert [len(points) for points in markers(svg).values()] == [1, 1, 1]


def markers(svg: str) -> dict[str, list[tuple[float, float]]]:
    """The centre of each plotted marker, by shape (the legend's markers, at the top, left out)."""
    centres = {
        "circle": [(float(x), float(y)) for x, y in re.findall(r'<circle cx="([^"]+)" cy="([^"]+)"', svg)],
        "square": [
            (float(x) + 3.5, float(y) + 3.5) for x, y in re.findall(r'<rect x="([^"]+)" y="([^"]+)" width="7"', svg)
        ],
        "diamond": [(float(x), float(y) + 4.5) for x, y in re.findall(r'<polygon points="([^,]+),([^ ]+) ', svg)],
    }
    return {shape: [point for point in points if point[1] > 20] for shape, points in centres.items()}


def test_series_with_equal_values_stay_apart_each_with_a_marker_of_its_own_shape():
    # All at the top: two medium risks (the largest count) and 100 % complete, as after a full review.
    svg = trend_chart_svg(points=[("Baseline", 2, 2, 100), ("Now", 0, 2, 100)])
    drawn = markers(svg)
    assert [len(points) for points in drawn.values()] == [2, 2, 2]
    every = [point for points in drawn.values() for point in points]
    assert len(set(every)) == len(every)  # no marker sits on another
    for first, second in zip(drawn["square"], drawn["diamond"], strict=True):
        assert first[1] == second[1] and abs(first[0] - second[0]) >= 7  # side by side, at the same height
    # The dashed completion line comes last, so a line under it shows through its gaps.
    assert re.findall(r'<polyline[^>]+stroke="([^"]+)"', svg)[-1] == "#1d2430"


def test_markers_apart_from_one_another_are_not_moved():
    svg = trend_chart_svg(points=[("Baseline", 4, 0, 20), ("Now", 2, 1, 60)])
    lines = re.findall(r'<polyline points="([^"]+)"', svg)
    line_points = {tuple(map(float, point.split(","))) for line in lines for point in line.split()}
    assert set(point for points in markers(svg).values() for point in points) == line_points
