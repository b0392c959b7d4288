"""The Celery tasks of PDF jobs: one render adapter around `services.job_render`, registered once per kind of job
(its name and time limits), and the hourly prune.

Transient errors (the database or a connection dropping) are retried with backoff; anything else marks the job
failed with its message. `acks_late` with `reject_on_worker_lost` hands the message back to the broker when the
worker dies mid-render, so another worker renders it; if none does, the job shows as failed once it is older
than its hard time limit (`PdfJob.has_failed`), and Retry or the pruning records it.
"""

import logging

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import DatabaseError, InterfaceError, OperationalError

from wareview.reports.services import PORTFOLIO_JOB, REPORT_JOB, JobKind, job_fail, job_render, jobs_prune

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


def _render_task(kind: JobKind) -> Task:
    """The render task of `kind`, under the name the services send it by, with the limits of its model."""

    @shared_task(
        name=kind.task,
        bind=True,
        acks_late=True,
        reject_on_worker_lost=True,
        autoretry_for=TRANSIENT_ERRORS,
        retry_backoff=True,
        max_retries=3,
        soft_time_limit=kind.model.render_soft_time_limit,
        time_limit=kind.model.render_time_limit,
    )
    def render(self: Task, job_id: int) -> None:
        _render(self, kind=kind, job_id=job_id)

    return render


def _render(task: Task, *, kind: JobKind, job_id: int) -> None:
    """Render the job `job_id` of `kind`, recording on its row why it failed."""
    try:
        job_render(kind=kind, job_id=job_id)
    except kind.model.DoesNotExist:
        logger.info("%s %s was deleted before it was rendered.", kind.model.__name__, job_id)
    except TRANSIENT_ERRORS as error:
        if task.max_retries is not None and task.request.retries >= task.max_retries:
            _record_failure(kind, job_id, f"Rendering failed {task.max_retries + 1} times: {error}")
        raise
    except SoftTimeLimitExceeded:
        limit = kind.model.render_soft_time_limit
        _record_failure(kind, job_id, f"Rendering took longer than {limit} seconds and was stopped.")
        raise
    except Exception as error:
        _record_failure(kind, job_id, str(error) or type(error).__name__)
        raise


def _record_failure(kind: JobKind, job_id: int, message: str) -> None:
    try:
        job_fail(kind=kind, job_id=job_id, error=message)
    except DatabaseError:  # the job still shows as failed once stale; Retry or pruning records it
        logger.exception("Could not record the failure of %s %s", kind.model.__name__, job_id)


report_render_task = _render_task(REPORT_JOB)
portfolio_report_render_task = _render_task(PORTFOLIO_JOB)


@shared_task(name="reports.prune")
def report_prune_task() -> None:
    """Run by Celery beat (CELERY_BEAT_SCHEDULE): old PDF jobs and orphan files go."""
    jobs_prune()
