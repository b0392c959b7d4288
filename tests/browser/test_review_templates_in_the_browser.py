"""Save as template, start from it, and confirm or change the pre-filled answers, in a real browser: the marks
leave the question and its navigation entry as the answer is confirmed, by a save with htmx or by the "Confirm"
button without JavaScript."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Cast, answer_of, question_path, saving, sign_in_as
from wareview.reviews import services as review_services
from wareview.reviews.models import Review
from wareview.workloads.models import Workload

pytestmark = pytest.mark.browser

WAITING = "From template Payments baseline — confirm or change"


@pytest.fixture
def answered(cast: Cast, review: Review) -> Review:
    for code, selected in (("Q_01", ["q_01_a", "q_01_b"]), ("Q_02", ["q_02_a"])):
        review_services.answer_save(
            answer=answer_of(review, code),
            user=cast.owner,
            data=review_services.AnswerState(selected=selected),
            expected_version=0,
        )
    return review


def save_as_template_and_start_from_it(page: Page, review: Review, ledger: Workload) -> Review:
    page.goto(f"/reviews/{review.pk}/")
    page.get_by_label("Template name").fill("Payments baseline")
    page.get_by_label("Description (optional)").fill("What we usually answer.")
    page.get_by_role("button", name="Save as template").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review templates")
    expect(page.get_by_role("row", name=re.compile("Payments baseline"))).to_be_visible()
    page.goto(f"/workloads/{ledger.pk}/")
    page.get_by_role("link", name="Start from a template or another review").click()
    page.get_by_role("button", name="Choose what to start from").click()
    page.get_by_label(re.compile("Template “Payments baseline”")).check()
    page.get_by_role("button", name="Start review").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("review")
    expect(page.locator(".messages")).to_contain_text("pre-filled from template Payments baseline")
    return Review.objects.get(workload=ledger)


def test_a_save_with_htmx_confirms_the_answer_and_moves_the_progress(page: Page, live_server, cast: Cast, answered):
    ledger = Workload.objects.create(team=cast.team, name="Ledger", created_by=cast.owner)
    sign_in_as(page.context, cast.contributor, live_server.url)
    started = save_as_template_and_start_from_it(page, answered, ledger)
    page.goto(question_path(started, "Q_01"))
    nav = page.get_by_role("navigation", name="Questions of the review")
    expect(page.locator("#prefilled-Q_01")).to_contain_text(WAITING)
    expect(nav.locator(".prefilled-mark")).to_have_count(2)
    expect(page.locator("#review-count")).to_have_text("0/4 answered")
    with saving(page):
        page.get_by_role("checkbox", name="Q_01 practice c", exact=True).check()
    expect(page.locator("#prefilled-Q_01")).to_be_empty()
    expect(nav.locator(".prefilled-mark")).to_have_count(1)
    expect(page.locator("#review-count")).to_have_text("1/4 answered")
    assert answer_of(started, "Q_01").prefilled_from == ""


def test_confirm_works_without_javascript(no_js_page: Page, live_server, cast: Cast, answered):
    ledger = Workload.objects.create(team=cast.team, name="Ledger", created_by=cast.owner)
    sign_in_as(no_js_page.context, cast.owner, live_server.url)
    started = save_as_template_and_start_from_it(no_js_page, answered, ledger)
    no_js_page.goto(question_path(started, "Q_02"))
    expect(no_js_page.locator("#prefilled-Q_02")).to_contain_text(WAITING)
    no_js_page.get_by_role("button", name="Confirm", exact=True).click()
    expect(no_js_page.locator(".messages")).to_contain_text("Confirmed: the answer counts as answered.")
    expect(no_js_page.locator("#prefilled-Q_02")).to_be_empty()
    expect(no_js_page.locator("#review-count")).to_have_text("1/4 answered")
    assert answer_of(started, "Q_02").prefilled_from == ""
