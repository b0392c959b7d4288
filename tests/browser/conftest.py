"""Browser tests: Playwright (sync API) drives Debian's Chromium against pytest-django's live server.

The browser itself is the `browser` fixture of tests/conftest.py, one per test process, shared with the
browser tests of other directories.
"""

import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import parse_qsl

import pytest
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, Page, Response, expect

from tests.factories import UserFactory, build_lens
from wareview.lenses.models import Choice, Lens
from wareview.reviews import services as review_services
from wareview.reviews.models import Answer, Review
from wareview.teams.models import Membership, Role, Team
from wareview.workloads.models import Workload

PASSWORD = "a-long-test-password"
# Long enough for a save on a loaded runner (the suite runs three workers on two cores beside their servers and
# browsers), short enough that a missing swap fails in seconds: waits that succeed end as soon as they do.
TIMEOUT_MS = 10_000
# Every page is checked at a desktop's and at a phone's viewport (tests/browser/test_every_page.py).
WIDTHS = {"1280px": {"width": 1280, "height": 800}, "390px": {"width": 390, "height": 844}}


# Fast password hashing comes from tests/conftest.py (fast_password_hashing, autouse).


@dataclass
class Cast:
    """A team with an owner, a contributor and a viewer, an outsider, and a small published lens."""

    owner: AbstractBaseUser
    contributor: AbstractBaseUser
    viewer: AbstractBaseUser
    outsider: AbstractBaseUser
    team: Team
    lens: Lens


@pytest.fixture
def cast(transactional_db) -> Cast:
    owner, contributor, viewer, outsider = (UserFactory(username=name) for name in ("olive", "connor", "vera", "oscar"))
    team = Team.objects.create(name="Payments")
    for user, role in ((owner, Role.OWNER), (contributor, Role.CONTRIBUTOR), (viewer, Role.VIEWER)):
        Membership.objects.create(team=team, user=user, role=role)
    # Two focus areas of two questions: Q_01, Q_02 in the first, Q_03, Q_04 in the second.
    lens = build_lens(questions_per_area=2, areas=2)
    return Cast(owner=owner, contributor=contributor, viewer=viewer, outsider=outsider, team=team, lens=lens)


@pytest.fixture
def shipped_review(cast: Cast) -> Review:
    """A review of the shipped Performance Efficiency lens (version 1: twelve questions)."""
    call_command("loaddata", str(settings.BASE_DIR / "fixtures" / "performance_efficiency.json"), verbosity=0)
    lens = Lens.objects.get(slug="performance-efficiency")
    workload = Workload.objects.create(team=cast.team, name="Checkout", created_by=cast.owner)
    return review_services.review_start(workload=workload, lens=lens, user=cast.owner)


@pytest.fixture
def answered_review(cast: Cast) -> Review:
    """A review of the Performance Efficiency lens with a high, a medium, a no-risk and a not-applicable answer."""
    call_command("loaddata", str(settings.BASE_DIR / "fixtures" / "performance_efficiency.json"), verbosity=0)
    lens = Lens.objects.get(slug="performance-efficiency")
    workload = Workload.objects.create(team=cast.team, name="Checkout", created_by=cast.owner)
    review = review_services.review_start(workload=workload, lens=lens, user=cast.owner)
    practices = _practices(review, "PERF_02")
    for code, data in (
        ("PERF_01", review_services.AnswerState(selected=["perf01_requirements", "perf01_data_driven"])),
        ("PERF_02", review_services.AnswerState(selected=practices, notes="Sized from load-test profiles.")),
        ("PERF_03", review_services.AnswerState(selected=[_none_choice(review, "PERF_03")])),
        ("PERF_04", review_services.AnswerState(selected=[], not_applicable=True, reason="out_of_scope")),
    ):
        review_services.answer_save(answer=answer_of(review, code), user=cast.owner, data=data, expected_version=0)
    return review


def _practices(review: Review, code: str) -> list[str]:
    choices = Choice.objects.filter(question__pillar__lens=review.lens, question__code=code, is_none=False)
    return list(choices.values_list("code", flat=True))


