"""Report jobs are economical: a PDF of answers that did not change reuses the live report, a person may queue only
so many PDFs a minute, and old report files go away."""

import os
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.conftest import need_service
from tests.project.redis_server import free_port
from tests.reports.helpers import answer
from wareview.celery import app as celery_app
from wareview.reports import services
from wareview.reports.models import STALE_AFTER, STALE_MESSAGE, Report
from wareview.reports.services import PRUNE_DUE_KEY, ReportRateLimited, jobs_prune, report_request
from wareview.reports.tasks import report_prune_task

pytestmark = pytest.mark.django_db

FAKE_PDF = b"%PDF-1.7 fake"


@pytest.fixture
def fake_pdf(monkeypatch):
    monkeypatch.setattr(services, "pdf_from_html", lambda html: FAKE_PDF)


def ask(client, review, **headers):
    return client.post(reverse("reports:pdf_request", args=[review.pk]), headers=headers)


# Reuse


def test_asking_twice_for_a_pdf_of_the_same_answers_makes_one_job(client, owner, review):
    client.force_login(owner)
    first, second = ask(client, review), ask(client, review)
    report = Report.objects.get()
    assert first["Location"] == second["Location"] == reverse("reports:job", args=[report.pk])
    assert report.status == Report.Status.QUEUED and report.answers_fingerprint


def test_a_ready_report_of_the_same_answers_is_reused_even_by_another_member(client, owner, viewer, review):
    ready = report_request(review=review, user=owner)
    Report.objects.filter(pk=ready.pk).update(status=Report.Status.READY, progress=100)
    client.force_login(viewer)
    response = ask(client, review, **{"HX-Request": "true"})
    assert Report.objects.count() == 1
    assert reverse("reports:download", args=[ready.pk]) in response.content.decode()


def test_a_change_to_any_answer_makes_a_new_report(owner, review):
    first = report_request(review=review, user=owner)
    answer(review, "Q_03", "a", "b")
    second = report_request(review=review, user=owner)
    answer(review, "Q_03", "a", "b", "c")  # back to the answers of the first report, but a later version
    third = report_request(review=review, user=owner)
    assert len({first.pk, second.pk, third.pk}) == 3
    assert first.answers_fingerprint != third.answers_fingerprint


def test_renaming_the_workload_makes_a_new_report_with_the_new_name_on_it(owner, review):
    first = report_request(review=review, user=owner)
    workload = review.workload
    workload.name = "Checkout v2"
    workload.save()
    second = report_request(review=review, user=owner)
    assert first.pk != second.pk


def test_a_failed_or_lost_report_is_not_reused(owner, review):
    failed = report_request(review=review, user=owner)
    Report.objects.filter(pk=failed.pk).update(status=Report.Status.FAILED, error="Boom.")
    lost = report_request(review=review, user=owner)
    Report.objects.filter(pk=lost.pk).update(
        status=Report.Status.RENDERING, started_at=timezone.now() - STALE_AFTER - timedelta(seconds=1)
    )
    waiting_too_long = report_request(review=review, user=owner)
    Report.objects.filter(pk=waiting_too_long.pk).update(queued_at=timezone.now() - timedelta(days=1))
    fresh = report_request(review=review, user=owner)
    assert len({failed.pk, lost.pk, waiting_too_long.pk, fresh.pk}) == 4


def test_the_render_records_the_answers_it_read_so_later_requests_for_them_reuse_it(owner, review, fake_pdf):
    report = report_request(review=review, user=owner)
    answer(review, "Q_02", "a", "b")  # changed after the request, before the worker ran
    services.report_render(report_id=report.pk)
    assert report_request(review=review, user=owner).pk == report.pk


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_the_same_moment_make_one_job(owner, review):
    need_service(connection.vendor == "postgresql", "concurrent requests need PostgreSQL's row locks")
    barrier, made = threading.Barrier(2), []

    def request() -> None:
        try:
            barrier.wait()
            made.append(report_request(review=review, user=owner).pk)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=request) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(made) == 2 and made[0] == made[1]
    assert Report.objects.count() == 1


# With Redis, sessions are read from the cache; without it, from the database (one more query).
SESSION_QUERIES = 0 if settings.SESSION_ENGINE.endswith("cached_db") else 1
# A PDF request: user, review with its access check, the review's row lock, the answers' fingerprint, the live
# report of that fingerprint; a new one adds its insert. Plus the request's two transaction statements.
REUSED_REQUEST_QUERIES = 7 + SESSION_QUERIES
NEW_REQUEST_QUERIES = 8 + SESSION_QUERIES


def count_queries(client, review) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert ask(client, review).status_code == 302
    return len(queries)


