"""The Celery task that renders a report: a thin adapter around `services.report_render`.

Transient errors (the database or a connection dropping) are retried with backoff; anything else marks the
report failed with its message. `acks_late` with `reject_on_worker_lost` hands the message back to the broker
when the worker dies mid-render, so another worker renders it; if none does, the report shows as failed once it
is older than the hard time limit (`Report.has_failed`), and Retry or the pruning records it.
"""

import logging
from collections.abc import Callable

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import DatabaseError, InterfaceError, OperationalError

from wareview.reports.models import (
    PORTFOLIO_RENDER_SOFT_TIME_LIMIT,
    PORTFOLIO_RENDER_TIME_LIMIT,
    RENDER_SOFT_TIME_LIMIT,
    RENDER_TIME_LIMIT,
    PortfolioReport,
    Report,
)
from wareview.reports.services import (
    PORTFOLIO_RENDER_TASK,
    RENDER_TASK,
    portfolio_report_fail,
    portfolio_report_render,
    report_fail,
    report_prune,
    report_render,
)

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


@shared_task(
    name=RENDER_TASK,
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=RENDER_SOFT_TIME_LIMIT,
    time_limit=RENDER_TIME_LIMIT,
)
def report_render_task(self, report_id: int) -> None:
    _render(self, report_id, render=report_render, fail=report_fail, soft_limit=RENDER_SOFT_TIME_LIMIT, job=Report)


def _render(
    task, report_id: int, *, render: Callable, fail: Callable, soft_limit: int, job: type[Report | PortfolioReport]
) -> None:
    """Render the job `report_id` (a `Report` or a `PortfolioReport`), recording on its row why it failed."""
    name = job.__name__
    try:
        render(report_id=report_id)
    except job.DoesNotExist:
        logger.info("%s %s was deleted before it was rendered.", name, report_id)
    except TRANSIENT_ERRORS as error:
        if task.request.retries >= task.max_retries:
            _record_failure(fail, name, report_id, f"Rendering failed {task.max_retries + 1} times: {error}")
        raise
    except SoftTimeLimitExceeded:
        _record_failure(fail, name, report_id, f"Rendering took longer than {soft_limit} seconds and was stopped.")
        raise
    except Exception as error:
        _record_failure(fail, name, report_id, str(error) or type(error).__name__)
        raise


def _record_failure(fail: Callable, name: str, report_id: int, message: str) -> None:
    try:
        fail(report_id=report_id, error=message)
    except DatabaseError:  # the report still shows as failed once stale; Retry or pruning records it
        logger.exception("Could not record the failure of %s %s", name, report_id)


@shared_task(
    name=PORTFOLIO_RENDER_TASK,
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=PORTFOLIO_RENDER_SOFT_TIME_LIMIT,
    time_limit=PORTFOLIO_RENDER_TIME_LIMIT,
)
def portfolio_report_render_task(self, report_id: int) -> None:
    """The same adapter as `report_render_task`, for a PDF of several workloads."""
    _render(
        self,
        report_id,
        render=portfolio_report_render,
        fail=portfolio_report_fail,
        soft_limit=PORTFOLIO_RENDER_SOFT_TIME_LIMIT,
        job=PortfolioReport,
    )


@shared_task(name="reports.prune")
def report_prune_task() -> None:
    """Run by Celery beat (CELERY_BEAT_SCHEDULE): old reports and orphan files go."""
    report_prune()
