"""On the embedded default the PDF is made while the request runs: in a real browser, "Export PDF" is disabled and
says it is busy until the answer comes, then the job card offers the download.

The browser is the shared `browser` fixture of tests/conftest.py; the in-process render is slowed down so the busy
state can be seen.
"""

import time

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from wareview.reports import services
from wareview.reports.models import Report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RENDER_SECONDS = 1.5


@pytest.fixture
def slow_pdf(monkeypatch):
    def pdf_from_html(html: str) -> bytes:
        time.sleep(RENDER_SECONDS)
        return b"%PDF-1.7 slow"

    monkeypatch.setattr(services, "pdf_from_html", pdf_from_html)


def test_export_pdf_is_disabled_and_busy_while_the_pdf_is_made_in_process(
    live_server, viewer, review, eager_tasks, slow_pdf, browser
):
    client = Client()
    client.force_login(viewer)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context = browser.new_context(base_url=live_server.url)
    try:
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
        page = context.new_page()
        page.goto(f"/reviews/{review.pk}/report/")
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
        context.close()
    assert Report.objects.get().status == Report.Status.READY
