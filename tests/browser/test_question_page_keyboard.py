"""The question page by ear: the clash of "None of these" with a practice said in words."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Cast, answer_of, question_path, saving, sign_in_as
from wareview.reviews.models import Review

pytestmark = pytest.mark.browser


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