def _none_choice(review: Review, code: str) -> str:
    return Choice.objects.get(question__pillar__lens=review.lens, question__code=code, is_none=True).code


@pytest.fixture
def review(cast: Cast) -> Review:
    workload = Workload.objects.create(team=cast.team, name="Checkout", created_by=cast.owner)
    return review_services.review_start(workload=workload, lens=cast.lens, user=cast.owner)


@pytest.fixture
def context(browser: Browser, live_server) -> Iterator[BrowserContext]:
    yield from _context(browser, live_server.url)


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    page = context.new_page()
    errors: list[str] = []
    refusals: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # The browser reports what the Content-Security-Policy blocked (an inline style or script) on the console.
    page.on(
        "console",
        lambda message: refusals.append(message.text) if "Content Security Policy" in message.text else None,
    )
    yield page
    assert not errors, f"JavaScript errors on the page: {errors}"
    assert not refusals, f"The Content-Security-Policy refused parts of the page: {refusals}"


@pytest.fixture
def no_js_page(browser: Browser, live_server) -> Iterator[Page]:
    for context in _context(browser, live_server.url, java_script_enabled=False):
        yield context.new_page()


def _context(browser: Browser, base_url: str, **options) -> Iterator[BrowserContext]:
    context = browser.new_context(base_url=base_url, **options)
    context.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    try:
        yield context
    finally:
        context.close()


def sign_in_as(context: BrowserContext, user: AbstractBaseUser, base_url: str) -> None:
    """Give the browser a session for `user` without going through the login form."""
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base_url}])


def question_path(review: Review, code: str) -> str:
    return f"/reviews/{review.pk}/questions/{code}/"


def answer_of(review: Review, code: str) -> Answer:
    return Answer.objects.get(review=review, question__code=code)


# The answer form's values as a save sends them, leaving out what changes with every save.
FORM_VALUES_SCRIPT = """() => {
  const form = document.getElementById("answer-form");
  if (!form) return null;
  return [...new FormData(form)].filter(([name]) => name !== "csrfmiddlewaretoken" && name !== "version");
}"""


def _answers_the_block(response: Response, values: list[list[str]] | None) -> bool:
    """Whether the save this response answers is the one the block caused: a save of the answer form carrying
    exactly what the block left in it, or a save from another form (the conflict's "Keep mine").

    htmx names the element that sent a request in its `HX-Trigger` header, so an earlier save of the answer form
    that lacked a field the block added (an unticked box sends nothing) is never taken for another form's."""
    if values is None:
        return True
    if response.request.headers.get("hx-trigger") != "answer-form":
        return True
    sent = Counter(
        (name, value)
        for name, value in parse_qsl(response.request.post_data or "", keep_blank_values=True)
        if name not in ("csrfmiddlewaretoken", "version")
    )
    return sent == Counter(tuple(pair) for pair in values)


@contextmanager
def saving(page: Page) -> Iterator[None]:
    """Wait until the server has answered the save carrying what the block left in the answer form, and check
    every save answered on the way was taken.

    Waiting for the first answer is not enough: a change made while an earlier save is on its way is queued and
    sent after it, so the first answer can be the earlier save's."""
    answered: list[Response] = []

    def collect(response: Response) -> None:
        if response.request.method == "POST":
            answered.append(response)

    page.on("response", collect)
    try:
        yield
        values = page.evaluate(FORM_VALUES_SCRIPT)
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        while not any(_answers_the_block(response, values) for response in answered):
            assert time.monotonic() < deadline, f"No save carrying {values} was answered; answered: {answered}"
            page.wait_for_timeout(20)
    finally:
        page.remove_listener("response", collect)
    for response in answered:
        assert response.status == 200, f"The save answered {response.status}: {response.text()[:500]}"


def describe_violations(violations: list[dict]) -> str:
    """axe-core's violations in words: the rule, its impact, and the first few elements that break it."""
    lines = [f"{len(violations)} accessibility violations:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:200]}")
            lines.append(f"      {node.get('failureSummary', '').replace(chr(10), ' ')[:300]}")
    return "\n".join(lines)
