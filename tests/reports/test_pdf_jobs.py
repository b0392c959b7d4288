"""Both kinds of PDF job — a review's report and a PDF of several workloads — go through one pipeline: the same
broker refusal, rate limit on Retry, given-up-on rule and pruning, task adapter, file store, in-process pruning
and admin. Each test runs for both kinds, through the kind's own URLs. WeasyPrint is replaced by a stub here."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory
from wareview.celery import app as celery_app
from wareview.reports import services
from wareview.reports.models import NOT_QUEUED_MESSAGE, PortfolioReport, Report
from wareview.reports.services import PRUNE_DUE_KEY, job_retry, jobs_prune
from wareview.reports.tasks import portfolio_report_render_task, report_render_task

pytestmark = pytest.mark.django_db

FAKE_PDF = b"%PDF-1.7 fake"
LIMIT_WORDS = "the most one person may"


@dataclass(frozen=True)
class Kind:
    """One kind of job as its user meets it: how to ask for it, its pages, and its task."""

    model: type
    ask: str  # the URL name of its "Export PDF", given the workload or review
    page: str
    retry: str
    download: str
    task: object
    folder: str  # where its files go, under MEDIA_ROOT


REVIEW = Kind(
    Report, "reports:pdf_request", "reports:job", "reports:retry", "reports:download", report_render_task, "reports"
)
PORTFOLIO = Kind(
    PortfolioReport,
    "reports:workload_pdf_request",
    "reports:portfolio_job",
    "reports:portfolio_retry",
    "reports:portfolio_download",
    portfolio_report_render_task,
    "reports/portfolio",
)
BOTH = [pytest.param(REVIEW, id="review"), pytest.param(PORTFOLIO, id="portfolio")]


def make(kind: Kind, review, user, **fields):
    """A job of `kind` showing `review` (its workload, for a PDF of several workloads), asked by `user`."""
    if kind is REVIEW:
        return Report.objects.create(review=review, requested_by=user, **fields)
    job = PortfolioReport.objects.create(requested_by=user, kind="workload", workload_count=1, **fields)
    job.workloads.set([review.workload])
    return job


def ask_url(kind: Kind, review) -> str:
    return reverse(kind.ask, args=[review.pk if kind is REVIEW else review.workload_id])


def htmx(client, method: str, url: str):
    return getattr(client, method)(url, headers={"HX-Request": "true"})


@pytest.fixture
def fake_pdf(monkeypatch):
    """WeasyPrint replaced by a stub, for both kinds' layouts."""
    monkeypatch.setattr(services, "pdf_from_html", lambda html: FAKE_PDF)
    monkeypatch.setattr(services, "document_from_html", lambda html: html)
    monkeypatch.setattr(services, "pdf_from_documents", lambda documents: FAKE_PDF)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)  # the view sees the commit, as in production
@pytest.mark.parametrize("kind", BOTH)
def test_a_pdf_the_broker_refuses_fails_at_once_with_words_and_a_retry(client, owner, review, dead_broker, kind):
    client.force_login(owner)
    response = client.post(ask_url(kind, review))
    job = kind.model.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(kind.page, args=[job.pk])
    assert (job.status, job.error) == ("failed", NOT_QUEUED_MESSAGE)
    page = client.get(response["Location"]).content.decode()
    assert NOT_QUEUED_MESSAGE in page and ">Retry</button>" in page and 'http-equiv="refresh"' not in page


@pytest.mark.parametrize("with_htmx", [True, False], ids=["htmx", "page"])
@pytest.mark.parametrize("kind", BOTH)
def test_a_retry_over_the_pdf_limit_gets_429_with_words_and_the_job_stays_failed(
    client, owner, review, settings, kind, with_htmx
):
    settings.REPORT_REQUESTS_PER_MINUTE = 1
    client.force_login(owner)
    assert client.post(ask_url(kind, review)).status_code == 302  # the one PDF of this minute
    failed = make(kind, review, owner, status="failed", error="Boom.")
    url = reverse(kind.retry, args=[failed.pk])
    response = htmx(client, "post", url) if with_htmx else client.post(url)
    body = response.content.decode()
    assert response.status_code == 429 and LIMIT_WORDS in body
    assert 0 < int(response["Retry-After"]) <= 60 and f"wait {response['Retry-After']} seconds" in body
    if with_htmx:
        assert "<html" not in body and ">Retry</button>" in body  # the job's card, its Retry kept
    else:
        assert f'href="{reverse(kind.page, args=[failed.pk])}">Back to the PDF' in body
    failed.refresh_from_db()
    assert (failed.status, failed.error) == ("failed", "Boom.")


