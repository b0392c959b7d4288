"""A PDF of the portfolio's selection through a real Redis broker and a real Celery worker, laid out by WeasyPrint
and read back with pdftotext: it names the workloads the filters selected and none of the others."""

import shutil
import subprocess

import pytest
from django.urls import reverse

from tests.conftest import need_service
from tests.reports.helpers import FINISHED, QUEUE, answer, own_queue, start_review, wait_for, worker_on
from wareview.reports.models import PortfolioReport
from wareview.reports.services import PORTFOLIO_RENDER_TASK
from wareview.workloads.models import Workload

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


SELECTED = ("Checkout", "Checkout service", "Fraud scoring")  # the cast's own Checkout is in production too


@pytest.fixture
def portfolio_worker():
    """A worker in a thread of this process, taking the portfolio PDFs of this test's own queue."""
    with own_queue(PORTFOLIO_RENDER_TASK, QUEUE) as queue, worker_on(queue):
        yield


def pdf_text(report: PortfolioReport) -> str:
    need_service(bool(shutil.which("pdftotext")), "pdftotext (poppler-utils) is not installed")
    return subprocess.run(["pdftotext", report.file.path, "-"], capture_output=True, text=True, check=True).stdout


def test_a_portfolio_pdf_made_by_a_real_worker_names_the_selected_workloads_and_not_the_others(
    client, cast, portfolio_worker, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    checkout = start_review(team=cast.team, user=cast.owner, name="Checkout service")
    answer(checkout, "Q_01", "no", notes="Nobody owns the capacity plan.")
    answer(checkout, "Q_02", "a")
    start_review(team=cast.team, user=cast.owner, name="Billing engine")
    Workload.objects.filter(name="Billing engine").update(environment="pre_production")
    start_review(team=cast.team, user=cast.owner, name="Fraud scoring")
    start_review(team=cast.outsider.memberships.get().team, user=cast.outsider, name="Secret ledger")
    client.force_login(cast.owner)

    response = client.post(reverse("reports:portfolio_pdf_request"), {"environment": "production", "sort": "name"})
    report = wait_for(PortfolioReport.objects.get(), FINISHED, timeout=60)

    assert response.status_code == 302
    assert (report.status, report.progress, report.workloads_done) == ("ready", 100, 3), report.error
    text = pdf_text(report)
    assert "Portfolio summary" in text and "Filters\n\nEnvironment: Production" in text
    assert "Workloads\n\n3\n" in text and "Asked by\n\nolivia" in text
    assert "Billing engine" not in text and "Secret ledger" not in text
    # The summary's table, then each workload's part in the portfolio's order, its name in the running footer.
    summary = text[: text.index("Practices most often missing")]
    assert [line for line in summary.splitlines() if line in (*SELECTED, "Billing engine")][:3] == list(SELECTED)
    parts = [text.index(f"{name}, page 1 of ") for name in SELECTED]
    assert parts == sorted(parts) and parts[0] > len(summary)
    assert text.count("Prioritized recommendations") == 3 and "Nobody owns the capacity plan." in text
    with open(report.file.path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
