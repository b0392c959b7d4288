"""When the broker is down or loses a job: a PDF the broker refuses fails at once with words and a Retry, and a
report left queued longer than REPORT_QUEUED_TIMEOUT fails the same way; Retry queues either again."""

import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.project.redis_server import free_port, start_redis, stop_redis
from tests.reports.helpers import answer, reset_connections, wait_for
from wareview.celery import app as celery_app
from wareview.reports.models import NOT_QUEUED_MESSAGE, Report
from wareview.reports.services import report_request

pytestmark = pytest.mark.services

RETRY_BUTTON = ">Retry</button>"


def htmx(client, method: str, url: str):
    return getattr(client, method)(url, headers={"HX-Request": "true"})


@pytest.mark.django_db(transaction=True)  # the view sees the commit, as in production
def test_a_pdf_asked_for_while_the_broker_refuses_says_it_could_not_be_queued_and_offers_retry(
    client, owner, review, dead_broker
):
    client.force_login(owner)
    started = time.monotonic()
    response = client.post(reverse("reports:pdf_request", args=[review.pk]))
    assert time.monotonic() - started < 5, "a dead broker must not hold the request for long"
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:job", args=[report.pk])
    assert (report.status, report.error) == (Report.Status.FAILED, NOT_QUEUED_MESSAGE)
    page = client.get(response["Location"]).content.decode()
    assert "The report could not be queued" in page and RETRY_BUTTON in page
    assert 'http-equiv="refresh"' not in page


@pytest.mark.django_db(transaction=True)  # the view sees the commit, as in production
def test_with_htmx_a_refused_pdf_answers_with_the_message_and_retry_in_the_fragment(client, owner, review, dead_broker):
    client.force_login(owner)
    response = htmx(client, "post", reverse("reports:pdf_request", args=[review.pk]))
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert "The report could not be queued" in body and RETRY_BUTTON in body
    assert "hx-trigger" not in body  # nothing to poll for


@pytest.mark.django_db(transaction=True)  # the view sees the commit, as in production
def test_retrying_while_the_broker_still_refuses_fails_again_with_the_same_words(client, owner, review, dead_broker):
    report = Report.objects.create(review=review, status=Report.Status.FAILED, error=NOT_QUEUED_MESSAGE)
    client.force_login(owner)
    response = htmx(client, "post", reverse("reports:retry", args=[report.pk]))
    report.refresh_from_db()
    assert (report.status, report.error) == (Report.Status.FAILED, NOT_QUEUED_MESSAGE)
    assert NOT_QUEUED_MESSAGE in response.content.decode() and RETRY_BUTTON in response.content.decode()


@pytest.fixture
def own_broker():
    """The render task sent to a Redis of this test's own, which the test may kill."""
    port = free_port()
    process = start_redis(port)
    saved = {key: celery_app.conf[key] for key in ("broker_url", "task_always_eager")}
    celery_app.conf.update(broker_url=f"redis://127.0.0.1:{port}/0", task_always_eager=False)
    reset_connections()
    yield process
    stop_redis(process)
    celery_app.conf.update(saved)
    reset_connections()


@pytest.mark.django_db
def test_a_broker_that_dies_between_two_requests_fails_the_second_report_only(
    owner, review, own_broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = report_request(review=review, user=owner)
    stop_redis(own_broker)
    answer(review, "Q_02", "a", "b")  # other answers, so the second request cannot reuse the first report
    with django_capture_on_commit_callbacks(execute=True):
        second = report_request(review=review, user=owner)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Report.Status.QUEUED  # its message reached the broker before it died
    assert (second.status, second.error) == (Report.Status.FAILED, NOT_QUEUED_MESSAGE)


def queued_since(review, owner, seconds: float) -> Report:
    return Report.objects.create(
        review=review, requested_by=owner, queued_at=timezone.now() - timedelta(seconds=seconds)
    )


@pytest.mark.django_db
def test_a_report_queued_within_the_timeout_keeps_waiting(client, owner, review, settings):
    settings.REPORT_QUEUED_TIMEOUT = 120
    report = queued_since(review, owner, 100)
    client.force_login(owner)
    page = client.get(reverse("reports:job", args=[report.pk])).content.decode()
    report.refresh_from_db()
    assert report.status == Report.Status.QUEUED and "Waiting for a worker" in page


@pytest.mark.django_db
def test_a_report_queued_longer_than_the_timeout_shows_as_failed_with_words_and_a_retry(
    client, owner, review, settings
):
    settings.REPORT_QUEUED_TIMEOUT = 120
    report = queued_since(review, owner, 121)
    client.force_login(owner)
    fragment = htmx(client, "get", reverse("reports:job", args=[report.pk])).content.decode()
    words = "No worker started this report within 2 minutes: the job queue may have lost it. Retry."
    assert words in fragment and RETRY_BUTTON in fragment and "hx-trigger" not in fragment
    report.refresh_from_db()
    assert (report.status, report.error) == (Report.Status.QUEUED, ""), "the poll only reads; pruning records it"


@pytest.mark.django_db(transaction=True)
def test_retrying_a_report_queued_too_long_queues_it_again_and_a_worker_renders_it(
    client, owner, review, settings, worker
):
    settings.REPORT_QUEUED_TIMEOUT = 60
    report = queued_since(review, owner, 61)  # its message is lost: nothing was ever sent
    client.force_login(owner)
    response = client.post(reverse("reports:retry", args=[report.pk]))
    assert response.status_code == 302
    report = wait_for(report, {Report.Status.READY, Report.Status.FAILED})
    assert (report.status, report.attempts, report.error) == (Report.Status.READY, 1, "")
    assert timezone.now() - report.queued_at < timedelta(seconds=60)
