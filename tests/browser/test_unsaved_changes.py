"""No change is lost when the page goes away before "Saved": ticks and notes survive a reload at once, a closed
tab and a slow network. The browser keeps what the server has not confirmed and sends it again, with the version
it was made from, when the question opens again; meanwhile leaving by a reload asks first."""

import re
import time

import pytest
from playwright.sync_api import Dialog, Error, Page, Route, expect

from tests.browser.conftest import Cast, question_path, sign_in_as
from tests.browser.test_hurried_walk import SLOW_SAVE_MS, wait_for
from wareview.lenses.models import Choice
from wareview.reviews.models import Answer, Review

pytestmark = pytest.mark.browser


def delay_saves(page: Page) -> None:
    """Hold every answer POST for SLOW_SAVE_MS before it goes on, like a slow network; a page closed or reloaded
    meanwhile drops it, as a browser does."""

    def handle(route: Route) -> None:
        try:
            if route.request.method == "POST":
                page.wait_for_timeout(SLOW_SAVE_MS)
            route.continue_()
        except Error:
            pass  # the page went away while the save waited

    page.route(re.compile(r"/reviews/\d+/questions/[^/]+/$"), handle)


def practices(review: Review, code: str, count: int) -> list[Choice]:
    choices = Choice.objects.filter(question__pillar__lens=review.lens, question__code=code, is_none=False)
    return list(choices.order_by("order")[:count])


def stored(review: Review, code: str) -> Answer:
    return Answer.objects.get(review=review, question__code=code)


def leave_anyway(page: Page) -> list[str]:
    """Accept the browser's "Leave site?" question, noting each time it was asked."""
    asked: list[str] = []

    def accept(dialog: Dialog) -> None:
        asked.append(dialog.type)
        dialog.accept()

    page.on("dialog", accept)
    return asked


@pytest.fixture
def opened(page: Page, live_server, cast: Cast, shipped_review: Review) -> Page:
    sign_in_as(page.context, cast.contributor, live_server.url)
    page.goto(question_path(shipped_review, "PERF_02"))
    return page


def tick_then_reload(page: Page, review: Review) -> list[str]:
    chosen = practices(review, "PERF_02", 5)
    for choice in chosen:
        page.get_by_role("checkbox", name=choice.title, exact=True).check()
    page.reload()  # at once: no wait for "Saved"
    return [choice.code for choice in chosen]


@pytest.mark.parametrize("slow", [False, True], ids=["fast network", "saves delayed 600 ms"])
def test_five_ticks_then_a_reload_at_once_are_all_kept(opened: Page, shipped_review: Review, slow: bool) -> None:
    if slow:
        delay_saves(opened)
    leave_anyway(opened)
    codes = tick_then_reload(opened, shipped_review)
    wait_for(lambda: sorted(stored(shipped_review, "PERF_02").selected) == sorted(codes))
    assert sorted(stored(shipped_review, "PERF_02").selected) == sorted(codes)
    expect(opened.locator(".save-status")).not_to_contain_text("Saving")
    opened.reload()  # what the question shows from now on
    for code in codes:
        expect(opened.locator(f"#choice-{code}")).to_be_checked()


@pytest.mark.parametrize("slow", [False, True], ids=["fast network", "saves delayed 600 ms"])
def test_notes_typed_then_a_reload_within_300_ms_are_kept(opened: Page, shipped_review: Review, slow: bool) -> None:
    if slow:
        delay_saves(opened)
    leave_anyway(opened)
    note = "Sized from the March load test; p99 under 200 ms."
    opened.get_by_label("Notes").fill(note)  # the notes save waits for a pause in typing
    time.sleep(0.1)
    opened.reload()
    expect(opened.get_by_label("Notes")).to_have_value(note)
    wait_for(lambda: stored(shipped_review, "PERF_02").notes == note)
    assert stored(shipped_review, "PERF_02").notes == note


@pytest.mark.parametrize("slow", [False, True], ids=["fast network", "saves delayed 600 ms"])
def test_a_tick_then_a_closed_tab_is_kept_when_the_question_opens_again(
    opened: Page,
    shipped_review: Review,
    slow: bool,
) -> None:
    if slow:
        delay_saves(opened)
    choice = practices(shipped_review, "PERF_02", 1)[0]
    opened.get_by_role("checkbox", name=choice.title, exact=True).check()
    context = opened.context
    opened.unroute_all(behavior="ignoreErrors")
    opened.close()  # the tab is closed at once: no unload question, no wait for the save
    again = context.new_page()
    again.goto(question_path(shipped_review, "PERF_02"))
    expect(again.locator(f"#choice-{choice.code}")).to_be_checked()
    wait_for(lambda: stored(shipped_review, "PERF_02").selected == [choice.code])
    assert stored(shipped_review, "PERF_02").selected == [choice.code]


def test_leaving_by_a_reload_while_a_save_is_pending_asks_first(opened: Page, shipped_review: Review) -> None:
    delay_saves(opened)
    asked = leave_anyway(opened)
    tick_then_reload(opened, shipped_review)
    assert asked == ["beforeunload"]


def test_nothing_is_kept_once_saved(opened: Page, shipped_review: Review) -> None:
    choice = practices(shipped_review, "PERF_02", 1)[0]
    opened.get_by_role("checkbox", name=choice.title, exact=True).check()
    expect(opened.locator(".save-status")).to_contain_text("Saved")
    kept = opened.evaluate("Object.keys(localStorage).filter(key => key.startsWith('wareview:unsaved:'))")
    assert kept == []
