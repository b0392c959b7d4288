"""The workload profile by keyboard alone: each question a group named by its title, answered with the arrow keys,
saved with Enter; the practices it rules out are marked on the review, where a person may override a mark."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Cast, answer_of, question_path, saving, sign_in_as
from tests.factories import build_profiled_lens
from wareview.profiles.services import profile_save
from wareview.reviews import services as review_services
from wareview.workloads.models import Workload

pytestmark = pytest.mark.browser


def focused(page: Page) -> str:
    return page.evaluate("`${document.activeElement.name}=${document.activeElement.value}`")


def test_the_profile_is_answered_and_saved_with_the_keyboard_only(page: Page, live_server, cast: Cast) -> None:
    lens = build_profiled_lens()
    workload = Workload.objects.create(team=cast.team, name="Storefront", created_by=cast.owner)
    review = review_services.review_start(workload=workload, lens=lens, user=cast.owner)
    sign_in_as(page.context, cast.contributor, live_server.url)
    page.goto(f"/workloads/{workload.pk}/profiles/{lens.slug}/")
    cache = page.get_by_role("group", name="Does the workload keep a cache?")
    expect(cache.get_by_role("radio", name="Not answered yet")).to_be_checked()

    presses = 0
    while focused(page) != "keeps_cache=" and presses < 30:  # the group's checked radio is its one Tab stop
        page.keyboard.press("Tab")
        presses += 1
    page.keyboard.press("ArrowUp")  # Not answered yet → No
    page.keyboard.press("Tab")
    assert focused(page) == "users="
    page.keyboard.press("ArrowUp")  # → In several
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Save the profile")).to_be_focused()
    expect(cache.get_by_role("radio", name="No", exact=True)).to_be_checked()
    expect(
        page.get_by_role("group", name="Where are its users?").get_by_role("radio", name="In several")
    ).to_be_checked()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(page.locator(".messages")).to_contain_text("2 practices no longer apply to this workload")
    expect(cache.get_by_role("radio", name="No", exact=True)).to_be_checked()
    assert answer_of(review, "Q_01").practices_not_applicable["q_01_b"]["reason"] == "profile"
    assert "q_03_c" not in answer_of(review, "Q_03").practices_not_applicable


def test_a_profile_mark_reads_as_one_line_and_a_person_overrides_it_on_the_question_page(
    page: Page, live_server, cast: Cast
) -> None:
    lens = build_profiled_lens()
    workload = Workload.objects.create(team=cast.team, name="Storefront", created_by=cast.owner)
    review = review_services.review_start(workload=workload, lens=lens, user=cast.owner)
    profile_save(workload=workload, lens=lens, answers={"keeps_cache": False}, user=cast.owner)
    sign_in_as(page.context, cast.contributor, live_server.url)
    page.goto(question_path(review, "Q_01"))

    expect(page.locator("#practice-profile-q_01_b")).to_have_text(
        "Not in this workload's profile: Does the workload keep a cache? — No"
    )
    mark = page.locator("#practice-na-q_01_b")
    expect(mark).to_be_hidden()  # folded: the line says it all until someone disagrees
    page.locator("summary", has_text="Does not apply… Q_01 practice b").click()
    expect(mark).to_be_checked()
    with saving(page):
        mark.uncheck()

    answer = answer_of(review, "Q_01")
    assert answer.practices_not_applicable == {} and answer.profile_overrides == ["q_01_b"]
    page.reload()
    expect(page.locator("#practice-profile-q_01_b")).to_have_count(0)
