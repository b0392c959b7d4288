"""A hurried user on the shipped lens: on every question, tick practices, type a note and click "Next question →"
at once, without waiting for "Saved". Every answer must reach the database exactly, on a fast network and on a
slow one, and the back button must show what was saved."""

import re
import time
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, Route, expect

from tests.browser.conftest import Cast, question_path, sign_in_as
from wareview.lenses.models import Choice
from wareview.reviews.models import Answer, AnswerRisk, Review

pytestmark = pytest.mark.browser

SLOW_SAVE_MS = 600


def planned_answers(review: Review) -> dict[str, tuple[list[str], str]]:
    """For every question of the review, in walk order: the first two best practices and a note of its own."""
    plan: dict[str, tuple[list[str], str]] = {}
    for answer in Answer.objects.filter(review=review).select_related("question").order_by("question__order"):
        choices = Choice.objects.filter(question=answer.question, is_none=False).order_by("order")
        titles = list(choices.values_list("title", flat=True)[:2])
        plan[answer.question.code] = (titles, f"Hurried note on {answer.question.code}: reads hit the cache first.")
    return plan


def saved_answers(review: Review) -> dict[str, tuple[list[str], str]]:
    titles = dict(Choice.objects.filter(question__pillar__lens=review.lens).values_list("code", "title"))
    return {
        answer.question.code: ([titles[code] for code in answer.selected], answer.notes)
        for answer in Answer.objects.filter(review=review).select_related("question")
    }


def wait_for(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Poll the database until `condition` holds: a save sent on the way out lands after the next page shows."""
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.1)


def open_first_question(page: Page, live_server, cast: Cast, review: Review) -> None:
    sign_in_as(page.context, cast.contributor, live_server.url)
    page.goto(question_path(review, "PERF_01"))


def hurried_walk(page: Page, review: Review, plan: dict[str, tuple[list[str], str]]) -> None:
    codes = list(plan)
    for index, code in enumerate(codes):
        expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(rf"^{code} · "))
        titles, note = plan[code]
        for title in titles:
            page.get_by_role("checkbox", name=title, exact=True).check()
        page.get_by_label("Notes").fill(note)
        if index + 1 < len(codes):
            page.get_by_role("link", name="Next question →").click()  # at once: no wait for "Saved"
        else:
            page.get_by_role("link", name="Review overview →").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"review$"))


def delay_saves(page: Page) -> list[str]:
    """Hold every answer POST for SLOW_SAVE_MS before it goes on to the server, like a slow network."""
    delayed: list[str] = []

    def handle(route: Route) -> None:
        if route.request.method == "POST":
            delayed.append(route.request.url)
            page.wait_for_timeout(SLOW_SAVE_MS)
        route.continue_()

    page.route(re.compile(r"/reviews/\d+/questions/[^/]+/$"), handle)
    return delayed


def test_a_hurried_walk_through_every_question_keeps_every_answer(
    page: Page, live_server, cast: Cast, shipped_review: Review
) -> None:
    plan = planned_answers(shipped_review)
    assert len(plan) == 12
    open_first_question(page, live_server, cast, shipped_review)
    hurried_walk(page, shipped_review, plan)

    wait_for(lambda: saved_answers(shipped_review) == plan)
    assert saved_answers(shipped_review) == plan
    assert not Answer.objects.filter(review=shipped_review, risk=AnswerRisk.UNANSWERED).exists()
    expect(page.get_by_text("100% complete (12 of 12 questions)")).to_be_visible()


def test_a_hurried_walk_on_a_slow_network_keeps_every_answer(
    page: Page, live_server, cast: Cast, shipped_review: Review
) -> None:
    plan = planned_answers(shipped_review)
    delayed = delay_saves(page)
    open_first_question(page, live_server, cast, shipped_review)
    hurried_walk(page, shipped_review, plan)

    wait_for(lambda: saved_answers(shipped_review) == plan)
    assert saved_answers(shipped_review) == plan
    assert len(delayed) >= 12, "the saves were not slowed down"


def test_the_back_button_after_a_hurried_walk_shows_what_was_saved(
    page: Page, live_server, cast: Cast, shipped_review: Review
) -> None:
    plan = planned_answers(shipped_review)
    delay_saves(page)
    open_first_question(page, live_server, cast, shipped_review)
    hurried_walk(page, shipped_review, plan)
    wait_for(lambda: saved_answers(shipped_review) == plan)

    for code in reversed(list(plan)):
        page.go_back()
        expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(rf"^{code} · "))
        titles, note = plan[code]
        for title in titles:
            expect(page.get_by_role("checkbox", name=title, exact=True)).to_be_checked()
        expect(page.get_by_label("Notes")).to_have_value(note)
        expect(page.locator(f"#nav-risk-{code}")).not_to_have_text("–")


def test_going_back_right_after_a_change_sends_it_before_the_page_comes_back(
    page: Page, live_server, cast: Cast, shipped_review: Review
) -> None:
    plan = planned_answers(shipped_review)
    delay_saves(page)
    open_first_question(page, live_server, cast, shipped_review)
    page.get_by_role("link", name="Next question →").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^PERF_02 · "))
    titles, note = plan["PERF_02"]
    page.get_by_role("checkbox", name=titles[0], exact=True).check()
    page.get_by_label("Notes").fill(note)
    page.go_back()  # before the slow save answers, and before the pause in typing sends the note

    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^PERF_01 · "))
    wait_for(lambda: saved_answers(shipped_review)["PERF_02"] == ([titles[0]], note))
    assert saved_answers(shipped_review)["PERF_02"] == ([titles[0]], note)
    page.go_forward()
    expect(page.get_by_role("checkbox", name=titles[0], exact=True)).to_be_checked()
    expect(page.get_by_label("Notes")).to_have_value(note)


def test_moving_on_during_a_slow_save_says_it_is_saving_first(
    page: Page, live_server, cast: Cast, shipped_review: Review
) -> None:
    delay_saves(page)
    open_first_question(page, live_server, cast, shipped_review)
    titles, _ = planned_answers(shipped_review)["PERF_01"]
    page.get_by_role("checkbox", name=titles[0], exact=True).check()
    page.get_by_role("link", name="Next question →").click()
    expect(page.locator(".save-status")).to_have_text("Saving your changes before moving on…")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^PERF_02 · "))
    assert saved_answers(shipped_review)["PERF_01"] == ([titles[0]], "")
