"""On the embedded default the PDF is made while the request runs: in a real browser, "Export PDF" is disabled and
says it is busy until the answer comes, then the job card offers the download.

Everything the database needs is made before Playwright starts its event loop, so the test thread never calls the
ORM from inside it; the in-process render is slowed down so the busy state can be seen.
"""

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect, sync_playwright

from tests.conftest import need_service
from wareview.reports import services
from wareview.reports.models import Report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]
RENDER_SECONDS = 1.5


@pytest.fixture
def slow_pdf(monkeypatch):
    def pdf_from_html(html: str) -> bytes:
        time.sleep(RENDER_SECONDS)
        return b"%PDF-1.7 slow"

    monkeypatch.setattr(services, "pdf_from_html", pdf_from_html)


def test_export_pdf_is_disabled_and_busy_while_the_pdf_is_made_in_process(
    live_server, viewer, review, eager_tasks, slow_pdf
):
    need_service(CHROMIUM.exists(), f"Chromium is not installed at {CHROMIUM}")
    client = Client()
    client.force_login(viewer)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    # A thread of its own: when tests/browser's session-wide Playwright already runs its loop in this thread (the
    # same xdist worker ran a test there first), a second sync_playwright() here would refuse to start.
    with ThreadPoolExecutor(max_workers=1) as thread:
        thread.submit(export_while_watching, live_server.url, session, review.pk).result()
    assert Report.objects.get().status == Report.Status.READY


def export_while_watching(base_url: str, session: str, review_pk: int) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            context = browser.new_context(base_url=base_url)
            context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base_url}])
            page = context.new_page()
            page.goto(f"/reviews/{review_pk}/report/")
            button = page.get_by_role("button", name="Export PDF")
            busy = page.get_by_text("Making the PDF…")
            expect(busy).to_be_hidden()
            button.click()
            expect(button).to_be_disabled(timeout=1000)
            expect(busy).to_be_visible(timeout=1000)
            expect(page.get_by_role("link", name="Download the PDF")).to_be_visible(timeout=15_000)
            expect(button).to_be_enabled()
            expect(busy).to_be_hidden()
        finally:
            browser.close()
