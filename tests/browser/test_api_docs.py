"""The API's docs page draws its operations in Chromium under the site's Content-Security-Policy: its scripts and
styles come from the site itself, and the browser refuses nothing (the `page` fixture fails on any refusal)."""

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_docs_page_shows_the_endpoints_without_a_csp_refusal(page: Page, live_server):
    page.goto("/api/v1/docs")
    expect(page.get_by_text("wareview API").first).to_be_visible()
    expect(page.get_by_text("/api/v1/reviews/{review_id}/answers/{code}").first).to_be_visible()


def test_the_docs_page_leads_back_to_the_app(page: Page, live_server):
    page.goto("/api/v1/docs")
    page.get_by_role("link", name="← Back to wareview").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")
