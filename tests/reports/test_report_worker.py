"""PDF jobs through a real Redis broker and real Celery workers.

Each pytest-xdist worker routes the render task to a queue of its own, so parallel runs never take each other's
messages. Without Redis these tests skip (and fail under REQUIRE_SERVICES=1); the killed-worker test also
needs PostgreSQL, since a worker in another process must reach the test database.
"""

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tests.conftest import need_service
from tests.factories import build_lens
from tests.reports.helpers import FINISHED, QUEUE, REDIS_URL, answer, start_review, wait_for
from wareview.reports import services
from wareview.reports.models import Report
from wareview.reports.services import report_request, report_retry

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

VISIBILITY_TIMEOUT = 5


def pdf_text(report: Report) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(report.file.read())).pages)


def test_a_report_goes_from_queued_to_ready_through_a_real_worker(worker, review, owner):
    report = report_request(review=review, user=owner)
    assert report.status == Report.Status.QUEUED
    report = wait_for(report, FINISHED)
    assert (report.status, report.progress, report.attempts) == (Report.Status.READY, 100, 1), report.error
    text = pdf_text(report)
    recommendations = text[text.index("Prioritized recommendations") : text.index("Answers by focus area")]
    positions = [recommendations.index(f"Q_0{question} practice {letter}") for question, letter in ("1a", "1b", "2b")]
    assert positions == sorted(positions)


def test_a_render_that_raises_marks_the_report_failed_and_a_retry_succeeds(worker, review, owner, monkeypatch):
    real_report_html = services.report_html
    calls = []

    def report_html_failing_once(*, data):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("The layout engine ran out of paper.")
        return real_report_html(data=data)

    monkeypatch.setattr(services, "report_html", report_html_failing_once)
    report = wait_for(report_request(review=review, user=owner), FINISHED)
    assert (report.status, report.error) == (Report.Status.FAILED, "The layout engine ran out of paper.")
    report = wait_for(report_retry(report=report, user=owner), {Report.Status.READY})
    assert (report.error, report.attempts, len(calls)) == ("", 2, 2)
    assert pdf_text(report).count("Checkout service") > 1


def worker_process(name: str, log: Path, media_root: Path) -> subprocess.Popen:
    """A real `celery worker` process on this test's queue and database, quick to redeliver lost messages."""
    database = urlsplit(os.environ["DATABASE_URL"])._replace(path="/" + connection.settings_dict["NAME"]).geturl()
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "REDIS_URL": REDIS_URL,
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "MEDIA_ROOT": str(media_root),
    }
    command = [sys.executable, "-m", "celery", "-A", "wareview", "worker", "--pool=solo", "-Q", QUEUE]
    command += ["--loglevel=info", "--without-heartbeat", "--without-mingle", "--without-gossip", "-n", f"{name}@%h"]
    return subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def big_review(team, owner):
    """A review of 8 questions with long notes: its render lasts a second or so, ample time to interrupt it."""
    lens = build_lens(questions_per_area=4, areas=2)
    review = start_review(team=team, user=owner, lens=lens)
    note = "Measured in the spring load test; the connection pool was the limit. " * 12
    for question in lens.pillars.get().questions.all():
        answer(review, question.code, "no", notes=note)
    return review


def test_a_report_whose_worker_is_killed_mid_render_never_stays_rendering(broker, big_review, owner, tmp_path, client):
    need_service(connection.vendor == "postgresql", "a worker in another process needs PostgreSQL (DATABASE_URL)")
    log = tmp_path / "workers.log"
    first = worker_process("doomed", log, Path(settings.MEDIA_ROOT))
    second = None
    try:
        report = wait_for(
            report_request(review=big_review, user=owner), {Report.Status.RENDERING} | FINISHED, interval=0.01
        )
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        report.refresh_from_db()
        assert report.status == Report.Status.RENDERING, "the render finished before the worker was killed"
        # A starting worker hands back unacknowledged messages older than the visibility timeout (5 s here);
        # after that kombu sweeps only every ~100 s, so start the rescuer once the message is old enough.
        time.sleep(max(0.0, VISIBILITY_TIMEOUT + 1 - (timezone.now() - report.started_at).total_seconds()))
        second = worker_process("rescuer", log, Path(settings.MEDIA_ROOT))
        report = wait_for(report, FINISHED, timeout=30)
    finally:
        stop(first)
        if second:
            stop(second)
    if report.status == Report.Status.READY:  # redelivered to the second worker
        assert report.attempts == 2 and report.file
    else:  # failed instead: the page says why and offers a retry
        client.force_login(owner)
        page = client.get(reverse("reports:job", args=[report.pk])).content.decode()
        assert report.error and ">Retry</button>" in page, log.read_text()[-3000:]
