"""Writes for reports: ask for a PDF, render it (in the worker), record a failure, retry, expire a lost job.

A report moves queued → rendering → ready, or → failed with words for the user; a failed report can be
retried, which queues it again. Rendering a ready report does nothing, so a redelivered task is harmless.
"""

import logging
from functools import partial

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from wareview.reports.models import STALE_MESSAGE, Report
from wareview.reports.rendering import pdf_from_html, report_html
from wareview.reports.selectors import report_data
from wareview.reviews.models import Review

logger = logging.getLogger(__name__)

ERROR_MAX_LENGTH = 2000


class ReportError(Exception):
    """A request the report cannot take, with words for the person who made it."""


@transaction.atomic
def report_request(*, review: Review, user) -> Report:
    """Queue a PDF of `review`; the worker starts once this transaction commits."""
    report = Report.objects.create(review=review, requested_by=user)
    _enqueue(report_id=report.pk)
    return report


@transaction.atomic
def report_retry(*, report: Report, user) -> Report:
    """Queue a failed report again (a report lost by its worker counts as failed). ReportError otherwise."""
    report = report_expire_stale(report=report)
    queued = Report.objects.filter(pk=report.pk, status=Report.Status.FAILED).update(
        status=Report.Status.QUEUED, error="", progress=0, started_at=None, finished_at=None, requested_by=user
    )
    if not queued:
        raise ReportError("Only a report that failed can be retried.")
    _enqueue(report_id=report.pk)
    report.refresh_from_db()
    return report


def report_render(*, report_id: int) -> Report:
    """Build the data, the HTML and the PDF of report `report_id` and store the file, moving `progress` along.

    A ready report is returned untouched; any other (queued, failed, or "rendering" after its worker died and
    the broker redelivered the task) is rendered."""
    report = _report_claim(report_id=report_id)
    if report.status == Report.Status.READY:
        return report
    data = report_data(review=report.review)
    _report_progress(report=report, progress=40)
    pdf = pdf_from_html(report_html(data=data))
    _report_progress(report=report, progress=90)
    return _report_store(report=report, pdf=pdf)


def report_fail(*, report_id: int, error: str) -> None:
    """Mark the report failed with `error`, unless it became ready meanwhile."""
    Report.objects.filter(pk=report_id).exclude(status=Report.Status.READY).update(
        status=Report.Status.FAILED, error=error[:ERROR_MAX_LENGTH], finished_at=timezone.now()
    )


def report_expire_stale(*, report: Report) -> Report:
    """Fail a report still "rendering" long after the task's hard time limit: its worker is gone."""
    if report.is_stale():
        Report.objects.filter(pk=report.pk, status=Report.Status.RENDERING, started_at=report.started_at).update(
            status=Report.Status.FAILED, error=STALE_MESSAGE, finished_at=timezone.now()
        )
        report.refresh_from_db()
    return report


def _enqueue(*, report_id: int) -> None:
    from wareview.reports.tasks import report_render_task  # the task module imports this one

    transaction.on_commit(partial(report_render_task.delay, report_id))


@transaction.atomic
def _report_claim(*, report_id: int) -> Report:
    report = (
        Report.objects.select_for_update(of=("self",))
        .select_related("review__workload__team", "review__lens")
        .get(pk=report_id)
    )
    if report.status != Report.Status.READY:
        report.status = Report.Status.RENDERING
        report.progress, report.error = 10, ""
        report.started_at, report.finished_at = timezone.now(), None
        report.attempts = F("attempts") + 1
        report.save(update_fields=["status", "progress", "error", "started_at", "finished_at", "attempts"])
        report.refresh_from_db(fields=["attempts"])
    return report


def _report_progress(*, report: Report, progress: int) -> None:
    Report.objects.filter(pk=report.pk, status=Report.Status.RENDERING).update(progress=progress)
    report.progress = progress


def _report_store(*, report: Report, pdf: bytes) -> Report:
    if report.file:
        report.file.delete(save=False)
    report.file.save(report.download_name(), ContentFile(pdf), save=False)
    report.status, report.progress, report.error = Report.Status.READY, 100, ""
    report.finished_at = timezone.now()
    report.save(update_fields=["file", "status", "progress", "error", "finished_at"])
    logger.info("Report %s ready: %d bytes", report.pk, len(pdf))
    return report
