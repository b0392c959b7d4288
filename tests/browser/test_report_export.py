"""An architect exports a PDF from the browser: the job's progress bar, then the download.

The task runs in-process here (as on the embedded default); the real Redis and worker path is covered by
tests/reports/test_report_worker.py.
"""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Cast, sign_in_as
from wareview import celery_app
from wareview.reviews.models import Review

pytestmark = pytest.mark.browser


@pytest.fixture
def tasks_in_process(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = eager


def test_an_architect_exports_a_pdf_and_downloads_it(
    page: Page, live_server, cast: Cast, review: Review, tasks_in_process
) -> None:
    sign_in_as(page.context, cast.contributor, live_server.url)
    page.goto(f"/reviews/{review.pk}/")
    page.get_by_role("link", name="Report and exports").click()
    expect(page.get_by_role("heading", name="Executive summary")).to_be_visible()
    page.get_by_role("button", name="Export PDF").click()
    progress = page.locator("progress").first
    # Rendering takes a few seconds on a busy two-core machine; the page polls until it is done.
    expect(progress).to_have_attribute("value", "100", timeout=30_000)
    expect(page.get_by_text("Ready")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the PDF").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
