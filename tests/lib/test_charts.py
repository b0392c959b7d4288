"""The geometry of the risk chart and the heatmap (`wareview.lib.charts`), without drawing: scales, label
positions and what each part says. The templates under `templates/charts/` draw it."""

import pytest

from wareview.lib.charts import BAR_LEFT, BAR_WIDTH, heatmap, risk_chart
from wareview.lib.risk_levels import HIGH, LEVELS, MEDIUM, NONE


def test_the_largest_row_fills_the_bar_and_the_others_scale_to_it():
    chart = risk_chart(rows=[("Compute", {"HIGH_RISK": 2, "NO_RISK": 2}), ("Storage", {"MEDIUM_RISK": 1})])
    compute, storage = chart.rows
    assert sum(segment.width for segment in compute.segments) == BAR_WIDTH
    assert storage.segments[0].width == BAR_WIDTH / 4
    assert [segment.colour for segment in compute.segments] == [HIGH.colour, NONE.colour]  # worst first
    assert compute.segments[1].x == BAR_LEFT + compute.segments[0].width  # stacked
    assert [row.total for row in chart.rows] == [4, 1]
    assert compute.total_x == BAR_LEFT + BAR_WIDTH + 6  # the total is written after the bar


def test_a_segment_too_narrow_for_its_count_does_not_write_it():
    chart = risk_chart(rows=[("Compute", {"HIGH_RISK": 99, "MEDIUM_RISK": 1})])
    high, medium = chart.rows[0].segments
    assert high.shows_count and not medium.shows_count
    assert medium.colour == MEDIUM.colour and medium.count == 1


def test_rows_stack_downwards_and_long_labels_are_shortened():
    chart = risk_chart(rows=[("A focus area named at some great length", {}), ("Storage", {})])
    assert [row.label for row in chart.rows] == ["A focus area named at some gr…", "Storage"]
    assert chart.rows[1].y - chart.rows[0].y == chart.rows[1].label_y - chart.rows[0].label_y > chart.bar_height
    assert chart.height > chart.rows[-1].y + chart.bar_height


def test_an_empty_chart_keeps_its_legend_and_says_so():
    chart = risk_chart(rows=[])
    assert [item.label for item in chart.legend] == [level.label for level in LEVELS]
    assert chart.rows == [] and chart.description == "" and chart.height > 0
    lefts = [item.x for item in chart.legend]
    assert lefts == sorted(lefts) and all(item.text_x > item.x for item in chart.legend)


def test_heatmap_cells_sit_on_a_grid_named_by_row_column_and_risk():
    chart = heatmap(
        rows=[("Checkout", ["HIGH_RISK", ""]), ("Storefront", ["NO_RISK", "MEDIUM_RISK"])],
        columns=["Compute", "Network"],
    )
    (high, unreviewed), (ok, medium) = (row.cells for row in chart.rows)
    assert high.name == "Checkout · Compute: High risk" and unreviewed.name == "Checkout · Network: No review"
    assert unreviewed.colour == "#ffffff" and ok.colour == NONE.colour
    assert unreviewed.x - high.x == medium.y - unreviewed.y == chart.cell_size + 2
    assert [column.text for column in chart.columns] == ["Compute", "Network"]
    assert chart.role == "img" and {cell.link for row in chart.rows for cell in row.cells} == {""}
    assert (
        chart.description
        == "Checkout: Compute high risk, Network no review. Storefront: Compute no risk, Network medium risk."
    )


def test_a_heatmap_with_links_is_a_group_of_them():
    chart = heatmap(rows=[("Checkout", ["HIGH_RISK", ""])], columns=["Compute", "Network"], links=[["/q/1/", ""]])
    assert chart.role == "group"
    assert [cell.link for cell in chart.rows[0].cells] == ["/q/1/", ""]


@pytest.mark.parametrize("columns", [0, 30])
def test_a_heatmap_is_never_narrower_than_its_legend(columns):
    chart = heatmap(rows=[], columns=[f"Area {n}" for n in range(columns)])
    assert chart.width >= 640 and chart.width >= chart.legend[-1].text_x
    assert chart.description == "No workloads."
