"""A best practice marked "does not apply" in a real browser: the autosave takes it and the risk badge follows,
with JavaScript and without."""

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import Cast, answer_of, question_path, saving, sign_in_as
from wareview.reviews.models import AnswerRisk, Review

pytestmark = pytest.mark.browser


def practice_group(page: Page, title: str) -> Locator:
    """The "Does it apply?" group of one best practice, found by its legend as a screen reader names it (only
    while its "Does not apply…" disclosure is open)."""
    return page.get_by_role("group", name=re.compile(rf"Does it apply\? {re.escape(title)}$"))


def mark_disclosure(page: Page, title: str) -> Locator:
    """The "Does not apply…" summary of one best practice: what a user clicks to see its mark, reason and note."""
    return page.locator("summary", has_text=re.compile(rf"^Does not apply… {re.escape(title)}$"))


def open_mark(page: Page, title: str) -> Locator:
    mark_disclosure(page, title).click()
    return practice_group(page, title)


def test_marking_a_practice_as_not_applying_autosaves_and_lowers_the_risk(
    page: Page, live_server, cast: Cast, review: Review
) -> None:
    sign_in_as(page.context, cast.contributor, live_server.url)
    page.goto(question_path(review, "Q_01"))
    assert page.evaluate("typeof htmx") == "object", "htmx did not load"
    risk = page.locator(".question-risk")
    with saving(page):
        page.get_by_role("checkbox", name="Q_01 practice a", exact=True).check()
    expect(risk).to_have_text("Medium risk")

    group = open_mark(page, "Q_01 practice b")
    with saving(page):
        group.get_by_label("Reason").select_option(label="Architecture constraints")
    with saving(page):
        group.get_by_role("checkbox", name="Does not apply").check()
    expect(risk).to_have_text("No risk")
    expect(page.locator(".save-status")).to_contain_text("Saved at")
    answer = answer_of(review, "Q_01")
    assert answer.practices_not_applicable == {"q_01_b": {"reason": "architecture_constraints", "note": ""}}
    assert answer.risk == AnswerRisk.NONE

    # Ticking the practice takes the mark off (a practice is followed or does not apply, never both).
    with saving(page):
        page.get_by_role("checkbox", name="Q_01 practice b", exact=True).check()
    expect(group.get_by_role("checkbox", name="Does not apply")).not_to_be_checked()
    expect(risk).to_have_text("No risk")
    assert answer_of(review, "Q_01").practices_not_applicable == {}


def test_without_javascript_a_practice_is_marked_as_not_applying_with_a_reason_and_a_note(
    no_js_page: Page, live_server, cast: Cast, review: Review
) -> None:
    page = no_js_page
    sign_in_as(page.context, cast.contributor, live_server.url)
    page.goto(question_path(review, "Q_01"))
    page.get_by_role("checkbox", name="Q_01 practice a", exact=True).check()
    group = open_mark(page, "Q_01 practice b")
    group.get_by_role("checkbox", name="Does not apply").check()
    group.get_by_label("Reason").select_option(label="Business priorities")
    group.get_by_label("Note (optional)").fill("Single-region by contract.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save answer").click()

    expect(page.get_by_role("status").filter(has_text="Saved.")).to_be_visible()
    expect(page.locator(".question-risk")).to_have_text("No risk")
    group = practice_group(page, "Q_01 practice b")
    expect(group.get_by_role("checkbox", name="Does not apply")).to_be_checked()
    expect(group.get_by_label("Note (optional)")).to_have_value("Single-region by contract.")
    answer = answer_of(review, "Q_01")
    assert answer.practices_not_applicable == {
        "q_01_b": {"reason": "business_priorities", "note": "Single-region by contract."}
    }


def test_a_fresh_page_shows_no_mark_fields_until_a_practice_is_marked_and_keeps_them_when_folded(
    page: Page, live_server, cast: Cast, review: Review
) -> None:
    sign_in_as(page.context, cast.contributor, live_server.url)
    page.goto(question_path(review, "Q_01"))
    form = page.locator("#answer-form")
    practices = page.locator("#practices-Q_01")
    expect(practices.locator("select:visible, input[type=text]:visible")).to_have_count(0)
    expect(practices.get_by_role("checkbox", name="Does not apply")).to_have_count(0)
    expect(form.locator("#id_reason")).to_be_visible()  # the question’s own applicability stays

    group = open_mark(page, "Q_01 practice b")
    group.get_by_label("Reason").select_option(label="Business priorities")
    group.get_by_label("Note (optional)").fill("Single-region by contract.")
    with saving(page):
        group.get_by_role("checkbox", name="Does not apply").check()
    mark_disclosure(page, "Q_01 practice b").click()  # folded again: the fields are hidden, not dropped
    expect(practices.locator("select:visible")).to_have_count(0)
    with saving(page):
        page.get_by_role("checkbox", name="Q_01 practice a", exact=True).check()
    assert answer_of(review, "Q_01").practices_not_applicable == {
        "q_01_b": {"reason": "business_priorities", "note": "Single-region by contract."}
    }

    page.reload()  # a marked practice opens with its mark shown
    group = practice_group(page, "Q_01 practice b")
    expect(group.get_by_label("Note (optional)")).to_have_value("Single-region by contract.")
    expect(practices.locator("select:visible")).to_have_count(1)
