"""The question page on a phone and on a wide screen: the save status and the question's risk stay in view
however far down the user ticks, the question and its practices come before the navigation on a phone, and no
page of the walk is wider than the phone."""

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import Cast, answer_of, question_path, saving, sign_in_as
from tests.browser.test_question_page_keyboard import focused_id
from wareview.reviews import services
from wareview.reviews.models import Review

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
LONG_QUESTION = "PERF_06"  # the shipped lens's question with the most best practices


def in_view(page: Page, locator: Locator) -> bool:
    """Whether the element is wholly inside the window's height."""
    box = locator.bounding_box()
    assert box is not None
    return box["y"] >= 0 and box["y"] + box["height"] <= page.evaluate("window.innerHeight")


def top_of(locator: Locator) -> float:
    """How far down the page the element starts, in CSS pixels."""
    return locator.evaluate("element => element.getBoundingClientRect().top + window.scrollY")


def page_overflow(page: Page) -> int:
    """How many pixels the page is wider than the window (0 when it fits)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1280", "390"])
def test_after_ticking_the_last_practice_the_save_status_and_the_risk_are_in_view(
    page: Page, live_server, cast: Cast, shipped_review: Review, size: dict[str, int]
) -> None:
    sign_in_as(page.context, cast.contributor, live_server.url)
    page.set_viewport_size(size)
    page.goto(question_path(shipped_review, LONG_QUESTION))
    risk = page.locator(".question-risk")
    expect(risk).to_have_text("Unanswered")

    practices = page.locator(f"#practices-{LONG_QUESTION} input[name=selected]:not([data-none-choice])")
    with saving(page):
        practices.last.check()

    status = page.locator(".save-status")
    expect(status).to_contain_text(re.compile(r"^\s*Saved at "))
    expect(risk).not_to_have_text("Unanswered")  # the badge swapped out of band
    heading = page.get_by_role("heading", level=1)
    assert not in_view(page, heading), "the page did not scroll: the test shows nothing"
    assert in_view(page, status), "the save status is out of view"
    assert in_view(page, risk), "the risk badge is out of view"


def test_the_save_status_is_the_only_live_region_of_the_bar(
    page: Page, live_server, cast: Cast, review: Review
) -> None:
    sign_in_as(page.context, cast.contributor, live_server.url)
    page.set_viewport_size(PHONE)
    page.goto(question_path(review, "Q_01"))
    bar = page.locator(".question-bar")
    expect(bar.locator("[aria-live], [role=status], [role=alert]")).to_have_count(1)
    expect(bar.get_by_role("status")).to_have_attribute("aria-live", "polite")
    expect(bar.locator(".question-risk")).to_have_count(1)


def test_on_a_phone_a_conflict_in_the_bar_leaves_the_rest_of_the_page_in_reach(
    page: Page, live_server, cast: Cast, review: Review
) -> None:
    sign_in_as(page.context, cast.owner, live_server.url)
    page.set_viewport_size(PHONE)
    page.goto(question_path(review, "Q_01"))
    services.answer_save(
        answer=answer_of(review, "Q_01"),
        user=cast.contributor,
        data=services.AnswerState(selected=[], notes="The contributor's note."),
        expected_version=0,
    )
    page.get_by_label("Notes").fill("The owner's note.")
    with page.expect_response(lambda response: response.request.method == "POST") as info:
        page.get_by_label("Notes").blur()
    assert info.value.status == 409

    bar = page.locator(".question-bar")
    expect(bar.get_by_role("alert")).to_contain_text("connor saved this question")
    box = bar.bounding_box()
    assert box is not None and box["height"] <= PHONE["height"] / 2, "the conflict covers most of the screen"
    assert page_overflow(page) <= 0
    with saving(page):
        bar.get_by_role("button", name="Keep mine").click()
    expect(bar.locator(".save-status")).to_contain_text("Saved at")
    assert answer_of(review, "Q_01").notes == "The owner's note."


def test_on_a_phone_the_question_and_its_practices_come_before_the_navigation(
    page: Page, live_server, cast: Cast, shipped_review: Review
) -> None:
    sign_in_as(page.context, cast.contributor, live_server.url)
    page.set_viewport_size(PHONE)
    page.goto(question_path(shipped_review, "PERF_03"))
    title = page.get_by_role("heading", level=1)
    first_practice = page.locator("#practices-PERF_03 input[name=selected]").first
    first_nav_link = page.locator("#review-nav a").first

    assert top_of(title) < top_of(first_practice) < top_of(first_nav_link)
    # PERF_03's long description puts its first practice at about 1,100 px: within the second screen.
    assert top_of(first_practice) < 2 * PHONE["height"]
    assert page_overflow(page) <= 0


def test_on_a_phone_all_questions_are_one_link_away(page: Page, live_server, cast: Cast, review: Review) -> None:
    sign_in_as(page.context, cast.contributor, live_server.url)
    page.set_viewport_size(PHONE)
    page.goto(question_path(review, "Q_01"))
    page.get_by_role("link", name="All questions").click()
    expect(page.locator("#review-nav a").first).to_be_in_viewport()


def test_on_a_wide_screen_the_navigation_is_beside_the_question(
    page: Page, live_server, cast: Cast, review: Review
) -> None:
    sign_in_as(page.context, cast.contributor, live_server.url)
    page.set_viewport_size(DESKTOP)
    page.goto(question_path(review, "Q_01"))
    nav = page.locator("#review-nav").bounding_box()
    question = page.locator("#question-panel").bounding_box()
    assert nav is not None and question is not None
    assert nav["x"] + nav["width"] <= question["x"], "the navigation is not on the question's left"
    expect(page.get_by_role("link", name="All questions")).to_be_hidden()


def test_on_a_phone_the_first_practice_is_at_most_four_tab_presses_from_the_top(
    page: Page, live_server, cast: Cast, review: Review
) -> None:
    sign_in_as(page.context, cast.contributor, live_server.url)
    page.set_viewport_size(PHONE)
    page.goto(question_path(review, "Q_01"))
    tabs = 0
    while focused_id(page) != "Skip to the best practices" and tabs < 10:
        page.keyboard.press("Tab")
        tabs += 1
    page.keyboard.press("Enter")  # the skip link: no Tab
    while focused_id(page) != "choice-q_01_a" and tabs < 10:
        page.keyboard.press("Tab")
        tabs += 1
    first_practice = page.get_by_role("checkbox", name="Q_01 practice a", exact=True)
    expect(first_practice).to_be_focused()
    assert tabs <= 4, f"the first practice took {tabs} Tab presses"
    assert in_view(page, first_practice), "the focused practice is out of view"
    bar = page.locator(".question-bar").bounding_box()
    box = first_practice.bounding_box()
    assert bar is not None and box is not None
    assert box["y"] >= bar["y"] + bar["height"], "the focused practice is under the bar"


def test_without_javascript_a_phone_saves_the_answer_with_the_button(
    no_js_page: Page, live_server, cast: Cast, review: Review
) -> None:
    page = no_js_page
    sign_in_as(page.context, cast.contributor, live_server.url)
    page.set_viewport_size(PHONE)
    page.goto(question_path(review, "Q_01"))
    page.get_by_role("checkbox", name="Q_01 practice a", exact=True).check()
    page.get_by_role("button", name="Save answer").click()

    expect(page.get_by_role("checkbox", name="Q_01 practice a", exact=True)).to_be_checked()
    expect(page.locator(".question-risk")).not_to_have_text("Unanswered")


def open_dashboard(page: Page, review: Review) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", name="Your workloads")).to_be_visible()


def open_workload(page: Page, review: Review) -> None:
    page.goto(f"/workloads/{review.workload_id}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(review.workload.name)


def open_plan(page: Page, review: Review) -> None:
    page.goto(f"/reviews/{review.pk}/plan/")
    expect(page.get_by_role("heading", name="Improvement plan")).to_be_visible()


def open_question(page: Page, review: Review) -> None:
    page.goto(question_path(review, "PERF_06"))
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^PERF_06 · "))


@pytest.mark.parametrize(
    "open_page",
    [open_question, open_dashboard, open_workload, open_plan],
    ids=["question", "dashboard", "workload", "plan"],
)
def test_on_a_phone_the_page_is_no_wider_than_the_window(
    page: Page, live_server, cast: Cast, shipped_review: Review, open_page
) -> None:
    sign_in_as(page.context, cast.owner, live_server.url)
    page.set_viewport_size(PHONE)
    open_page(page, shipped_review)
    assert page_overflow(page) <= 0, f"the page is {page_overflow(page)} px wider than the phone"
