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
    assert svg.count("<circle") == 3
