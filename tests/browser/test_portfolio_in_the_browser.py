"""An architect filters the portfolio in the browser: the form narrows the list, the heatmap follows the page,
and the CSV link exports what the filters select."""

import csv
import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Cast, sign_in_as
from wareview.reviews.models import Answer, AnswerRisk, Review
from wareview.workloads.models import Workload

pytestmark = pytest.mark.browser


def test_an_architect_filters_the_portfolio_and_exports_the_selection(
    page: Page, live_server, cast: Cast, review: Review
) -> None:
    Answer.objects.filter(review=review, question__code="Q_01").update(risk=AnswerRisk.HIGH)
    Workload.objects.create(team=cast.team, name="Ledger", environment="pre_production")
    sign_in_as(page.context, cast.viewer, live_server.url)
    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Portfolio").click()
    workloads = page.locator("table.portfolio-table tbody th")
    expect(workloads).to_have_text(["Checkout", "Ledger"])
    heatmap = page.get_by_role(
        "group", name=re.compile(f"^Worst risk of each workload by focus area of {cast.lens.name}")
    )
    expect(heatmap).to_be_visible()

    page.get_by_label("High risks").select_option(label="With high risks")
    page.get_by_role("button", name="Show workloads").click()
    expect(workloads).to_have_text(["Checkout"])
    expect(page.get_by_label("High risks")).to_have_value("yes")

    page.get_by_label("High risks").select_option(label="Any")
    page.get_by_label("Environment").select_option(label="Pre-production")
    page.get_by_role("button", name="Show workloads").click()
    expect(workloads).to_have_text(["Ledger"])

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV").click()
    download = download_info.value
    assert download.suggested_filename == "wareview-portfolio.csv"
    with open(download.path(), encoding="utf-8-sig", newline="") as exported:
        rows = list(csv.reader(exported))
    assert len(rows) == 2 and rows[1][:3] == ["Ledger", "Payments", "Pre-production"]
