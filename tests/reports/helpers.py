"""Helpers of the report tests: members, reviews and answers, made through the apps' own services; the broker
and worker plumbing of the tests that run real Celery workers."""

import os
import time
from contextlib import contextmanager

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import OperationalError, connections
from kombu import pools

from tests.conftest import need_service
from tests.factories import build_lens
from wareview.celery import app as celery_app
from wareview.lenses.models import Lens
from wareview.reports.models import Report
from wareview.reviews.models import Answer, Review
from wareview.reviews.services import AnswerState, answer_save, review_start
from wareview.teams.models import Team
from wareview.workloads.models import Workload


def start_review(*, team: Team, user, lens: Lens | None = None, name: str = "Checkout service") -> Review:
    workload = Workload.objects.create(team=team, name=name, review_owner="Ada Architect", created_by=user)
    return review_start(workload=workload, lens=lens or build_lens(), user=user)


def answer(review: Review, code: str, *letters: str, notes: str = "", reason: str = "", user=None) -> Answer:
    """Answer question `code` with its practices `letters` ("a", "b", "no"…), or as not applicable with `reason`."""
    current = Answer.objects.get(review=review, question__code=code)
    data = AnswerState(
        selected=[f"{code.lower()}_{letter}" for letter in letters],
        not_applicable=bool(reason),
        reason=reason,
        notes=notes,
    )
    return answer_save(answer=current, user=user or review.created_by, data=data, expected_version=current.version)


# Each pytest-xdist worker routes the render task to a queue of its own, so parallel runs never take each
# other's messages.
REDIS_URL = os.environ.get("REDIS_URL", "")
QUEUE = f"wareview-test-reports-{os.environ.get('PYTEST_XDIST_WORKER', 'gw0')}"
FINISHED = {Report.Status.READY, Report.Status.FAILED}


def redis_available() -> bool:
    if not REDIS_URL:
        return False
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def reset_connections() -> None:
    """Close the cached broker connections, so the next send uses the broker now configured."""
    pools.reset()
    celery_app._pool = None
    if "amqp" in celery_app.__dict__:
        celery_app.amqp._producer_pool = None


def close_thread_connections(**kwargs) -> None:
    connections.close_all()  # in the worker's thread, so the test database can be flushed and dropped


def wait_for(report: Report, statuses: set, timeout: float = 25.0, interval: float = 0.1) -> Report:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            report.refresh_from_db()
        except OperationalError:  # SQLite's shared test database may be locked by the worker for a moment
            pass
        else:
            if report.status in statuses:
                return report
        time.sleep(interval)
    pytest.fail(f"Report {report.pk} still {report.status} after {timeout} s (progress {report.progress})")


@contextmanager
def own_queue(task_names: str | tuple[str, ...], queue: str):
    """Route `task_names` (one name or several) to `queue`, this xdist worker's own, on the real Redis, for one
    test only."""
    need_service(redis_available(), "Redis is not reachable at REDIS_URL")
    keys = ("broker_url", "task_always_eager", "task_routes")
    saved = {key: celery_app.conf[key] for key in keys}
    names = (task_names,) if isinstance(task_names, str) else task_names
    celery_app.conf.update(
        broker_url=REDIS_URL, task_always_eager=False, task_routes={name: {"queue": queue} for name in names}
    )
    reset_connections()
    redis.Redis.from_url(REDIS_URL).delete(queue)
    try:
        yield queue
    finally:
        celery_app.conf.update(saved)
        reset_connections()


@contextmanager
def worker_on(queue: str):
    """A Celery worker in a thread of this process, consuming `queue`."""
    task_postrun.connect(close_thread_connections, weak=False)
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=30):
            yield
    finally:
        task_postrun.disconnect(close_thread_connections)
