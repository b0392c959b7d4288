"""PDF jobs without a broker: the request, the task and its failures, the status page with and without htmx,
retry and download. WeasyPrint is replaced by a stub here; tests/reports/test_report_pdf.py renders for real."""

import os
import re
import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from wareview.health.checks import HEARTBEAT_KEY, heartbeat_record
from wareview.reports import services
from wareview.reports.models import STALE_AFTER, STALE_MESSAGE, PortfolioReport, Report
from wareview.reports.services import ReportError, report_render, report_request, report_retry
from wareview.reports.tasks import report_render_task

pytestmark = pytest.mark.django_db

FAKE_PDF = b"%PDF-1.7 fake"


@pytest.fixture
def fake_pdf(monkeypatch):
    """Record the report's progress while the PDF is laid out, and return a stub PDF."""
    seen = []

    def pdf_from_html(html: str) -> bytes:
        seen.append(Report.objects.values_list("status", "progress").get())
        return FAKE_PDF

    monkeypatch.setattr(services, "pdf_from_html", pdf_from_html)
    return seen


def htmx(client, method: str, url: str):
    return getattr(client, method)(url, headers={"HX-Request": "true"})


def test_asking_for_a_pdf_renders_it_in_process_and_redirects_to_its_page(
    client, owner, review, eager_tasks, fake_pdf, django_capture_on_commit_callbacks
):
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:pdf_request", args=[review.pk]))
    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:job", args=[report.pk])
    assert (report.status, report.progress, report.attempts) == (Report.Status.READY, 100, 1)
    assert report.file.read() == FAKE_PDF
    assert report.started_at <= report.finished_at


def test_the_progress_moves_while_the_pdf_is_laid_out(review, owner, fake_pdf):
    report = Report.objects.create(review=review, requested_by=owner)
    report_render(report_id=report.pk)
    assert fake_pdf == [(Report.Status.RENDERING, 40)]


def test_with_htmx_asking_for_a_pdf_returns_the_progress_fragment_which_polls_until_ready(
    client, owner, review, eager_tasks, fake_pdf, django_capture_on_commit_callbacks
):
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = htmx(client, "post", reverse("reports:pdf_request", args=[review.pk]))
    report = Report.objects.get()
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and 'class="card report-job"' in body
    assert f'hx-get="{reverse("reports:job", args=[report.pk])}" hx-trigger="every 1s"' in body
    polled = htmx(client, "get", reverse("reports:job", args=[report.pk])).content.decode()
    assert "Download the PDF" in polled and "hx-trigger" not in polled


def test_the_status_page_of_a_queued_report_refreshes_without_javascript_and_polls_with_htmx(client, owner, review):
    report = Report.objects.create(review=review, requested_by=owner)
    client.force_login(owner)
    page = client.get(reverse("reports:job", args=[report.pk])).content.decode()
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    assert '<progress max="100" value="0"' in page and "Waiting for a worker" in page
    assert ">Refresh</a>" in page
    fragment = htmx(client, "get", reverse("reports:job", args=[report.pk])).content.decode()
    assert "<html" not in fragment
    assert 'hx-trigger="every 1s"' in fragment
    assert f'hx-get="{reverse("reports:job", args=[report.pk])}"' in fragment


def test_a_rendering_report_shows_its_progress_in_numbers_and_words(client, owner, review):
    report = Report.objects.create(
        review=review, status=Report.Status.RENDERING, progress=40, started_at=timezone.now()
    )
    client.force_login(owner)
    fragment = htmx(client, "get", reverse("reports:job", args=[report.pk])).content.decode()
    assert '<progress max="100" value="40"' in fragment
    assert "40% · Laying out the pages…" in fragment


def test_a_ready_report_stops_the_polling_and_offers_the_download(client, owner, review):
    report = Report.objects.create(review=review, status=Report.Status.READY, progress=100)
    client.force_login(owner)
    for response in (
        client.get(reverse("reports:job", args=[report.pk])),
        htmx(client, "get", reverse("reports:job", args=[report.pk])),
    ):
        body = response.content.decode()
        assert "hx-trigger" not in body and 'http-equiv="refresh"' not in body
        assert reverse("reports:download", args=[report.pk]) in body


