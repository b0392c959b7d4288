"""Two people on one question, each in their own browser: changes to different fields merge without asking; the
same notes changed two ways show the conflict, and "Keep mine" resolves it with the badges refreshed; a tick
after the other closed the review says it was not saved."""

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import TIMEOUT_MS, Cast, answer_of, question_path, sign_in_as
from wareview.reviews.models import AnswerRisk, Review

pytestmark = pytest.mark.browser


@pytest.fixture
def second_page(browser: Browser, live_server) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def open_as(page: Page, live_server, user, review: Review) -> None:
    sign_in_as(page.context, user, live_server.url)
    page.goto(question_path(review, "Q_01"))
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Q_01 · "))


def save(page: Page, action) -> int:
    with page.expect_response(lambda response: response.request.method == "POST") as info:
        action()
    return info.value.status


def test_practices_ticked_by_two_people_at_once_are_both_kept_and_shown(
    page: Page, second_page: Page, live_server, cast: Cast, review: Review
) -> None:
    open_as(page, live_server, cast.owner, review)
    open_as(second_page, live_server, cast.contributor, review)

    assert save(page, lambda: page.get_by_role("checkbox", name="Q_01 practice a").check()) == 200
    assert save(second_page, lambda: second_page.get_by_role("checkbox", name="Q_01 practice b").check()) == 200

    expect(second_page.locator(".save-status")).to_contain_text("together with olive’s changes")
    # The contributor's form now shows the owner's practice too, and the badge counts both.
    expect(second_page.get_by_role("checkbox", name="Q_01 practice a")).to_be_checked()
    expect(second_page.locator(".question-risk")).to_have_text("No risk")
    answer = answer_of(review, "Q_01")
    assert (answer.selected, answer.risk) == (["q_01_a", "q_01_b"], AnswerRisk.NONE)

    # Another change from the contributor goes on from the merged version: no conflict, nothing undone.
    assert save(second_page, lambda: second_page.get_by_role("checkbox", name="Q_01 practice c").check()) == 200
    assert answer_of(review, "Q_01").selected == ["q_01_a", "q_01_b", "q_01_c"]


def test_the_same_notes_changed_two_ways_show_the_conflict_and_keep_mine_resolves_it(
    page: Page, second_page: Page, live_server, cast: Cast, review: Review
) -> None:
    open_as(page, live_server, cast.owner, review)
    open_as(second_page, live_server, cast.contributor, review)
    assert save(page, lambda: page.get_by_role("checkbox", name="Q_01 practice a").check()) == 200
    page.get_by_label("Notes").fill("The owner's note.")
    assert save(page, lambda: page.get_by_label("Notes").blur()) == 200

    assert save(second_page, lambda: second_page.get_by_role("checkbox", name="Q_01 practice b").check()) == 200
    expect(second_page.locator(".save-status")).to_contain_text("together with olive’s changes")
    expect(second_page.get_by_label("Notes")).to_have_value("The owner's note.")
    second_page.get_by_label("Notes").fill("The contributor's note.")
    assert save(second_page, lambda: second_page.get_by_label("Notes").blur()) == 200
    answer = answer_of(review, "Q_01")
    assert answer.notes == "The contributor's note."  # the contributor started from the owner's note: no clash

    page.get_by_label("Notes").fill("The owner's second thoughts.")
    assert save(page, lambda: page.get_by_label("Notes").blur()) == 409
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("connor saved this question")
    expect(alert).to_contain_text("changed the notes too")
    expect(alert).to_contain_text("Their answer: Q_01 practice a; Q_01 practice b. Notes: “The contributor's note.”")
    assert answer_of(review, "Q_01").notes == "The contributor's note."

    assert save(page, lambda: page.get_by_role("button", name="Keep mine").click()) == 200
    expect(page.locator(".save-status")).to_contain_text("Saved")
    answer = answer_of(review, "Q_01")
    assert (answer.selected, answer.notes) == (["q_01_a", "q_01_b"], "The owner's second thoughts.")
    expect(page.get_by_role("checkbox", name="Q_01 practice b")).to_be_checked()
    expect(page.locator(".question-risk")).to_have_text("No risk")
    expect(page.locator("#nav-risk-Q_01")).to_have_text("OK")


def test_a_tick_after_someone_closed_the_review_says_it_was_not_saved(
    page: Page, second_page: Page, live_server, cast: Cast, review: Review
) -> None:
    open_as(page, live_server, cast.contributor, review)
    sign_in_as(second_page.context, cast.owner, live_server.url)
    second_page.goto(f"/reviews/{review.pk}/")
    second_page.get_by_role("button", name="Close the review").click()
    expect(second_page.get_by_text("This review is closed")).to_be_visible()

    assert save(page, lambda: page.get_by_role("checkbox", name="Q_01 practice a").check()) == 403

    expect(page.get_by_role("status").filter(has_text="Not saved")).to_contain_text(
        "This review is closed, so it cannot change."
    )
    assert answer_of(review, "Q_01").selected == []
