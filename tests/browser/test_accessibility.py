"""axe-core on the pages of the review walk, with the Performance Efficiency lens and answers of every risk."""

from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from playwright.sync_api import Page, expect

from tests.browser.conftest import Cast, answer_of, question_path, sign_in_as
from wareview.lenses.models import Choice, Lens
from wareview.plans.models import ImprovementItem
from wareview.reviews import services
from wareview.reviews.models import Review
from wareview.workloads.models import Workload

pytestmark = pytest.mark.browser

BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture
def answered_review(cast: Cast) -> Review:
    """A review of the Performance Efficiency lens with a high, a medium, a no-risk and a not-applicable answer."""
    call_command("loaddata", str(settings.BASE_DIR / "fixtures" / "performance_efficiency.json"), verbosity=0)
    lens = Lens.objects.get(slug="performance-efficiency")
    workload = Workload.objects.create(team=cast.team, name="Checkout", created_by=cast.owner)
    review = services.review_start(workload=workload, lens=lens, user=cast.owner)
    practices = _practices(review, "PERF_02")
    for code, data in (
        ("PERF_01", services.AnswerState(selected=["perf01_requirements", "perf01_data_driven"])),
        ("PERF_02", services.AnswerState(selected=practices, notes="Sized from load-test profiles.")),
        ("PERF_03", services.AnswerState(selected=[_none_choice(review, "PERF_03")])),
        ("PERF_04", services.AnswerState(selected=[], not_applicable=True, reason="out_of_scope")),
    ):
        services.answer_save(answer=answer_of(review, code), user=cast.owner, data=data, expected_version=0)
    return review


def _practices(review: Review, code: str) -> list[str]:
    choices = Choice.objects.filter(question__pillar__lens=review.lens, question__code=code, is_none=False)
    return list(choices.values_list("code", flat=True))


def _none_choice(review: Review, code: str) -> str:
    return Choice.objects.get(question__pillar__lens=review.lens, question__code=code, is_none=True).code


def open_question(page: Page, review: Review) -> None:
    page.goto(question_path(review, "PERF_01"))
    # Check the page as it looks after an autosave, with every disclosure open (the history loads on opening).
    with page.expect_response(lambda response: response.request.method == "POST"):
        page.get_by_label("Notes").fill("Targets agreed with the business.")
        page.get_by_label("Notes").blur()
    expect(page.locator(".save-status")).to_contain_text("Saved")
    page.evaluate("document.querySelectorAll('details').forEach(details => { details.open = true; })")
    expect(page.locator(".history-body")).not_to_contain_text("Show the history")


def open_overview(page: Page, review: Review) -> None:
    page.goto(f"/reviews/{review.pk}/")
    expect(page.get_by_role("heading", name="Questions that need attention")).to_be_visible()


def open_dashboard(page: Page, review: Review) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", name="Your workloads")).to_be_visible()


def open_plan(page: Page, review: Review) -> None:
    page.goto(f"/reviews/{review.pk}/plan/")
    expect(page.get_by_role("heading", name="Improvement plan")).to_be_visible()


def open_my_items(page: Page, review: Review) -> None:
    open_plan(page, review)  # the plan starts when first read; the contributor then owns its items
    ImprovementItem.objects.filter(review=review).update(owner=User.objects.get(username="connor"))
    page.goto("/my-items/")
    expect(page.get_by_role("heading", name="My items")).to_be_visible()
    expect(page.locator("tr.plan-row").first).to_be_visible()


def open_evidence(page: Page, review: Review) -> None:
    page.goto(f"/reviews/{review.pk}/questions/PERF_01/practices/perf01_requirements/evidence/")
    page.get_by_label("Link").fill("https://runbooks.example.com/targets")
    page.get_by_label("Title").fill("Performance targets")
    page.get_by_role("button", name="Add evidence").click()
    expect(page.get_by_role("button", name="Remove Performance targets")).to_be_visible()
    page.reload()  # the page as it stays, without the one-off "Evidence added" message
    expect(page.get_by_role("button", name="Remove Performance targets")).to_be_visible()


@pytest.mark.parametrize(
    "open_page",
    [open_question, open_overview, open_dashboard, open_plan, open_my_items, open_evidence],
    ids=["question", "overview", "dashboard", "plan", "my-items", "evidence"],
)
def test_accessibility(
    page: Page, live_server, cast: Cast, answered_review: Review, open_page: Callable[[Page, Review], None]
) -> None:
    sign_in_as(page.context, cast.contributor, live_server.url)
    open_page(page, answered_review)

    violations = Axe().run(page).response["violations"]

    blocking = [violation for violation in violations if violation["impact"] in BLOCKING_IMPACTS]
    assert not blocking, _describe(blocking)


def _describe(violations: list[dict]) -> str:
    lines = [f"{len(violations)} serious or critical accessibility violations:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:200]}")
            lines.append(f"      {node.get('failureSummary', '').replace(chr(10), ' ')[:300]}")
    return "\n".join(lines)


def test_the_save_status_is_announced_from_a_live_region_that_stays_in_place(
    page: Page, live_server, cast: Cast, answered_review: Review
) -> None:
    # Screen readers announce changes inside a live region they already know; a region swapped in whole,
    # already holding its text, is often read out by none of them.
    sign_in_as(page.context, cast.contributor, live_server.url)
    page.goto(question_path(answered_review, "PERF_05"))
    page.evaluate("window.__status = document.querySelector('.save-status')")
    with page.expect_response(lambda response: response.request.method == "POST"):
        page.get_by_role("checkbox").first.check()

    expect(page.get_by_role("status")).to_contain_text("Saved")
    assert page.evaluate("document.querySelector('.save-status') === window.__status"), "the live region was replaced"