def test_a_failed_report_shows_its_reason_and_a_retry_button(client, owner, review):
    report = Report.objects.create(review=review, status=Report.Status.FAILED, error="The disk is full.")
    client.force_login(owner)
    body = htmx(client, "get", reverse("reports:job", args=[report.pk])).content.decode()
    assert "hx-trigger" not in body
    assert "The disk is full." in body
    assert f'action="{reverse("reports:retry", args=[report.pk])}"' in body and ">Retry</button>" in body


def rendering_since(review, seconds_ago: float) -> Report:
    started = timezone.now() - timedelta(seconds=seconds_ago)
    return Report.objects.create(review=review, status=Report.Status.RENDERING, progress=40, started_at=started)


def writes_while(action) -> tuple[object, list[str]]:
    """What `action` returns, and the statements it ran that change rows."""
    with CaptureQueriesContext(connection) as queries:
        result = action()
    return result, [query["sql"] for query in queries if query["sql"].lstrip().upper().startswith(WRITES)]


WRITES = ("UPDATE", "INSERT", "DELETE")


@pytest.mark.parametrize("htmx_poll", [True, False], ids=["htmx poll", "page"])
def test_a_report_rendering_longer_than_the_hard_time_limit_shows_as_failed_with_retry_and_the_get_writes_nothing(
    client, owner, review, htmx_poll
):
    report = rendering_since(review, STALE_AFTER.total_seconds() + 1)
    before = Report.objects.values().get(pk=report.pk)
    client.force_login(owner)
    url = reverse("reports:job", args=[report.pk])
    response, writes = writes_while(lambda: htmx(client, "get", url) if htmx_poll else client.get(url))
    body = response.content.decode()
    assert response.status_code == 200 and writes == []
    assert Report.objects.values().get(pk=report.pk) == before
    assert STALE_MESSAGE in body and ">Retry</button>" in body
    assert "hx-trigger" not in body and 'http-equiv="refresh"' not in body


def test_retrying_a_report_that_outlived_its_worker_queues_it_again_and_renders_it(
    client, owner, review, eager_tasks, fake_pdf, django_capture_on_commit_callbacks
):
    report = rendering_since(review, STALE_AFTER.total_seconds() + 1)
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = htmx(client, "post", reverse("reports:retry", args=[report.pk]))
    assert response.status_code == 200 and 'hx-trigger="every 1s"' in response.content.decode()
    report.refresh_from_db()
    assert (report.status, report.error, report.attempts) == (Report.Status.READY, "", 1)


def test_the_report_page_lists_a_report_given_up_on_as_failed(client, owner, review):
    rendering_since(review, STALE_AFTER.total_seconds() + 1)
    client.force_login(owner)
    page = client.get(reverse("reports:page", args=[review.pk])).content.decode()
    assert "· Failed" in page and "· Rendering" not in page


def test_a_report_rendering_within_the_time_limit_is_left_rendering(client, owner, review):
    started = timezone.now() - STALE_AFTER + timedelta(seconds=5)
    report = Report.objects.create(review=review, status=Report.Status.RENDERING, started_at=started)
    client.force_login(owner)
    client.get(reverse("reports:job", args=[report.pk]))
    report.refresh_from_db()
    assert report.status == Report.Status.RENDERING


def test_the_task_marks_the_report_failed_with_the_error_message(review, owner, monkeypatch):
    def broken_html(*, data):
        raise ValueError("The template is broken.")

    monkeypatch.setattr(services, "report_html", broken_html)
    report = Report.objects.create(review=review, requested_by=owner)
    report_render_task.apply(args=[report.pk])
    report.refresh_from_db()
    assert (report.status, report.error, report.file.name) == (Report.Status.FAILED, "The template is broken.", "")
    assert report.finished_at is not None


def test_the_task_retries_a_transient_error_and_then_succeeds(review, owner, monkeypatch, fake_pdf):
    real_report_data = services.report_data
    calls = []

    def flaky_report_data(*, review, **options):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real_report_data(review=review, **options)

    monkeypatch.setattr(services, "report_data", flaky_report_data)
    report = Report.objects.create(review=review, requested_by=owner)
    report_render_task.apply(args=[report.pk])
    report.refresh_from_db()
    assert (report.status, report.attempts, len(calls)) == (Report.Status.READY, 2, 2)


