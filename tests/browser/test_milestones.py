"""Milestones in a real browser: answer a review, save "Baseline", change three answers, save "After fixes";
"Compare" shows exactly those three questions with their risk moves, and the trend shows both milestones and now."""

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import Cast, question_path, saving, sign_in_as
from wareview.milestones.models import Milestone
from wareview.reviews.models import Review

pytestmark = pytest.mark.browser


def practice(page: Page, title: str) -> Locator:
    return page.get_by_role("checkbox", name=title, exact=True)


def answer(page: Page, review: Review, code: str, *ticks: str, untick: tuple[str, ...] = (), risk: str) -> None:
    page.goto(question_path(review, code))
    for title in ticks:
        with saving(page):
            practice(page, title).check()
    for title in untick:
        with saving(page):
            practice(page, title).uncheck()
    expect(page.locator(".question-risk")).to_have_text(risk)


def save_milestone(page: Page, review: Review, name: str) -> None:
    page.goto(f"/workloads/{review.workload_id}/")
    page.get_by_label("Milestone name").fill(name)
    page.get_by_role("button", name="Save milestone").click()
    expect(page.get_by_role("status")).to_contain_text(f"Saved the milestone “{name}”.")
    expect(page.get_by_role("link", name=name, exact=True)).to_be_visible()


def test_two_milestones_compare_and_draw_a_trend(page: Page, live_server, cast: Cast, review: Review) -> None:
    sign_in_as(page.context, cast.contributor, live_server.url)
    answer(page, review, "Q_01", "Q_01 practice a", "Q_01 practice b", risk="No risk")
    answer(page, review, "Q_02", "Q_02 practice a", risk="Medium risk")
    answer(page, review, "Q_03", "None of these", risk="High risk")
    answer(page, review, "Q_04", "Q_04 practice a", "Q_04 practice b", risk="No risk")
    save_milestone(page, review, "Baseline")

    answer(page, review, "Q_01", untick=("Q_01 practice b",), risk="Medium risk")  # worse
    answer(page, review, "Q_02", "Q_02 practice b", risk="No risk")  # better
    answer(page, review, "Q_03", "Q_03 practice a", risk="Medium risk")  # better: "None of these" goes
    save_milestone(page, review, "After fixes")

    for field, name in (("From", "Baseline"), ("To", "After fixes")):
        page.get_by_label(field, exact=True).select_option(
            label=f"{name} ({Milestone.objects.get(name=name).date_label})"
        )
    page.get_by_role("button", name="Compare").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Baseline \(.*\) → After fixes \("))
    expect(page.get_by_role("list", name="Risk movements")).to_have_text(
        re.compile(r"2\s+improved\s+1\s+worsened\s+1\s+unchanged")
    )
    rows = page.locator(".compare-table tbody tr")
    expect(rows).to_have_count(3)
    expected = [
        ("Q_01", "No risk → Medium risk (worsened)", "No longer followed: Q_01 practice b"),
        ("Q_02", "Medium risk → No risk (improved)", "Now followed: Q_02 practice b"),
        ("Q_03", "High risk → Medium risk (improved)", "No longer followed: None of these"),
    ]
    for row, (code, move, detail) in zip(rows.all(), expected, strict=True):
        expect(row.get_by_role("rowheader")).to_contain_text(code)
        expect(row.locator("td").first).to_have_text(re.compile(r"\s*".join(map(re.escape, move.split()))))
        expect(row.locator("td").last).to_contain_text(detail)

    page.get_by_role("link", name="Checkout").click()
    trend = page.get_by_role("table", name=re.compile("at each milestone and now"))
    expect(trend.get_by_role("rowheader")).to_have_text(["Baseline", "After fixes", "Now"])
    chart = page.get_by_role("img", name=re.compile("Risk trend"))
    expect(chart).to_be_visible()
    expect(chart.locator("desc")).to_have_text(
        re.compile(r"^Baseline: 1 high risk, 1 medium risk, 100% complete\. After fixes: 0 high risk, 2 medium risk")
    )


@pytest.fixture
def two_milestones(cast: Cast, review: Review) -> tuple[Milestone, Milestone]:
    from tests.reports.helpers import answer as answer_with
    from wareview.milestones.services import milestone_save

    answer_with(review, "Q_01", "a", "b", notes="Load tested.")
    answer_with(review, "Q_02", "no")
    first = milestone_save(review=review, name="Baseline", user=cast.owner)
    answer_with(review, "Q_02", "a")
    answer_with(review, "Q_03", reason="out_of_scope")
    return first, milestone_save(review=review, name="After fixes", user=cast.owner)


@pytest.mark.parametrize("where", ["workload", "compare", "overview", "question", "report"])
def test_the_milestone_pages_pass_axe(
    page: Page, live_server, cast: Cast, review: Review, two_milestones, where
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    from tests.browser.conftest import describe_violations

    first, second = two_milestones
    addresses = {
        "workload": f"/workloads/{review.workload_id}/",
        "compare": f"/workloads/{review.workload_id}/compare/?before={first.pk}&after={second.pk}",
        "overview": f"/milestones/{first.pk}/",
        "question": f"/milestones/{first.pk}/questions/Q_01/",
        "report": f"/milestones/{first.pk}/report/",
    }
    sign_in_as(page.context, cast.contributor, live_server.url)
    page.goto(addresses[where])
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    violations = Axe().run(page).response["violations"]
    assert not violations, describe_violations(violations)
