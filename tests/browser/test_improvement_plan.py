"""The improvement plan in a real browser: a recommended practice ticked in the review is done in the plan; a row
is edited in place (no navigation, the focus stays), and a refused "Won't do" keeps what was typed, with the reason
beside the field, with JavaScript and without."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Cast, answer_of, question_path, saving, sign_in_as
from wareview.plans.models import ImprovementItem, ItemStatus
from wareview.reviews.models import Review
from wareview.reviews.services import AnswerState, answer_save

pytestmark = pytest.mark.browser

REASON_NEEDED = "Say why the team won't do it: a reason is needed for “Won't do”."


@pytest.fixture
def medium_risk_review(review: Review, cast: Cast) -> Review:
    """Q_01 follows practice a alone: medium risk, practices b and c recommended."""
    answer = review.answers.get(question__code="Q_01")
    answer_save(answer=answer, user=cast.owner, data=AnswerState(selected=["q_01_a"]), expected_version=0)
    return review


def plan_row(page: Page, title: str):
    return page.locator("tr.plan-row").filter(has=page.get_by_role("link", name=title, exact=True))


def item(review: Review, practice: str) -> ImprovementItem:
    return ImprovementItem.objects.get(review=review, practice_code=practice)


def test_ticking_a_recommended_practice_marks_its_plan_item_done(page: Page, live_server, cast, medium_risk_review):
    review = medium_risk_review
    sign_in_as(page.context, cast.contributor, live_server.url)
    page.goto(f"/reviews/{review.pk}/")
    page.get_by_role("link", name="Improvement plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Improvement plan")
    expect(plan_row(page, "Q_01 practice b").get_by_label("Status of Q_01 practice b")).to_have_value("open")

    page.goto(question_path(review, "Q_01"))
    with saving(page):
        page.get_by_role("checkbox", name="Q_01 practice b", exact=True).check()

    page.goto(f"/reviews/{review.pk}/plan/")
    row = plan_row(page, "Q_01 practice b")
    expect(row.get_by_label("Status of Q_01 practice b")).to_have_value("done")
    expect(page.get_by_role("list", name="Items by status")).to_contain_text("Done: 1")
    row.get_by_role("link", name="Q_01 practice b").click()
    expect(page.get_by_role("main")).to_contain_text("Practice ticked in the review")


def test_a_row_is_edited_in_place_and_the_focus_stays_on_it(page: Page, live_server, cast, medium_risk_review):
    review = medium_risk_review
    sign_in_as(page.context, cast.contributor, live_server.url)
    page.goto(f"/reviews/{review.pk}/plan/")
    page.evaluate("window.__samePage = true")
    row = plan_row(page, "Q_01 practice c")
    height = row.bounding_box()["height"]
    assert height < 80, f"a row of the plan is {height}px high"  # one line, where a card with its form took 830
    row.get_by_label("Status of Q_01 practice c").select_option(label="In progress")
    row.get_by_label("Owner of Q_01 practice c").select_option(label="vera")
    row.get_by_label("Due date of Q_01 practice c").fill("2030-04-30")
    save = row.get_by_role("button", name="Save Q_01 practice c")
    save.focus()
    with page.expect_response(lambda response: response.request.method == "POST") as answered:
        page.keyboard.press("Enter")
    assert answered.value.status == 200

    expect(row).to_contain_text("Saved.")
    expect(page.get_by_role("status").filter(has_text="is saved")).to_have_text("Q_01 practice c is saved.")
    expect(page.get_by_role("list", name="Items by status")).to_contain_text("In progress: 1")
    expect(row.get_by_role("button", name="Save Q_01 practice c")).to_be_focused()
    assert page.evaluate("window.__samePage === true"), "the page was loaded again"
    saved = item(review, "q_01_c")
    assert (saved.status, saved.owner, str(saved.due_date)) == (ItemStatus.IN_PROGRESS, cast.viewer, "2030-04-30")


def test_marking_a_row_done_ticks_its_practice(page: Page, live_server, cast, medium_risk_review):
    review = medium_risk_review
    sign_in_as(page.context, cast.contributor, live_server.url)
    page.goto(f"/reviews/{review.pk}/plan/")
    row = plan_row(page, "Q_01 practice c")
    row.get_by_label("Status of Q_01 practice c").select_option(label="Done")
    row.get_by_role("button", name="Save Q_01 practice c").click()
    expect(row).to_contain_text("Saved.")
    assert answer_of(review, "Q_01").selected == ["q_01_a", "q_01_c"]
    page.goto(question_path(review, "Q_01"))
    expect(page.get_by_role("checkbox", name="Q_01 practice c", exact=True)).to_be_checked()


def test_a_row_done_then_reopened_in_place_leaves_every_number_shown_once(
    page: Page, live_server, cast, medium_risk_review
):
    review = medium_risk_review
    second = review.answers.get(question__code="Q_02")
    answer_save(answer=second, user=cast.owner, data=AnswerState(selected=["q_02_a"]), expected_version=0)
    sign_in_as(page.context, cast.contributor, live_server.url)
    page.goto(f"/reviews/{review.pk}/plan/")
    page.evaluate("window.__samePage = true")
    numbers = page.locator("td.plan-number")
    expect(numbers).to_have_text(["1", "2", "3", "4"])  # Q_01 practices b and c, Q_02 practices b and c
    not_numbered = "Not numbered: no longer recommended"
    for status, shown in (("Done", ["1", "2", "3", not_numbered]), ("Open", ["1", "2", "3", "4"])):
        row = plan_row(page, "Q_01 practice c")
        row.get_by_label("Status of Q_01 practice c").select_option(label=status)
        row.get_by_role("button", name="Save Q_01 practice c").click()
        expect(plan_row(page, "Q_01 practice c")).to_contain_text("Saved.")
        expect(numbers).to_have_text(shown)
    expect(page.get_by_role("button", name="Save Q_01 practice c")).to_be_focused()
    assert page.evaluate("window.__samePage === true"), "the page was loaded again"


def test_a_refused_wont_do_keeps_what_was_typed_and_says_why_beside_the_reason(
    page: Page, live_server, cast, medium_risk_review
):
    review = medium_risk_review
    sign_in_as(page.context, cast.contributor, live_server.url)
    page.goto(f"/reviews/{review.pk}/plan/")
    page.evaluate("window.__samePage = true")
    row = plan_row(page, "Q_01 practice b")
    reason = row.get_by_label("Reason for “Won't do”")
    expect(reason).to_be_hidden()  # shown only for "Won't do"
    row.get_by_label("Status of Q_01 practice b").select_option(label="Won't do")
    expect(reason).to_be_visible()
    row.get_by_label("Owner of Q_01 practice b").select_option(label="connor")
    row.get_by_label("Due date of Q_01 practice b").fill("2030-02-28")
    with page.expect_response(lambda response: response.request.method == "POST") as answered:
        row.get_by_role("button", name="Save Q_01 practice b").click()
    assert answered.value.status == 400

    expect(row.locator(f"#reason-error-{item(review, 'q_01_b').pk}")).to_have_text(REASON_NEEDED)
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(row.get_by_label("Status of Q_01 practice b")).to_have_value("wont_do")
    expect(row.get_by_label("Owner of Q_01 practice b")).to_have_value("connor")
    expect(row.get_by_label("Due date of Q_01 practice b")).to_have_value("2030-02-28")
    assert page.evaluate("window.__samePage === true")
    assert item(review, "q_01_b").status == ItemStatus.OPEN

    reason.fill("The managed database does it for us.")
    row.get_by_role("button", name="Save Q_01 practice b").click()
    expect(row).to_contain_text("Saved.")
    saved = item(review, "q_01_b")
    assert (saved.status, saved.wont_do_reason) == (ItemStatus.WONT_DO, "The managed database does it for us.")


def test_without_javascript_a_refused_wont_do_shows_the_page_again_and_a_save_goes_back_to_the_row(
    no_js_page: Page, live_server, cast, medium_risk_review
):
    page, review = no_js_page, medium_risk_review
    sign_in_as(page.context, cast.contributor, live_server.url)
    page.goto(f"/reviews/{review.pk}/plan/?risk=MEDIUM_RISK")
    row = plan_row(page, "Q_01 practice b")
    row.get_by_label("Status of Q_01 practice b").select_option(label="Won't do")
    row.get_by_label("Owner of Q_01 practice b").select_option(label="vera")
    row.get_by_role("button", name="Save Q_01 practice b").click()

    expect(page.get_by_role("alert")).to_contain_text("Nothing was changed.")
    pk = item(review, "q_01_b").pk
    expect(row.locator(f"#reason-error-{pk}")).to_have_text(REASON_NEEDED)
    expect(row.get_by_label("Status of Q_01 practice b")).to_have_value("wont_do")
    expect(row.get_by_label("Owner of Q_01 practice b")).to_have_value("vera")
    expect(page.get_by_label("Risk", exact=True)).to_have_value("MEDIUM_RISK")  # the page it came from

    row.get_by_label("Reason for “Won't do”").fill("Not worth it here.")
    row.get_by_role("button", name="Save Q_01 practice b").click()
    expect(page).to_have_url(f"{live_server.url}/reviews/{review.pk}/plan/?risk=MEDIUM_RISK#item-{pk}")
    expect(plan_row(page, "Q_01 practice b").get_by_label("Status of Q_01 practice b")).to_have_value("wont_do")
    assert item(review, "q_01_b").wont_do_reason == "Not worth it here."


def test_my_items_lists_and_edits_my_items_in_place(page: Page, live_server, cast, medium_risk_review):
    review = medium_risk_review
    sign_in_as(page.context, cast.contributor, live_server.url)
    page.goto(f"/reviews/{review.pk}/plan/")  # the plan starts when first read
    ImprovementItem.objects.filter(review=review, practice_code="q_01_c").update(owner=cast.contributor)
    page.get_by_role("link", name="My items").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My items")
    row = plan_row(page, "Q_01 practice c")
    expect(row).to_contain_text("Checkout")
    row.get_by_label("Status of Q_01 practice c").select_option(label="In progress")
    row.get_by_role("button", name="Save Q_01 practice c").click()
    expect(row).to_contain_text("Saved.")
    expect(row.get_by_role("button", name="Save Q_01 practice c")).to_be_focused()
    assert item(review, "q_01_c").status == ItemStatus.IN_PROGRESS
