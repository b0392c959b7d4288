"""PDF jobs on the embedded default (REPORT_RENDER_IN_THREAD): the request answers with the job page at once and
the PDF is made in a background thread of the process. The render is held back by a stub until the test lets it
go, so a request that waited for it would be seen to."""

import threading
import time

import pytest
from django.urls import reverse

from tests.project.test_settings import PRODUCTION_ENV, run_manage
from wareview.reports import background, services
from wareview.reports.models import Report

pytestmark = pytest.mark.django_db(transaction=True)

FAKE_PDF = b"%PDF-1.7 fake"
# Far longer than a request takes, far shorter than a stuck test.
HOLD = 10.0


@pytest.fixture
def in_thread(settings, eager_tasks):
    settings.REPORT_RENDER_IN_THREAD = True


@pytest.fixture
def held_render(monkeypatch):
    """A render that waits until the test sets the event it returns."""
    go = threading.Event()

    def pdf_from_html(html: str) -> bytes:
        go.wait(HOLD)
        return FAKE_PDF

    monkeypatch.setattr(services, "pdf_from_html", pdf_from_html)
    yield go
    go.set()


def wait_until_finished(report: Report) -> Report:
    deadline = time.monotonic() + HOLD
    while not report.is_finished and time.monotonic() < deadline:
        time.sleep(0.05)
        report.refresh_from_db()
    return report


def test_asking_for_a_pdf_answers_with_its_job_page_before_it_is_made(client, owner, review, in_thread, held_render):
    client.force_login(owner)
    started = time.monotonic()
    response = client.post(reverse("reports:pdf_request", args=[review.pk]), follow=True)
    answered = time.monotonic() - started
    assert answered < HOLD / 2
    assert response.status_code == 200
    assert b"This page updates by itself." in response.content
    assert b"Download the PDF" not in response.content
    report = Report.objects.get()
    assert report.status in (Report.Status.QUEUED, Report.Status.RENDERING)


def test_the_pdf_made_in_the_background_becomes_downloadable(client, owner, review, in_thread, held_render):
    client.force_login(owner)
    client.post(reverse("reports:pdf_request", args=[review.pk]))
    held_render.set()
    report = wait_until_finished(Report.objects.get())
    assert report.status == Report.Status.READY
    page = client.get(reverse("reports:job", args=[report.pk]))
    assert b"Download the PDF" in page.content
    download = client.get(reverse("reports:download", args=[report.pk]))
    assert b"".join(download.streaming_content) == FAKE_PDF


def test_with_htmx_the_answer_is_the_job_card_that_polls_its_progress(client, owner, review, in_thread, held_render):
    client.force_login(owner)
    response = client.post(reverse("reports:pdf_request", args=[review.pk]), headers={"HX-Request": "true"})
    report = Report.objects.get()
    assert response.status_code == 200
    html = response.content.decode()
    assert f'hx-get="{reverse("reports:job", args=[report.pk])}"' in html
    assert 'hx-trigger="every 1s"' in html


def test_a_render_that_fails_in_the_background_shows_on_the_job_page_with_retry(
    client, owner, review, in_thread, monkeypatch
):
    def broken(html: str) -> bytes:
        raise ValueError("The layout broke.")

    monkeypatch.setattr(services, "pdf_from_html", broken)
    client.force_login(owner)
    client.post(reverse("reports:pdf_request", args=[review.pk]))
    report = wait_until_finished(Report.objects.get())
    assert (report.status, report.error) == (Report.Status.FAILED, "The layout broke.")
    page = client.get(reverse("reports:job", args=[report.pk]))
    assert b"The layout broke." in page.content and b"Retry" in page.content


def test_the_renderer_is_warmed_up_once_per_process_in_the_background(monkeypatch):
    from wareview.reports import rendering

    laid_out = []
    monkeypatch.setattr(rendering, "pdf_from_html", lambda html: laid_out.append(html) or FAKE_PDF)
    monkeypatch.setattr(background, "_warmed", threading.Event())
    first = background.warm_up()
    assert first is not None
    first.result(timeout=HOLD)
    assert background.warm_up() is None
    assert len(laid_out) == 1
    assert 'href="reports/css/report-print.css"' in laid_out[0]


def test_only_the_embedded_default_renders_in_a_thread_and_warms_the_renderer_up(tmp_path):
    code = (
        "from django.conf import settings as s; from django.core.signals import request_started as r; "
        "print(s.REPORT_RENDER_IN_THREAD, any(entry[0][0] == 'reports.warm_up' for entry in r.receivers))"
    )
    env = {**PRODUCTION_ENV, "SECRET_KEY": "x" * 60, "WAREVIEW_VAR_DIR": str(tmp_path)}
    embedded = run_manage("shell", "--no-imports", "-c", code, env=env)
    with_redis = run_manage("shell", "--no-imports", "-c", code, env={**env, "REDIS_URL": "redis://127.0.0.1:6379/3"})
    assert embedded.stdout.split() == ["True", "True"], embedded.stderr
    assert with_redis.stdout.split() == ["False", "False"], with_redis.stderr
