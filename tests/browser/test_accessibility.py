"""axe-core on the question page in use: after an autosave, with every disclosure open. Every page as it first
opens is checked at both widths by test_every_page.py."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.conftest import WIDTHS, Cast, describe_violations, question_path, sign_in_as
from wareview.reviews.models import Review

pytestmark = pytest.mark.browser


def open_question(page: Page, review: Review) -> None:
    page.goto(question_path(review, "PERF_01"))
    # Check the page as it looks after an autosave, with every disclosure open (the history loads on opening).
    with page.expect_response(lambda response: response.request.method == "POST"):
        page.get_by_label("Notes").fill("Targets agreed with the business.")
        page.get_by_label("Notes").blur()
    expect(page.locator(".save-status")).to_contain_text("Saved")
    page.evaluate("document.querySelectorAll('details').forEach(details => { details.open = true; })")
    expect(page.locator(".history-body")).not_to_contain_text("Show the history")


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_question_page_in_use_has_no_accessibility_violation(
    page: Page, live_server, cast: Cast, answered_review: Review, width: str
) -> None:
    page.set_viewport_size(WIDTHS[width])
    sign_in_as(page.context, cast.contributor, live_server.url)
    open_question(page, answered_review)

    violations = Axe().run(page).response["violations"]

    assert not violations, describe_violations(violations)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways"


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
