"""A long answer history in a real browser: its pages load inside the question page's history with htmx, and
the same links work as plain links without JavaScript."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.conftest import Cast, answer_of, question_path, sign_in_as
from wareview.reviews.models import AnswerChange, Review

pytestmark = pytest.mark.browser


@pytest.fixture
def long_history(cast: Cast, review: Review) -> Review:
    """25 changes of Q_01; change n leaves the notes "note n", the newest is note 24."""
    answer = answer_of(review, "Q_01")
    start = timezone.now() - timedelta(days=1)
    AnswerChange.objects.bulk_create(
        AnswerChange(
            answer=answer,
            changed_by=cast.contributor,
            changed_at=start + timedelta(minutes=n),
            before={"selected": [], "notes": "", "risk": "UNANSWERED"},
            after={"selected": [f"q_01_{'ab'[n % 2]}"], "notes": f"note {n}", "risk": "MEDIUM"},
            version=n + 1,
        )
        for n in range(25)
    )
    return review


def test_older_changes_load_inside_the_question_page_history(page: Page, live_server, cast: Cast, long_history):
    sign_in_as(page.context, cast.viewer, live_server.url)
    page.goto(question_path(long_history, "Q_01"))
    history = page.locator("details.history")
    history.locator("summary").click()
    expect(history.locator(".history-list li")).to_have_count(20)
    expect(history).to_contain_text("Page 1 of 2")
    history.get_by_role("link", name="Older changes").click()
    expect(history).to_contain_text("Page 2 of 2")
    expect(history.locator(".history-list li")).to_have_count(5)
    # Still the question page, with one history list in its disclosure.
    expect(page).to_have_url(re.compile(re.escape(question_path(long_history, "Q_01")) + "$"))
    expect(page.locator(".history-list")).to_have_count(1)
    history.get_by_role("link", name="Newer changes").click()
    expect(history).to_contain_text("Page 1 of 2")


def test_without_javascript_the_history_pages_are_pages_of_their_own(no_js_page: Page, live_server, cast, long_history):
    page = no_js_page
    sign_in_as(page.context, cast.viewer, live_server.url)
    page.goto(question_path(long_history, "Q_01"))
    page.locator("details.history summary").click()
    page.get_by_role("link", name="Show the history").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("History of Q_01")
    expect(page.locator(".history-list li")).to_have_count(20)
    page.get_by_role("link", name="Older changes").click()
    expect(page).to_have_url(re.compile(r"/history/\?page=2$"))
    expect(page.locator(".history-list li")).to_have_count(5)
