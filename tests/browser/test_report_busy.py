"""On the embedded default the PDF is made while the request runs: in a real browser, "Export PDF" is disabled and
says it is busy until the answer comes, then the job card offers the download. The in-process render is slowed
down so the busy state can be seen."""

import time

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Cast, sign_in_as
from wareview.celery import app as celery_app
from wareview.reports import services
from wareview.reports.models import Report
from wareview.reviews.models import Review

pytestmark = pytest.mark.browser

RENDER_SECONDS = 1.5


@pytest.fixture
def slow_in_process_pdf(monkeypatch, settings, tmp_path):
    def pdf_from_html(html: str) -> bytes:
        time.sleep(RENDER_SECONDS)
        return b"%PDF-1.7 slow"

    monkeypatch.setattr(services, "pdf_from_html", pdf_from_html)
    settings.MEDIA_ROOT = tmp_path / "media"
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True  # as on the embedded default
    yield
    celery_app.conf.task_always_eager = eager


def test_export_pdf_is_disabled_and_busy_while_the_pdf_is_made_in_process(
    page: Page, live_server, cast: Cast, review: Review, slow_in_process_pdf
) -> None:
    sign_in_as(page.context, cast.viewer, live_server.url)
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
    assert Report.objects.get().status == Report.Status.READY
