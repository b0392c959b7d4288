"""An architect exports a PDF of part of the portfolio: filters it, clicks "Export PDF", watches the progress bar
of the job a real Celery worker runs, downloads the PDF and finds in it exactly the workloads the filters chose."""

import shutil
import subprocess

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.conftest import Cast, sign_in_as
from tests.conftest import need_service
from tests.reports.helpers import QUEUE, own_queue, worker_on
from wareview.reports.services import PORTFOLIO_RENDER_TASK
from wareview.reviews import services as review_services
from wareview.teams.models import Team
from wareview.workloads.models import Workload

pytestmark = [pytest.mark.browser, pytest.mark.services]


@pytest.fixture
def portfolio_worker(settings, tmp_path):
    """A real worker on this test's own Redis queue, taking the portfolio PDFs the live server queues."""
    settings.MEDIA_ROOT = tmp_path / "media"
    with own_queue(PORTFOLIO_RENDER_TASK, QUEUE) as queue, worker_on(queue):
        yield


@pytest.fixture
def estate(cast: Cast) -> Cast:
    """Two production workloads under review, one in pre-production and one in another team."""
    for name, environment in (("Checkout", "production"), ("Payouts", "production"), ("Ledger", "pre_production")):
        workload = Workload.objects.create(team=cast.team, name=name, environment=environment, created_by=cast.owner)
        review_services.review_start(workload=workload, lens=cast.lens, user=cast.owner)
    elsewhere = Team.objects.create(name="Elsewhere")
    Workload.objects.create(team=elsewhere, name="Secret", environment="production")
    return cast


def pdf_text(path: str) -> str:
    need_service(bool(shutil.which("pdftotext")), "pdftotext (poppler-utils) is not installed")
    return subprocess.run(["pdftotext", path, "-"], capture_output=True, text=True, check=True).stdout


def test_an_architect_exports_a_pdf_of_the_filtered_portfolio_and_finds_exactly_those_workloads(
    page: Page, live_server, estate: Cast, portfolio_worker
) -> None:
    sign_in_as(page.context, estate.contributor, live_server.url)
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Portfolio").click()
    workloads = page.locator("table.portfolio-table tbody th")
    expect(workloads).to_have_text(["Checkout", "Ledger", "Payouts"])

    page.get_by_label("Environment").select_option(label="Production")
    page.get_by_role("button", name="Show workloads").click()
    expect(workloads).to_have_text(["Checkout", "Payouts"])

    page.get_by_role("button", name="Export PDF").click()
    progress = page.locator("#pdf-job progress")
    expect(progress).to_be_visible()
    # The worker lays out the summary and each workload; the card polls until the PDF is ready.
    expect(progress).to_have_attribute("value", "100", timeout=60_000)
    expect(page.locator("#pdf-job").get_by_text("Ready.")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the PDF").click()
    download = download_info.value
    assert download.suggested_filename.startswith("wareview-portfolio-report-")
    text = pdf_text(str(download.path()))
    assert "Environment: Production" in text
    assert "Ledger" not in text and "Secret" not in text
    # The summary's table lists both, then each has its part, whose running footer names it.
    assert "\nCheckout\n" in text and "\nPayouts\n" in text
    footers = [text.index(f"{name}, page 1 of ") for name in ("Checkout", "Payouts")]
    assert footers == sorted(footers)
    # The page with its job card reads well to assistive technology.
    violations = Axe().run(page).response["violations"]
    assert not [violation["id"] for violation in violations if violation["impact"] in ("serious", "critical")]


def test_without_javascript_export_pdf_leads_to_a_job_page_that_refreshes_until_the_download(
    no_js_page: Page, live_server, estate: Cast, portfolio_worker
) -> None:
    page = no_js_page
    sign_in_as(page.context, estate.owner, live_server.url)
    page.goto("/portfolio/?environment=pre_production")
    expect(page.locator("table.portfolio-table tbody th")).to_have_text(["Ledger"])
    page.get_by_role("button", name="Export PDF").click()
    expect(page.get_by_role("heading", name="PDF of the portfolio")).to_be_visible()
    expect(page.get_by_text("1 workload · Environment: Pre-production")).to_be_visible()
    # The page refreshes itself every two seconds (<noscript> meta refresh) until the PDF is ready.
    expect(page.get_by_role("link", name="Download the PDF")).to_be_visible(timeout=60_000)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the PDF").click()
    text = pdf_text(str(download_info.value.path()))
    assert "Ledger, page 1 of " in text and "Checkout" not in text and "Payouts" not in text
    page.get_by_role("link", name="Back to the portfolio").click()
    expect(page.get_by_label("Environment")).to_have_value("pre_production")