def test_a_pdf_request_takes_the_same_few_queries_whatever_the_number_of_reports(client, owner, review):
    client.force_login(owner)
    client.get(reverse("reports:page", args=[review.pk]))  # the session is in the cache from here on
    assert count_queries(client, review) == NEW_REQUEST_QUERIES
    assert count_queries(client, review) == REUSED_REQUEST_QUERIES
    for code in ("Q_01", "Q_02", "Q_03"):
        answer(review, code, "a")
        ask(client, review)
    assert count_queries(client, review) == REUSED_REQUEST_QUERIES
    answer(review, "Q_01", "b")
    assert count_queries(client, review) == NEW_REQUEST_QUERIES


# Rate limit


def test_a_person_over_the_pdf_limit_gets_429_with_words_and_nothing_is_queued(client, owner, review, settings):
    settings.REPORT_REQUESTS_PER_MINUTE = 2
    client.force_login(owner)
    for code in ("Q_01", "Q_02"):
        assert ask(client, review).status_code == 302
        answer(review, code, "a")  # new answers, so the next request is a new job
    response = ask(client, review)
    body = response.content.decode()
    assert response.status_code == 429
    assert "You have asked for 2 PDFs in the last minute, the most one person may." in body
    assert 0 < int(response["Retry-After"]) <= 60 and f"wait {response['Retry-After']} seconds" in body
    assert Report.objects.count() == 2


