"""The improvement plan in a real browser: a recommended practice ticked in the review is done in the plan, and an
item's form saves its owner and status."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Cast, question_path, saving, sign_in_as
from wareview.reviews.models import Review
from wareview.reviews.services import AnswerState, answer_save

pytestmark = pytest.mark.browser


@pytest.fixture
def medium_risk_review(review: Review, cast: Cast) -> Review:
    """Q_01 follows practice a alone: medium risk, practices b and c recommended."""
    answer = review.answers.get(question__code="Q_01")
    answer_save(answer=answer, user=cast.owner, data=AnswerState(selected=["q_01_a"]), expected_version=0)
    return review


def plan_item(page: Page, title: str):
    return page.locator(".plan-item").filter(has=page.get_by_role("heading", name=title))


def test_ticking_a_recommended_practice_marks_its_plan_item_done(page: Page, live_server, cast, medium_risk_review):
    review = medium_risk_review
    sign_in_as(page.context, cast.contributor, live_server.url)
    page.goto(f"/reviews/{review.pk}/")
    page.get_by_role("link", name="Improvement plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Improvement plan")
    expect(plan_item(page, "Q_01 practice b").locator(".item-status")).to_contain_text("Open")

    page.goto(question_path(review, "Q_01"))
    with saving(page):
        page.get_by_role("checkbox", name="Q_01 practice b", exact=True).check()

    page.goto(f"/reviews/{review.pk}/plan/")
    item = plan_item(page, "Q_01 practice b")
    expect(item.locator(".item-status")).to_contain_text("Done")
    expect(page.get_by_role("list", name="Items by status")).to_contain_text("Done: 1")
    item.get_by_role("link", name="History of Q_01 practice b").click()
    expect(page.get_by_role("main")).to_contain_text("Practice ticked in the review")


def test_an_items_form_saves_its_status_and_owner(page: Page, live_server, cast, medium_risk_review):
    review = medium_risk_review
    sign_in_as(page.context, cast.contributor, live_server.url)
    page.goto(f"/reviews/{review.pk}/plan/")
    item = plan_item(page, "Q_01 practice c")
    item.get_by_label("Status").select_option(label="In progress")
    item.get_by_label("Owner").select_option(label="vera")
    item.get_by_role("button", name="Save Q_01 practice c").click()
    expect(page.get_by_role("status").first).to_contain_text("The improvement item is saved.")
    expect(plan_item(page, "Q_01 practice c").locator(".item-status")).to_contain_text("In progress · owner vera")