def test_the_task_leaves_a_ready_report_alone(review, owner, fake_pdf):
    report = Report.objects.create(review=review, requested_by=owner, status=Report.Status.READY, progress=100)
    report_render_task.apply(args=[report.pk])
    report.refresh_from_db()
    assert (report.status, report.attempts, fake_pdf) == (Report.Status.READY, 0, [])


def test_the_task_shrugs_at_a_report_deleted_before_it_ran(review, owner):
    report = Report.objects.create(review=review, requested_by=owner)
    report.delete()
    assert report_render_task.apply(args=[report.pk]).successful()


def test_retry_queues_a_failed_report_again_and_renders_it(
    client, contributor, review, eager_tasks, fake_pdf, django_capture_on_commit_callbacks
):
    report = Report.objects.create(review=review, status=Report.Status.FAILED, error="Boom.", attempts=1)
    client.force_login(contributor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:retry", args=[report.pk]))
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.error, report.attempts) == (Report.Status.READY, "", 2)
    assert report.requested_by == contributor


def test_retrying_a_report_that_did_not_fail_is_refused_with_a_message(client, owner, review):
    report = Report.objects.create(review=review, status=Report.Status.READY, progress=100)
    with pytest.raises(ReportError, match=re.escape("Only a report that failed can be retried.")):
        report_retry(report=report, user=owner)
    client.force_login(owner)
    response = htmx(client, "post", reverse("reports:retry", args=[report.pk]))
    assert response.status_code == 409
    assert "Only a report that failed can be retried." in response.content.decode()
    report.refresh_from_db()
    assert report.status == Report.Status.READY


def test_asking_for_a_pdf_creates_a_queued_report_sent_only_after_commit(review, owner, monkeypatch):
    sent = []
    monkeypatch.setattr(report_render_task, "delay", sent.append)
    report = report_request(review=review, user=owner)
    assert (report.status, report.progress, sent) == (Report.Status.QUEUED, 0, [])


def test_the_download_is_the_pdf_as_an_attachment(client, viewer, review, fake_pdf):
    report = Report.objects.create(review=review)
    report_render(report_id=report.pk)
    client.force_login(viewer)
    response = client.get(reverse("reports:download", args=[report.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{report.download_name()}"'
    assert b"".join(response.streaming_content) == FAKE_PDF


def test_the_download_of_a_report_that_is_not_ready_is_404(client, owner, review):
    report = Report.objects.create(review=review, status=Report.Status.RENDERING)
    client.force_login(owner)
    assert client.get(reverse("reports:download", args=[report.pk])).status_code == 404


NO_WORKER = "No worker is running, so nothing is making this PDF yet"


@pytest.fixture
def own_heartbeat(settings):
    """A broker configured, and a cache key prefix of this test's own for the workers' heartbeat."""
    settings.REDIS_URL = settings.REDIS_URL or "redis://127.0.0.1:1/0"
    settings.CACHES = {
        **settings.CACHES,
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"jobs-test-{os.getpid()}-{time.time_ns()}"},
    }
    yield
    cache.delete(HEARTBEAT_KEY)


def test_a_queued_pdf_says_when_no_worker_is_running(client, owner, review, own_heartbeat):
    report = Report.objects.create(review=review, requested_by=owner)
    client.force_login(owner)
    page = client.get(reverse("reports:job", args=[report.pk])).content.decode()
    assert "Waiting for a worker" in page and NO_WORKER in page
    heartbeat_record(now=time.time() - 10 * 60)  # a worker that stopped ten minutes ago
    assert NO_WORKER in htmx(client, "get", reverse("reports:job", args=[report.pk])).content.decode()


def test_a_queued_pdf_says_nothing_of_workers_while_one_sends_its_heartbeat(client, owner, review, own_heartbeat):
    heartbeat_record()
    report = Report.objects.create(review=review, requested_by=owner)
    client.force_login(owner)
    page = client.get(reverse("reports:job", args=[report.pk])).content.decode()
    assert "Waiting for a worker" in page and NO_WORKER not in page


def test_a_queued_portfolio_pdf_says_when_no_worker_is_running(client, owner, review, own_heartbeat):
    report = PortfolioReport.objects.create(requested_by=owner, workload_count=1)
    client.force_login(owner)
    page = client.get(reverse("reports:portfolio_job", args=[report.pk])).content.decode()
    assert NO_WORKER in page
