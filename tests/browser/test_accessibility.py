"""axe-core on the pages of the review walk, with the Performance Efficiency lens and answers of every risk."""

from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from tests.browser.conftest import Cast, question_path, sign_in_as
from wareview.plans.models import ImprovementItem
from wareview.reviews.models import Review

pytestmark = pytest.mark.browser

BLOCKING_IMPACTS = {"serious", "critical"}


def open_question(page: Page, review: Review) -> None:
    page.goto(question_path(review, "PERF_01"))
    # Check the page as it looks after an autosave, with every disclosure open (the history loads on opening).
    with page.expect_response(lambda response: response.request.method == "POST"):
        page.get_by_label("Notes").fill("Targets agreed with the business.")
        page.get_by_label("Notes").blur()
    expect(page.locator(".save-status")).to_contain_text("Saved")
    page.evaluate("document.querySelectorAll('details').forEach(details => { details.open = true; })")
    expect(page.locator(".history-body")).not_to_contain_text("Show the history")


def open_overview(page: Page, review: Review) -> None:
    page.goto(f"/reviews/{review.pk}/")
    expect(page.get_by_role("heading", name="Questions that need attention")).to_be_visible()


def open_dashboard(page: Page, review: Review) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", name="Your workloads")).to_be_visible()


def open_plan(page: Page, review: Review) -> None:
    page.goto(f"/reviews/{review.pk}/plan/")
    expect(page.get_by_role("heading", name="Improvement plan")).to_be_visible()


def open_my_items(page: Page, review: Review) -> None:
    open_plan(page, review)  # the plan starts when first read; the contributor then owns its items
    ImprovementItem.objects.filter(review=review).update(owner=User.objects.get(username="connor"))
    page.goto("/my-items/")
    expect(page.get_by_role("heading", name="My items")).to_be_visible()
    expect(page.locator("tr.plan-row").first).to_be_visible()


@pytest.mark.parametrize(
    "open_page",
    [open_question, open_overview, open_dashboard, open_plan, open_my_items],
    ids=["question", "overview", "dashboard", "plan", "my-items"],
)
def test_accessibility(
    page: Page, live_server, cast: Cast, answered_review: Review, open_page: Callable[[Page, Review], None]
) -> None:
    sign_in_as(page.context, cast.contributor, live_server.url)
    open_page(page, answered_review)

    violations = Axe().run(page).response["violations"]

    blocking = [violation for violation in violations if violation["impact"] in BLOCKING_IMPACTS]
    assert not blocking, _describe(blocking)


def _describe(violations: list[dict]) -> str:
    lines = [f"{len(violations)} serious or critical accessibility violations:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:200]}")
            lines.append(f"      {node.get('failureSummary', '').replace(chr(10), ' ')[:300]}")
    return "\n".join(lines)


def test_the_save_status_is_announced_from_a_live_region_that_stays_in_place(
    page: Page, live_server, cast: Cast, answered_review: Review
) -> None:
    # Screen readers announce changes inside a live region they already know; a region swapped in whole,
    # already holding its text, is often read out by none of them.
    sign_in_as(page.context, cast.contributor, live_server.url)
    page.goto(question_path(answered_review, "PERF_05"))
    page.evaluate("window.__status = document.querySelector('.save-status')")
    with page.expect_response(lambda response: response.request.method == "POST"):
        page.get_by_role("checkbox").first.check()

    expect(page.get_by_role("status")).to_contain_text("Saved")
    assert page.evaluate("document.querySelector('.save-status') === window.__status"), "the live region was replaced"
