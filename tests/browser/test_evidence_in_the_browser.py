"""Evidence on the question page in a real browser: "Add evidence" shows beside a practice once it is ticked, and
leads to the practice's evidence page, where a link is added without JavaScript."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Cast, question_path, saving, sign_in_as
from wareview.evidence.models import Evidence
from wareview.reviews.models import Review

pytestmark = pytest.mark.browser


def test_ticking_a_practice_shows_add_evidence_which_adds_a_link(page: Page, live_server, cast: Cast, review: Review):
    sign_in_as(page.context, cast.contributor, live_server.url)
    page.goto(question_path(review, "Q_01"))
    add = page.get_by_role("link", name="Add evidence for Q_01 practice a")
    expect(add).to_be_hidden()

    with saving(page):
        page.get_by_role("checkbox", name="Q_01 practice a", exact=True).check()
    expect(add).to_be_visible()
    expect(page.locator(".practice-evidence").filter(has=add)).to_contain_text("Not verified")

    add.click()
    page.get_by_label("Link").fill("https://runbooks.example.com/load")
    page.get_by_label("Title").fill("Load-test runbook")
    page.get_by_role("button", name="Add evidence").click()
    expect(page.get_by_role("link", name="Load-test runbook (opens in a new tab)")).to_be_visible()
    assert Evidence.objects.get().added_by == cast.contributor
