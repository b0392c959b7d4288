"""Writes for reports: ask for a PDF, render it (in the worker), record a failure, retry, expire lost jobs, prune.

A report moves queued → rendering → ready, or → failed with words for the user; a failed report can be
retried, which queues it again. Rendering a ready report does nothing, so a redelivered task is harmless.
"""

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from wareview.audit.models import Action
from wareview.audit.services import audit_record
from wareview.milestones.models import Milestone
from wareview.reports.models import (
    NOT_QUEUED_MESSAGE,
    PORTFOLIO_STALE_AFTER,
    STALE_AFTER,
    STALE_MESSAGE,
    PortfolioReport,
    Report,
    queued_timeout,
    queued_too_long_message,
)
from wareview.reports.rendering import (
    document_from_html,
    pdf_from_documents,
    pdf_from_html,
    portfolio_html,
    portfolio_workload_html,
    report_html,
)
from wareview.reports.selectors import (
    milestone_fingerprint,
    portfolio_report_data,
    report_data,
    review_answers_fingerprint,
    workload_report_data,
)
from wareview.reports.signals import report_ready
from wareview.reviews.models import Review
from wareview.workloads.models import Workload

logger = logging.getLogger(__name__)

ERROR_MAX_LENGTH = 2000
REPORTS_DIR = "reports"
# A file younger than this may belong to a report a worker is saving right now: pruning leaves it alone.
ORPHAN_GRACE = timedelta(hours=1)
# Without a beat scheduler (the embedded default) the app prunes in-process, at most this often per process.
PRUNE_EVERY = 60 * 60
PRUNE_DUE_KEY = "reports:prune-due"
# The render task's name: tasks.py registers it under this name, and the services send it by name, so the task
# module imports the services and never the other way round.
RENDER_TASK = "reports.render"
PORTFOLIO_RENDER_TASK = "reports.render_portfolio"


class ReportError(Exception):
    """A request the report cannot take, with words for the person who made it."""