@pytest.mark.parametrize("kind", BOTH)
def test_a_job_left_queued_too_long_is_recorded_failed_by_pruning_and_a_retry_makes_it(
    client, owner, review, settings, eager_tasks, fake_pdf, django_capture_on_commit_callbacks, kind
):
    settings.REPORT_QUEUED_TIMEOUT = 120
    waited = make(kind, review, owner, queued_at=timezone.now() - timedelta(seconds=121))
    waiting = make(kind, review, owner, queued_at=timezone.now() - timedelta(seconds=100))
    assert jobs_prune().expired == 1
    waited.refresh_from_db()
    waiting.refresh_from_db()
    assert (waited.status, waiting.status) == ("failed", "queued")
    assert waited.error == "No worker started this report within 2 minutes: the job queue may have lost it. Retry."
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse(kind.retry, args=[waited.pk])).status_code == 302
    waited.refresh_from_db()
    assert (waited.status, waited.error, waited.attempts, waited.progress) == ("ready", "", 1, 100)
    download = client.get(reverse(kind.download, args=[waited.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == FAKE_PDF


@pytest.mark.parametrize("kind", BOTH)
def test_the_task_of_each_kind_retries_a_transient_error_and_then_succeeds(review, owner, monkeypatch, fake_pdf, kind):
    reads = "report_data" if kind is REVIEW else "portfolio_report_data"
    real, calls = getattr(services, reads), []

    def flaky(**options):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(**options)

    monkeypatch.setattr(services, reads, flaky)
    job = make(kind, review, owner)
    kind.task.apply(args=[job.pk])
    job.refresh_from_db()
    assert (job.status, job.attempts, len(calls)) == ("ready", 2, 2)


@pytest.mark.parametrize("kind", BOTH)
def test_the_task_of_each_kind_shrugs_at_a_job_deleted_before_it_ran(review, owner, kind):
    job = make(kind, review, owner)
    job.delete()
    assert kind.task.apply(args=[job.pk]).successful()


def test_each_kind_keeps_its_files_in_its_own_folder_and_pruning_keeps_both(review, owner, fake_pdf, media_root):
    for kind in (REVIEW, PORTFOLIO):
        kind.task.apply(args=[make(kind, review, owner).pk])
    month = f"{timezone.localdate():%Y/%m}"
    report, portfolio = Report.objects.get(), PortfolioReport.objects.get()
    assert report.file.name == f"reports/{month}/{report.download_name()}"
    assert portfolio.file.name == f"reports/portfolio/{month}/{portfolio.download_name()}"
    result = jobs_prune(now=timezone.now() + timedelta(hours=2))  # both files are past the orphans' grace hour
    assert (result.reports, result.orphan_files) == (0, 0)
    assert (media_root / report.file.name).exists() and (media_root / portfolio.file.name).exists()


@pytest.mark.parametrize("kind", BOTH)
def test_a_pdf_stored_before_the_kinds_shared_one_model_still_downloads(client, owner, review, kind):
    # Rows saved by the earlier models name files the upload path of their day chose: the row's name is what counts.
    job = make(kind, review, owner, status="ready", progress=100)
    name = default_storage.save(f"{kind.folder}/2025/01/earlier.pdf", ContentFile(FAKE_PDF))
    kind.model.objects.filter(pk=job.pk).update(file=name)
    client.force_login(owner)
    response = client.get(reverse(kind.download, args=[job.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == FAKE_PDF


def test_on_the_embedded_default_asking_for_a_pdf_of_a_workload_prunes_in_process_too(
    client, owner, review, eager_tasks, fake_pdf, django_capture_on_commit_callbacks
):
    cache.delete(PRUNE_DUE_KEY)
    old = make(PORTFOLIO, review, owner, status="ready", progress=100)
    PortfolioReport.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=365))
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(ask_url(PORTFOLIO, review)).status_code == 302
    assert list(PortfolioReport.objects.values_list("status", flat=True)) == ["ready"]
    assert not PortfolioReport.objects.filter(pk=old.pk).exists()


def test_a_retry_never_hands_a_pdf_of_several_workloads_to_someone_else(review, owner, viewer):
    # Only the person who asked sees such a job; a review's report becomes the job of whoever retried it.
    job = make(PORTFOLIO, review, owner, status="failed", error="Boom.")
    job_retry(job=job, user=viewer)
    report = job_retry(job=make(REVIEW, review, owner, status="failed", error="Boom."), user=viewer)
    assert (job.requested_by, report.requested_by) == (owner, viewer)


@pytest.mark.parametrize("kind", BOTH)
def test_staff_see_both_kinds_of_job_in_the_admin_and_cannot_change_them(client, review, owner, kind):
    job = make(kind, review, owner, status="failed", error="The disk is full.")
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    name = kind.model._meta.model_name
    listing = client.get(reverse(f"admin:reports_{name}_changelist"))
    assert listing.status_code == 200 and reverse(f"admin:reports_{name}_change", args=[job.pk]) in listing.text
    page = client.get(reverse(f"admin:reports_{name}_change", args=[job.pk])).content.decode()
    assert "The disk is full." in page and 'name="_save"' not in page
    assert client.get(reverse(f"admin:reports_{name}_add")).status_code == 403


def test_the_tasks_are_registered_once_per_kind_with_its_limits():
    for kind, limits in ((REVIEW, (60, 90)), (PORTFOLIO, (600, 660))):
        task = celery_app.tasks[kind.task.name]
        assert (task.soft_time_limit, task.time_limit) == limits
        assert task.acks_late and task.reject_on_worker_lost and task.max_retries == 3
