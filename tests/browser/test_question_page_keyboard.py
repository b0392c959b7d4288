"""The question page by keyboard and by ear: how many Tab presses the first practice is from the top, the way on
to the next question past the practices, and the clash of "None of these" with a practice said in words."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Cast, answer_of, question_path, saving, sign_in_as
from wareview.reviews.models import Review

pytestmark = pytest.mark.browser


def focused_id(page: Page) -> str:
    return page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()")


def test_the_first_practice_is_at_most_four_tab_presses_from_the_top(
    page: Page, live_server, cast: Cast, review: Review
) -> None:
    sign_in_as(page.context, cast.contributor, live_server.url)
    page.goto(question_path(review, "Q_01"))
    tabs = 0
    while focused_id(page) != "Skip to the best practices" and tabs < 10:
        page.keyboard.press("Tab")
        tabs += 1
    page.keyboard.press("Enter")  # the skip link: no Tab
    while focused_id(page) != "choice-q_01_a" and tabs < 10:
        page.keyboard.press("Tab")
        tabs += 1
    expect(page.get_by_role("checkbox", name="Q_01 practice a", exact=True)).to_be_focused()
    assert tabs <= 4, f"the first practice took {tabs} Tab presses"


def test_the_next_question_is_the_next_tab_stop_after_the_practices_and_saves_first(
    page: Page, live_server, cast: Cast, review: Review
) -> None:
    sign_in_as(page.context, cast.contributor, live_server.url)
    page.goto(question_path(review, "Q_01"))
    none_of_these = page.get_by_role("checkbox", name="None of these", exact=True)
    none_of_these.focus()
    page.keyboard.press("Space")  # a change not saved yet when the user moves on
    page.keyboard.press("Tab")
    following = page.get_by_role("link", name="Go to the next question")
    expect(following).to_be_focused()
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(re.escape(question_path(review, "Q_02")) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Q_02 · "))
    assert answer_of(review, "Q_01").selected == ["q_01_no"]


def test_ticking_a_practice_while_none_of_these_is_ticked_says_that_none_of_these_was_unticked(
    page: Page, live_server, cast: Cast, review: Review
) -> None:
    sign_in_as(page.context, cast.contributor, live_server.url)
    page.goto(question_path(review, "Q_01"))
    said = page.locator("#practices-clash")
    expect(said).to_have_attribute("aria-live", "polite")
    with saving(page):
        page.get_by_role("checkbox", name="None of these", exact=True).check()
    expect(said).to_be_empty()  # nothing was unticked

    with saving(page):
        page.get_by_role("checkbox", name="Q_01 practice a", exact=True).check()
    expect(page.get_by_role("checkbox", name="None of these", exact=True)).not_to_be_checked()
    expect(said).to_have_text("A practice is ticked, so “None of these” was unticked.")

    with saving(page):
        page.get_by_role("checkbox", name="None of these", exact=True).check()
    expect(said).to_have_text("“None of these” is ticked, so the practices ticked before it were unticked.")
    assert answer_of(review, "Q_01").selected == ["q_01_no"]