class ReportRateLimited(ReportError):
    """The person already queued as many PDFs this minute as REPORT_REQUESTS_PER_MINUTE allows."""

    def __init__(self, *, limit: int, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(
            f"You have asked for {limit} PDFs in the last minute, the most one person may. "
            f"Please wait {retry_after} seconds and try again."
        )


@dataclass(frozen=True)
class PruneResult:
    reports: int
    orphan_files: int
    expired: int = 0


@transaction.atomic
def report_request(*, review: Review, user, milestone: Milestone | None = None) -> Report:
    """A PDF of `review` (as at `milestone` when given): the live report (queued, rendering or ready) of the same
    answers if there is one, so a double click makes one job; otherwise a new report, sent to the worker once this
    transaction commits.

    Requests for the same review take turns on the review's row, so two at once cannot both make a job.
    Raises ReportRateLimited when `user` reached REPORT_REQUESTS_PER_MINUTE."""
    lens_id = Review.objects.select_for_update().values_list("lens_id", flat=True).get(pk=review.pk)
    if milestone:
        fingerprint = milestone_fingerprint(milestone=milestone)
    else:
        fingerprint = review_answers_fingerprint(review_id=review.pk, lens_id=lens_id)
    report = Report.objects.live().filter(review_id=review.pk, answers_fingerprint=fingerprint).first()
    if report is not None:
        return report
    _check_rate(user=user)
    report = Report.objects.create(
        review=review, milestone=milestone, requested_by=user, answers_fingerprint=fingerprint
    )
    _enqueue(report_id=report.pk)
    if current_app.conf.task_always_eager:
        transaction.on_commit(_report_prune_if_due)
    return report


def report_retry(*, report: Report, user) -> Report:
    """Queue a failed report again (a report lost by its worker, or left queued too long, counts as failed).
    ReportError otherwise; ReportRateLimited when `user` reached REPORT_REQUESTS_PER_MINUTE."""
    report = report_expire_stale(report=report)
    if report.status != Report.Status.FAILED:
        raise ReportError("Only a report that failed can be retried.")
    _check_rate(user=user)
    with transaction.atomic():
        queued = Report.objects.filter(pk=report.pk, status=Report.Status.FAILED).update(
            status=Report.Status.QUEUED,
            error="",
            progress=0,
            queued_at=timezone.now(),
            started_at=None,
            finished_at=None,
            requested_by=user,
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
    # The answers as they are now, read before the data: a later request for the same answers reuses this report.
    if report.milestone:
        report.answers_fingerprint = milestone_fingerprint(milestone=report.milestone)
    else:
        fingerprint = review_answers_fingerprint(review_id=report.review_id, lens_id=report.review.lens_id)
        report.answers_fingerprint = fingerprint
    data = report_data(review=report.review, milestone=report.milestone)
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
    """Fail a report that will not finish by itself (see `Report.stale_reason`), so it can be retried."""
    reason = report.stale_reason()
    if reason:
        Report.objects.filter(
            pk=report.pk, status=report.status, queued_at=report.queued_at, started_at=report.started_at
        ).update(status=Report.Status.FAILED, error=reason, finished_at=timezone.now())
        report.refresh_from_db()
    return report


def report_expire_all_stale(*, now=None) -> int:
    """Fail every report that will not finish by itself (see `Report.stale_reason`), so the rows say what the job
    page already shows; return how many. Pruning runs it: the job page only reads."""
    now = now or timezone.now()
    lost_cutoff = now - STALE_AFTER
    lost = Report.objects.filter(status=Report.Status.RENDERING).filter(
        Q(started_at__lt=lost_cutoff) | Q(started_at=None, created_at__lt=lost_cutoff)
    )
    waited = Report.objects.filter(status=Report.Status.QUEUED, queued_at__lt=now - queued_timeout())
    with transaction.atomic():
        expired = lost.update(status=Report.Status.FAILED, error=STALE_MESSAGE, finished_at=now)
        expired += waited.update(status=Report.Status.FAILED, error=queued_too_long_message(), finished_at=now)
    return expired


def report_downloaded(*, report: Report, by, ip: str | None = None) -> None:
    """Record in the audit log that `by` downloaded the PDF of `report` (loaded with its review's workload)."""
    workload = report.review.workload
    audit_record(
        action=Action.REPORT_DOWNLOADED,
        actor=by,
        team=workload.team_id,
        target=f"{workload.name}: {report.download_name()}",
        details={"report": report.pk, "review": report.review_id},
        ip=ip,
    )


def report_prune(*, days: int | None = None, now=None) -> PruneResult:
    """Delete the reports asked for more than `days` (default REPORT_RETENTION_DAYS) days ago with their files,
    and every file under MEDIA_ROOT/reports/ that no report names (left by a crash, or by rows deleted without
    their signal) once it is an hour old. Deleting a report deletes its file (signals.py), so deleted reviews and
    workloads leave none behind. Reports given up on are marked failed first (`report_expire_all_stale`)."""
    now = now or timezone.now()
    expired = report_expire_all_stale(now=now) + portfolio_report_expire_all_stale(now=now)
    cutoff = now - timedelta(days=settings.REPORT_RETENTION_DAYS if days is None else days)
    with transaction.atomic():
        _, deleted_by_model = Report.objects.filter(created_at__lt=cutoff).delete()
        _, deleted_portfolios = PortfolioReport.objects.filter(created_at__lt=cutoff).delete()
    deleted = deleted_by_model.get(Report._meta.label, 0) + deleted_portfolios.get(PortfolioReport._meta.label, 0)
    named = set(Report.objects.exclude(file="").values_list("file", flat=True))
    named |= set(PortfolioReport.objects.exclude(file="").values_list("file", flat=True))
    orphans = 0
    for name in _stored_files(REPORTS_DIR):
        if name not in named and now - default_storage.get_modified_time(name) > ORPHAN_GRACE:
            default_storage.delete(name)
            orphans += 1
    logger.info("Pruned %d reports and %d orphan report files; %d stale reports failed", deleted, orphans, expired)
    return PruneResult(reports=deleted, orphan_files=orphans, expired=expired)


def _stored_files(directory: str) -> list[str]:
    if not default_storage.exists(directory):
        return []
    subdirectories, files = default_storage.listdir(directory)
    names = [f"{directory}/{name}" for name in files]
    for subdirectory in subdirectories:
        names += _stored_files(f"{directory}/{subdirectory}")
    return names


def _report_prune_if_due() -> None:
    """Prune in-process when no beat scheduler runs (the embedded default), at most once per PRUNE_EVERY."""
    try:
        due = cache.add(PRUNE_DUE_KEY, True, timeout=PRUNE_EVERY)
        if due:
            report_prune()
    except Exception:  # housekeeping must never fail the request that happened to trigger it
        logger.exception("Pruning old reports failed")


def _check_rate(*, user) -> None:
    """Count the PDFs `user` queues in this minute of the clock, in the cache; raise once over the limit.

    The limit protects the workers, not the data: a cache that cannot count lets every request through."""
    limit = settings.REPORT_REQUESTS_PER_MINUTE
    if not limit:
        return
    now = time.time()
    key = f"reports:queued:{user.pk}:{int(now // 60)}"
    try:
        cache.add(key, 0, timeout=120)
        count = cache.incr(key)
    except Exception:  # Redis down (without django-redis' IGNORE_EXCEPTIONS), or the key already gone
        logger.warning("The PDF rate limit could not be counted for user %s", user.pk, exc_info=True)
        return
    if count is not None and count > limit:
        raise ReportRateLimited(limit=limit, retry_after=60 - int(now % 60))


def _enqueue(*, report_id: int) -> None:
    transaction.on_commit(partial(_send, report_id=report_id))


def _send(*, report_id: int, task: str = RENDER_TASK, fail: Callable[..., object] | None = None) -> None:
    """Hand the job to the broker (`task`: a review's report by default, or a portfolio PDF's); if it refuses
    (Redis down), fail it with words and a Retry (`fail`, `report_fail` by default), rather than leave it queued
    forever."""
    try:
        current_app.tasks[task].delay(report_id)
    except Exception:  # kombu's OperationalError, or whatever else keeps the message from the queue
        logger.exception("Report %s (%s) could not be queued", report_id, task)
        (fail or report_fail)(report_id=report_id, error=NOT_QUEUED_MESSAGE)


@transaction.atomic
def _report_claim(*, report_id: int) -> Report:
    report = (
        Report.objects.select_for_update(of=("self",))
        .select_related("review__workload__team", "review__lens", "milestone__lens", "milestone__workload")
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
    report.save(update_fields=["file", "status", "progress", "error", "finished_at", "answers_fingerprint"])
    logger.info("Report %s ready: %d bytes", report.pk, len(pdf))
    transaction.on_commit(partial(report_ready.send, sender=Report, report=report))
    return report


# PDFs of several workloads (`PortfolioReport`): the workloads a portfolio's filters select, or one whole
# workload. The same rules as a review's PDF (rate limit, broker refusal, given up on, retry, pruning), a job of
# its own since a `Report` belongs to one review.


@transaction.atomic
def portfolio_report_request(
    *,
    user,
    workloads: QuerySet[Workload],
    kind: str = PortfolioReport.Kind.PORTFOLIO,
    filters: dict[str, Any] | None = None,
    filters_in_words: Sequence[str] = (),
    query: str = "",
) -> PortfolioReport:
    """A PDF of `workloads` (what `user` can see, as the caller selected them: their ids are recorded, so the
    PDF shows this selection), sent to the worker once this transaction commits.

    ReportError when the selection is empty or larger than PORTFOLIO_PDF_MAX_WORKLOADS, with nothing queued;
    ReportRateLimited when `user` reached REPORT_REQUESTS_PER_MINUTE. A fixed number of queries."""
    limit = settings.PORTFOLIO_PDF_MAX_WORKLOADS
    ids = list(workloads.values_list("pk", flat=True)[: limit + 1])
    if not ids:
        raise ReportError("No workload matches these filters, so there is nothing to put in a PDF.")
    if len(ids) > limit:
        raise ReportError(
            f"These filters select {workloads.count()} workloads; one PDF takes at most {limit}. "
            "Narrow the filters (a team, an environment, a lens or a tag) and ask again."
        )
    _check_rate(user=user)
    report = PortfolioReport.objects.create(
        kind=kind,
        requested_by=user,
        filters=filters or {},
        filters_in_words=list(filters_in_words),
        query=query,
        workload_count=len(ids),
    )
    links = PortfolioReport.workloads.through
    links.objects.bulk_create([links(portfolioreport_id=report.pk, workload_id=pk) for pk in ids])
    transaction.on_commit(partial(_send_portfolio, report_id=report.pk))
    return report


def portfolio_report_render(*, report_id: int) -> PortfolioReport:
    """Lay out the summary, then each workload in turn (every open review's report), moving `progress` along
    after each, join the pages and store the file. A ready report is returned untouched."""
    report = _portfolio_report_claim(report_id=report_id)
    if report.status == PortfolioReport.Status.READY:
        return report
    data = portfolio_report_data(report=report)
    documents = [document_from_html(portfolio_html(data=data))]
    workloads = data.workloads
    _portfolio_report_progress(report=report, done=0, total=len(workloads))
    for position, workload in enumerate(workloads, start=1):
        html = portfolio_workload_html(
            data=data, workload=workload, reports=workload_report_data(workload=workload), position=position
        )
        documents.append(document_from_html(html))
        _portfolio_report_progress(report=report, done=position, total=len(workloads))
    pdf = pdf_from_documents(documents)
    if report.file:
        report.file.delete(save=False)
    report.file.save(report.download_name(), ContentFile(pdf), save=False)
    report.status, report.progress, report.error = PortfolioReport.Status.READY, 100, ""
    report.finished_at = timezone.now()
    report.save(update_fields=["file", "status", "progress", "error", "finished_at"])
    logger.info("Portfolio report %s ready: %d workloads, %d bytes", report.pk, len(workloads), len(pdf))
    return report


def portfolio_report_fail(*, report_id: int, error: str) -> None:
    """Mark the report failed with `error`, unless it became ready meanwhile."""
    PortfolioReport.objects.filter(pk=report_id).exclude(status=PortfolioReport.Status.READY).update(
        status=PortfolioReport.Status.FAILED, error=error[:ERROR_MAX_LENGTH], finished_at=timezone.now()
    )


def portfolio_report_retry(*, report: PortfolioReport, user) -> PortfolioReport:
    """Queue a failed report again (one given up on counts as failed). ReportError otherwise; ReportRateLimited
    when `user` reached REPORT_REQUESTS_PER_MINUTE."""
    reason = report.stale_reason()
    if reason:
        PortfolioReport.objects.filter(pk=report.pk, status=report.status, queued_at=report.queued_at).update(
            status=PortfolioReport.Status.FAILED, error=reason, finished_at=timezone.now()
        )
        report.refresh_from_db()
    if report.status != PortfolioReport.Status.FAILED:
        raise ReportError("Only a report that failed can be retried.")
    _check_rate(user=user)
    with transaction.atomic():
        queued = PortfolioReport.objects.filter(pk=report.pk, status=PortfolioReport.Status.FAILED).update(
            status=PortfolioReport.Status.QUEUED,
            error="",
            progress=0,
            workloads_done=0,
            queued_at=timezone.now(),
            started_at=None,
            finished_at=None,
        )
        if not queued:
            raise ReportError("Only a report that failed can be retried.")
        transaction.on_commit(partial(_send_portfolio, report_id=report.pk))
    report.refresh_from_db()
    return report


def portfolio_report_expire_all_stale(*, now=None) -> int:
    """Fail every portfolio report that will not finish by itself; return how many (see `report_expire_all_stale`)."""
    now = now or timezone.now()
    lost_cutoff = now - PORTFOLIO_STALE_AFTER
    lost = PortfolioReport.objects.filter(status=PortfolioReport.Status.RENDERING).filter(
        Q(started_at__lt=lost_cutoff) | Q(started_at=None, created_at__lt=lost_cutoff)
    )
    waited = PortfolioReport.objects.filter(status=PortfolioReport.Status.QUEUED, queued_at__lt=now - queued_timeout())
    with transaction.atomic():
        expired = lost.update(status=PortfolioReport.Status.FAILED, error=STALE_MESSAGE, finished_at=now)
        failed = PortfolioReport.Status.FAILED
        expired += waited.update(status=failed, error=queued_too_long_message(), finished_at=now)
    return expired


def portfolio_report_downloaded(*, report: PortfolioReport, by, ip: str | None = None) -> None:
    """Record in the audit log of each team whose workloads the PDF shows that `by` downloaded it."""
    by_team: dict[int, list[str]] = {}
    for team_id, name in report.workloads.order_by("name").values_list("team_id", "name"):
        by_team.setdefault(team_id, []).append(name)
    for team_id, names in by_team.items():
        audit_record(
            action=Action.REPORT_DOWNLOADED,
            actor=by,
            team=team_id,
            target=f"{', '.join(names)}: {report.download_name()}",
            details={"portfolio_report": report.pk, "workloads": len(names)},
            ip=ip,
        )


def _send_portfolio(*, report_id: int) -> None:
    _send(report_id=report_id, task=PORTFOLIO_RENDER_TASK, fail=portfolio_report_fail)


@transaction.atomic
def _portfolio_report_claim(*, report_id: int) -> PortfolioReport:
    report = PortfolioReport.objects.select_for_update(of=("self",)).select_related("requested_by").get(pk=report_id)
    if report.status != PortfolioReport.Status.READY:
        report.status = PortfolioReport.Status.RENDERING
        report.progress, report.workloads_done, report.error = 5, 0, ""
        report.started_at, report.finished_at = timezone.now(), None
        report.attempts = F("attempts") + 1
        fields = ["status", "progress", "workloads_done", "error", "started_at", "finished_at", "attempts"]
        report.save(update_fields=fields)
        report.refresh_from_db(fields=["attempts"])
    return report


def _portfolio_report_progress(*, report: PortfolioReport, done: int, total: int) -> None:
    """10% once the summary is laid out, then an equal share of the next 80% for each workload."""
    progress = 10 + (80 * done // total if total else 80)
    PortfolioReport.objects.filter(pk=report.pk, status=PortfolioReport.Status.RENDERING).update(
        progress=progress, workloads_done=done, workload_count=total
    )
    report.progress, report.workloads_done, report.workload_count = progress, done, total
