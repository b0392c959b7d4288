"""The review walk in a real browser: autosave with out-of-band swaps, navigation without reloads, the
"None of these" rule, focus, read-only viewers and the page without JavaScript."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import PASSWORD, Cast, answer_of, question_path, saving, sign_in_as
from wareview.reviews.models import AnswerRisk, Review

pytestmark = pytest.mark.browser

MARKER = "set before the first click"


def practice(page: Page, title: str) -> Locator:
    return page.get_by_role("checkbox", name=title, exact=True)


def nav_link(page: Page, code: str) -> Locator:
    nav = page.get_by_role("navigation", name="Questions of the review")
    return nav.get_by_role("link", name=re.compile(rf"^{code} "))


def expect_question(page: Page, review: Review, code: str) -> None:
    expect(page).to_have_url(re.compile(re.escape(question_path(review, code)) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(rf"^{code} · "))


def open_question(page: Page, live_server, user, review: Review, code: str = "Q_01") -> None:
    sign_in_as(page.context, user, live_server.url)
    page.goto(question_path(review, code))
    expect_question(page, review, code)
    assert page.evaluate("typeof htmx") == "object", "htmx did not load"


def test_a_contributor_walks_a_review_and_finds_everything_saved_after_reload(page: Page, cast: Cast) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username or e-mail").fill(cast.contributor.username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Your workloads")).to_be_visible()

    page.goto(f"/teams/{cast.team.pk}/")
    page.get_by_role("link", name="New workload").click()
    page.get_by_label("Name").fill("Checkout")
    page.get_by_role("button", name="Save workload").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Checkout")
    page.get_by_role("button", name="Start review").click()
    expect(page).to_have_url(re.compile(r"/reviews/\d+/questions/Q_01/$"))
    review = Review.objects.get(workload__name="Checkout")
    expect_question(page, review, "Q_01")
    assert page.evaluate("typeof htmx") == "object", "htmx did not load"

    risk, progress, status = (
        page.locator(".question-risk"),
        page.locator("#review-progress"),
        page.locator(".save-status"),
    )
    expect(risk).to_have_text("Unanswered")
    expect(progress).to_have_attribute("value", "0")
    page.evaluate(f"window.__marker = {MARKER!r}")

    # First focus area: Q_01 gets both practices the rules look for, Q_02 only the first.
    with saving(page):
        practice(page, "Q_01 practice a").check()
    expect(risk).to_have_text("Medium risk")
    expect(progress).to_have_attribute("value", "1")
    expect(status).to_contain_text("Saved")
    with saving(page):
        practice(page, "Q_01 practice b").check()
    expect(risk).to_have_text("No risk")
    expect(nav_link(page, "Q_01")).to_contain_text("OK")

    page.get_by_role("link", name="Next question →").click()
    expect_question(page, review, "Q_02")
    expect(page).to_have_title(re.compile(r"^Q_02 · Checkout"))
    with saving(page):
        practice(page, "Q_02 practice a").check()
    expect(risk).to_have_text("Medium risk")
    expect(progress).to_have_attribute("value", "2")

    # Second focus area, through the side navigation.
    nav_link(page, "Q_03").click()
    expect_question(page, review, "Q_03")
    expect(nav_link(page, "Q_03")).to_have_attribute("aria-current", "page")
    expect(page.locator("#review-nav [aria-current]")).to_have_count(1)
    with saving(page):
        practice(page, "Q_03 practice a").check()
    with saving(page):
        practice(page, "Q_03 practice c").check()
    expect(risk).to_have_text("Medium risk")
    expect(progress).to_have_attribute("value", "3")
    expect(page.get_by_text("3/4 answered")).to_be_visible()

    notes = "Catalogue reads hit the cache first."
    with saving(page):  # once typing pauses for the debounce
        page.get_by_label("Notes").press_sequentially(notes)
        expect(page.locator("#notes-counter")).to_have_text(f"{len(notes)} of 2000 characters")
    expect(status).to_contain_text("Saved")
    assert page.evaluate("window.__marker") == MARKER, "the page reloaded during the walk"

    page.reload()
    assert page.evaluate("typeof window.__marker") == "undefined"
    expect_question(page, review, "Q_03")
    expect(practice(page, "Q_03 practice a")).to_be_checked()
    expect(practice(page, "Q_03 practice b")).not_to_be_checked()
    expect(practice(page, "Q_03 practice c")).to_be_checked()
    expect(page.get_by_label("Notes")).to_have_value(notes)
    expect(page.locator("#notes-counter")).to_have_text(f"{len(notes)} of 2000 characters")
    for code, badge in (("Q_01", "OK"), ("Q_02", "Medium"), ("Q_03", "Medium"), ("Q_04", "–")):
        expect(nav_link(page, code)).to_contain_text(badge)

    page.go_back()
    expect_question(page, review, "Q_02")
    expect(practice(page, "Q_02 practice a")).to_be_checked()
    expect(practice(page, "Q_02 practice b")).not_to_be_checked()
    # The whole page came back, not only the question panel.
    expect(page.get_by_role("banner")).to_be_visible()
    expect(page.locator("#review-nav")).to_be_visible()
    page.get_by_role("link", name="← Previous question").click()
    expect_question(page, review, "Q_01")
    expect(practice(page, "Q_01 practice a")).to_be_checked()
    expect(practice(page, "Q_01 practice b")).to_be_checked()


def test_none_of_these_clears_the_practices_and_the_reverse(
    page: Page, live_server, cast: Cast, review: Review
) -> None:
    open_question(page, live_server, cast.contributor, review)
    with saving(page):
        practice(page, "Q_01 practice a").check()
    with saving(page):
        practice(page, "Q_01 practice b").check()
    expect(page.locator(".question-risk")).to_have_text("No risk")

    with saving(page):
        practice(page, "None of these").check()
    expect(practice(page, "Q_01 practice a")).not_to_be_checked()
    expect(practice(page, "Q_01 practice b")).not_to_be_checked()
    expect(page.locator(".question-risk")).to_have_text("High risk")
    answer = answer_of(review, "Q_01")
    assert (answer.selected, answer.risk) == (["q_01_no"], AnswerRisk.HIGH)

    with saving(page):
        practice(page, "Q_01 practice a").check()
    expect(practice(page, "None of these")).not_to_be_checked()
    expect(page.locator(".question-risk")).to_have_text("Medium risk")
    answer = answer_of(review, "Q_01")
    assert (answer.selected, answer.risk) == (["q_01_a"], AnswerRisk.MEDIUM)


def test_keyboard_only_user_can_answer_and_focus_stays_on_the_control(
    page: Page, live_server, cast: Cast, review: Review
) -> None:
    open_question(page, live_server, cast.contributor, review)
    first = practice(page, "Q_01 practice a")
    first.focus()
    with saving(page):
        page.keyboard.press("Space")
    expect(page.locator(".save-status")).to_contain_text("Saved")
    expect(first).to_be_checked()
    expect(first).to_be_focused()

    # On to the next practice past the ticked practice's "Add evidence" and its two folded disclosures, "About this
    # practice" and "Does not apply…", still by keyboard.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Add evidence for Q_01 practice a")).to_be_focused()
    for summary in ("About this practice: Q_01 practice a", "Does not apply… Q_01 practice a"):
        page.keyboard.press("Tab")
        expect(page.locator("#answer-form summary", has_text=summary)).to_be_focused()
    page.keyboard.press("Tab")
    second = practice(page, "Q_01 practice b")
    expect(second).to_be_focused()
    with saving(page):
        page.keyboard.press("Space")
    expect(page.locator(".question-risk")).to_have_text("No risk")
    expect(second).to_be_focused()
    assert page.evaluate("document.activeElement.id") == "choice-q_01_b"

    # Following "Next question" by keyboard puts focus on the new question's heading.
    page.get_by_role("link", name="Next question →").focus()
    page.keyboard.press("Enter")
    expect_question(page, review, "Q_02")
    expect(page.get_by_role("heading", level=1)).to_be_focused()


def test_a_viewer_cannot_change_an_answer(page: Page, live_server, cast: Cast, review: Review) -> None:
    open_question(page, live_server, cast.viewer, review)
    for title in ("Q_01 practice a", "Q_01 practice b", "None of these"):
        expect(practice(page, title)).to_be_disabled()
    expect(page.get_by_role("checkbox", name="This question does not apply")).to_be_disabled()
    expect(page.get_by_label("Notes")).not_to_be_editable()
    expect(page.get_by_role("button", name="Save answer")).to_have_count(0)
    expect(page.get_by_text("You can read this review")).to_be_visible()

    token = next(cookie["value"] for cookie in page.context.cookies() if cookie["name"] == settings.CSRF_COOKIE_NAME)
    response = page.request.post(
        question_path(review, "Q_01"),
        form={"version": "0", "selected": "q_01_a", "reason": "", "notes": "forced"},
        headers={"X-CSRFToken": token, "HX-Request": "true"},
    )
    assert response.status == 403
    assert "CSRF" not in response.text(), "refused by the CSRF check, not by the viewer's role"
    answer = answer_of(review, "Q_01")
    assert (answer.selected, answer.notes, answer.version, answer.risk) == ([], "", 0, AnswerRisk.UNANSWERED)
    page.reload()
    expect(page.locator(".question-risk")).to_have_text("Unanswered")
    expect(practice(page, "Q_01 practice a")).not_to_be_checked()


def test_the_page_works_without_javascript(no_js_page: Page, live_server, cast: Cast, review: Review) -> None:
    page = no_js_page
    sign_in_as(page.context, cast.contributor, live_server.url)
    page.goto(question_path(review, "Q_01"))
    expect_question(page, review, "Q_01")
    practice(page, "Q_01 practice a").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save answer").click()

    expect_question(page, review, "Q_01")
    expect(page.get_by_role("status").filter(has_text="Saved.")).to_be_visible()
    expect(practice(page, "Q_01 practice a")).to_be_checked()
    expect(page.locator(".question-risk")).to_have_text("Medium risk")
    expect(page.locator("#review-progress")).to_have_attribute("value", "1")
    assert answer_of(review, "Q_01").selected == ["q_01_a"]

    page.get_by_role("link", name="Next question →").click()
    expect_question(page, review, "Q_02")


def test_without_javascript_a_clashing_answer_is_refused_and_nothing_changes(
    no_js_page: Page, live_server, cast: Cast, review: Review
) -> None:
    page = no_js_page
    sign_in_as(page.context, cast.contributor, live_server.url)
    page.goto(question_path(review, "Q_01"))
    practice(page, "Q_01 practice a").check()
    practice(page, "None of these").check()  # nothing unticks the practice without the script
    with page.expect_response(lambda response: response.request.method == "POST") as info:
        page.get_by_role("button", name="Save answer").click()

    assert info.value.status == 400
    expect(page.get_by_role("alert")).to_contain_text("“None of these” cannot be chosen together with a best practice")
    answer = answer_of(review, "Q_01")
    assert (answer.selected, answer.version) == ([], 0)


def test_coming_back_from_another_page_shows_the_whole_question_page(
    page: Page, live_server, cast: Cast, review: Review
) -> None:
    # The question URL answers htmx with a fragment and browsers with the page; without `Vary: HX-Request`
    # Chromium's back navigation reuses the cached fragment and shows it bare.
    open_question(page, live_server, cast.contributor, review)
    page.get_by_role("link", name="Next question →").click()  # fetched by htmx, URL pushed
    expect_question(page, review, "Q_02")
    page.get_by_role("link", name=f"{cast.lens.name} v{cast.lens.version} review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{cast.lens.name} v{cast.lens.version} review")

    page.go_back()
    expect_question(page, review, "Q_02")
    expect(page.get_by_role("banner")).to_be_visible()
    expect(page.locator("#review-nav")).to_be_visible()