def test_with_htmx_the_limit_answers_429_with_the_message_as_a_fragment(client, owner, review, settings):
    settings.REPORT_REQUESTS_PER_MINUTE = 1
    client.force_login(owner)
    ask(client, review)
    answer(review, "Q_01", "a")
    response = ask(client, review, **{"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 429 and "<html" not in body
    assert 'role="alert"' in body and "the most one person may" in body


def test_reusing_a_report_does_not_count_against_the_limit_and_other_people_have_their_own(
    client, owner, viewer, review, settings
):
    settings.REPORT_REQUESTS_PER_MINUTE = 1
    for _ in range(3):
        report_request(review=review, user=owner)
    answer(review, "Q_01", "a")
    report_request(review=review, user=viewer)
    answer(review, "Q_02", "b")
    with pytest.raises(ReportRateLimited):
        report_request(review=review, user=viewer)
    assert Report.objects.count() == 2


def test_retries_count_against_the_limit_too(client, owner, review, settings):
    settings.REPORT_REQUESTS_PER_MINUTE = 1
    report_request(review=review, user=owner)
    failed = Report.objects.create(review=review, status=Report.Status.FAILED, error="Boom.")
    client.force_login(owner)
    response = client.post(reverse("reports:retry", args=[failed.pk]), headers={"HX-Request": "true"})
    assert response.status_code == 429
    assert ">Retry</button>" in response.content.decode() and "the most one person may" in response.content.decode()
    failed.refresh_from_db()
    assert failed.status == Report.Status.FAILED


@pytest.mark.parametrize("backend", ["django_redis.cache.RedisCache", "django.core.cache.backends.redis.RedisCache"])
def test_with_the_cache_down_the_limit_lets_requests_through(owner, review, settings, backend):
    settings.REPORT_REQUESTS_PER_MINUTE = 1
    options = {"IGNORE_EXCEPTIONS": True} if backend.startswith("django_redis") else {}
    location = f"redis://127.0.0.1:{free_port()}/0"
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": location, "OPTIONS": options}}
    for code in ("Q_01", "Q_02", "Q_03"):
        report_request(review=review, user=owner)
        answer(review, code, "a")
    assert Report.objects.count() == 3


# Retention


def stored_report(review, *, days_old: float, name: str = "report.pdf") -> Report:
    report = Report.objects.create(review=review, status=Report.Status.READY, progress=100)
    report.file.save(name, ContentFile(FAKE_PDF), save=True)
    Report.objects.filter(pk=report.pk).update(created_at=timezone.now() - timedelta(days=days_old))
    return report


def test_pruning_deletes_reports_older_than_the_retention_with_their_files(
    review, settings, django_capture_on_commit_callbacks
):
    settings.REPORT_RETENTION_DAYS = 30
    old, recent = stored_report(review, days_old=31), stored_report(review, days_old=29)
    with django_capture_on_commit_callbacks(execute=True):
        result = jobs_prune()
    assert (result.reports, result.orphan_files) == (1, 0)
    assert list(Report.objects.all()) == [recent]
    assert not old.file.storage.exists(old.file.name) and recent.file.storage.exists(recent.file.name)


def test_pruning_deletes_files_no_report_names_once_they_are_an_hour_old(review, media_root):
    kept = stored_report(review, days_old=0)
    orphans = media_root / "reports" / "2020" / "01"
    orphans.mkdir(parents=True)
    (orphans / "old.pdf").write_bytes(FAKE_PDF)
    (orphans / "new.pdf").write_bytes(FAKE_PDF)
    two_hours_ago = time.time() - 2 * 60 * 60
    os.utime(orphans / "old.pdf", (two_hours_ago, two_hours_ago))
    assert jobs_prune().orphan_files == 1
    assert not (orphans / "old.pdf").exists() and (orphans / "new.pdf").exists()
    assert kept.file.storage.exists(kept.file.name)


def test_pruning_marks_failed_the_reports_given_up_on_and_leaves_the_others(review, owner, settings):
    settings.REPORT_QUEUED_TIMEOUT = 120
    now = timezone.now()
    waited = Report.objects.create(review=review, queued_at=now - timedelta(seconds=121))
    waiting = Report.objects.create(review=review, queued_at=now - timedelta(seconds=100))
    lost = Report.objects.create(
        review=review, status=Report.Status.RENDERING, started_at=now - STALE_AFTER - timedelta(seconds=1)
    )
    working = Report.objects.create(review=review, status=Report.Status.RENDERING, started_at=now)
    assert jobs_prune().expired == 2
    status = dict(Report.objects.values_list("pk", "status"))
    assert [status[r.pk] for r in (waited, waiting, lost, working)] == ["failed", "queued", "failed", "rendering"]
    errors = dict(Report.objects.values_list("pk", "error"))
    assert errors[waited.pk] == "No worker started this report within 2 minutes: the job queue may have lost it. Retry."
    assert errors[lost.pk] == STALE_MESSAGE


def test_deleting_a_workload_deletes_its_report_files(client, owner, review, django_capture_on_commit_callbacks):
    report = stored_report(review, days_old=0)
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("workloads:delete", args=[review.workload.pk]))
    assert response.status_code == 302
    assert not Report.objects.exists() and not report.file.storage.exists(report.file.name)


def test_deleting_a_review_deletes_its_report_files_once_the_deletion_commits(
    review, django_capture_on_commit_callbacks
):
    report = stored_report(review, days_old=0)
    storage, name = report.file.storage, report.file.name
    with django_capture_on_commit_callbacks() as on_commit:
        review.delete()
    assert storage.exists(name)  # a deletion that rolled back now would keep its file
    for callback in on_commit:
        callback()
    assert not storage.exists(name)


def test_prune_reports_command_reports_what_it_deleted(review, capsys, django_capture_on_commit_callbacks):
    stored_report(review, days_old=10)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("prune_reports", "--days", "7")
    assert "Deleted 1 report(s) and 0 orphan file(s); marked 0 stale report(s) failed." in capsys.readouterr().out
    assert not Report.objects.exists()


def test_celery_beat_runs_the_prune_task_every_hour(settings, review, django_capture_on_commit_callbacks):
    schedule = settings.CELERY_BEAT_SCHEDULE["reports-prune"]
    assert (schedule["task"], schedule["schedule"]) == ("reports.prune", 3600)
    stored_report(review, days_old=settings.REPORT_RETENTION_DAYS + 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert report_prune_task.apply().successful()
    assert schedule["task"] in celery_app.tasks
    assert not Report.objects.exists()


def test_on_the_embedded_default_asking_for_a_pdf_prunes_in_process_at_most_once_an_hour(
    owner, review, eager_tasks, fake_pdf, django_capture_on_commit_callbacks
):
    cache.delete(PRUNE_DUE_KEY)
    old = stored_report(review, days_old=365)
    with django_capture_on_commit_callbacks(execute=True):
        report_request(review=review, user=owner)
    assert not Report.objects.filter(pk=old.pk).exists()
    older = stored_report(review, days_old=365, name="older.pdf")
    answer(review, "Q_01", "a")
    with django_capture_on_commit_callbacks(execute=True):
        report_request(review=review, user=owner)
    assert Report.objects.filter(pk=older.pk).exists()


# The busy state


def test_the_export_button_is_disabled_and_says_it_is_busy_while_its_request_runs(client, viewer, review):
    client.force_login(viewer)
    page = client.get(reverse("reports:page", args=[review.pk])).content.decode()
    form = page[page.index('<form class="pdf-request"') : page.index("</form>", page.index('class="pdf-request"'))]
    assert f'method="post" action="{reverse("reports:pdf_request", args=[review.pk])}"' in form  # works without JS
    assert 'hx-disabled-elt="find button"' in form and 'hx-indicator="this"' in form
    assert '<span class="pdf-busy" role="status">Making the PDF…</span>' in form
    # The busy words show only while htmx marks the form as requesting (a stylesheet rule: no inline style).
    assert "reports/css/report-screen.css" in page
    stylesheet = (Path(settings.BASE_DIR) / "static" / "reports" / "css" / "report-screen.css").read_text()
    assert ".pdf-request .pdf-busy { display: none; }" in stylesheet
    assert ".pdf-request.htmx-request .pdf-busy { display: inline; }" in stylesheet
