"""Writes for PDF jobs: ask for a PDF, render it (in the worker), record a failure, retry, expire lost jobs, prune.

One pipeline for every kind of PDF job (`models.PdfJob`: a review's `Report`, a `PortfolioReport`): a job moves
queued → rendering → ready, or → failed with words for the user; a failed job can be retried, which queues it
again. Rendering a ready job does nothing, so a redelivered task is harmless. What a kind does its own way —
how it is asked for, how its pages are laid out, what its download records — is its `JobKind`, at the end.
"""

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any, Generic, TypeVar, cast

from celery import current_app
from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from wareview.audit.models import Action
from wareview.audit.services import audit_record
from wareview.milestones.models import Milestone
from wareview.reports.background import run_in_background
from wareview.reports.models import (
    NOT_QUEUED_MESSAGE,
    STALE_MESSAGE,
    JobStatus,
    PdfJob,
    PortfolioReport,
    Report,
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
# What a ready job whose file is no longer in the storage says (deleted by hand, a bucket emptied, a restore of the
# database without its files): its download answers 410 with these words, and Retry or "Export PDF" makes it again.
FILE_GONE_MESSAGE = "The PDF file is gone from storage: make it again."
# A file younger than this may belong to a job a worker is saving right now: pruning leaves it alone.
ORPHAN_GRACE = timedelta(hours=1)
# Without a beat scheduler (the embedded default) the app prunes in-process, at most this often per process.
PRUNE_EVERY = 60 * 60
PRUNE_DUE_KEY = "reports:prune-due"
# The render tasks' names, one per kind: tasks.py registers them under these names, and the services send them
# by name, so the task module imports the services and never the other way round.
RENDER_TASK = "reports.render"
PORTFOLIO_RENDER_TASK = "reports.render_portfolio"

_Job = TypeVar("_Job", bound=PdfJob)


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
class DownloadAudit:
    """One audit entry of a download: the team whose workloads the PDF shows, their names, and details."""

    team_id: int
    workloads: list[str]
    details: dict[str, Any]


@dataclass(frozen=True)
class JobKind(Generic[_Job]):
    """What one kind of PDF job does its own way. Every step around it is the same for all kinds."""

    model: type[_Job]
    # The render task's name; tasks.py registers one per kind, with the model's time limits.
    task: str
    # What the render reads with the row (`select_related`).
    reads: tuple[str, ...]
    # The PDF of a claimed job, moving its progress along (`_job_progress`).
    lay_out: Callable[[_Job], bytes]
    # The audit entries of a download: one per team whose workloads the PDF shows.
    audits: Callable[[_Job], list[DownloadAudit]]
    # Fields `lay_out` sets on the row, saved with the file.
    stamps: tuple[str, ...] = ()
    # Called after the commit of a job that became ready.
    on_ready: Callable[[_Job], object] | None = None
    # Only the person who asked sees a private job, so a retry never hands it to anyone else; a team's job
    # becomes the job of whoever retried it.
    private: bool = False


@dataclass(frozen=True)
class PruneResult:
    reports: int
    orphan_files: int
    expired: int = 0


# The steps of every PDF job, each once.


def job_request(*, job: _Job, user: User) -> _Job:
    """Save the new `job` and send it to the worker once the caller's transaction commits. The caller (a kind's
    `…_request`) decided what the job shows. Raises ReportRateLimited when `user` reached
    REPORT_REQUESTS_PER_MINUTE, with nothing saved."""
    _check_rate(user=user)
    job.save()
    _job_enqueue(job=job)
    if current_app.conf.task_always_eager:
        transaction.on_commit(_jobs_prune_if_due)
    return job


def job_render(*, kind: JobKind[_Job], job_id: int) -> _Job:
    """Lay out the PDF of job `job_id` (`kind.lay_out`, moving `progress` along) and store the file.

    A ready job is returned untouched; any other (queued, failed, or "rendering" after its worker died and the
    broker redelivered the task) is rendered."""
    job = _job_claim(kind=kind, job_id=job_id)
    if job.status == JobStatus.READY:
        return job
    return _job_store(kind=kind, job=job, pdf=kind.lay_out(job))


def job_fail(*, kind: JobKind, job_id: int, error: str) -> None:
    """Mark the job failed with `error`, unless it became ready meanwhile."""
    kind.model.objects.filter(pk=job_id).exclude(status=JobStatus.READY).update(
        status=JobStatus.FAILED, error=error[:ERROR_MAX_LENGTH], finished_at=timezone.now()
    )


def job_retry(*, job: _Job, user: User) -> _Job:
    """Queue a failed job again (a job lost by its worker, or left queued too long, counts as failed, and so does
    a ready job whose file is gone from the storage). ReportError otherwise; ReportRateLimited when `user`
    reached REPORT_REQUESTS_PER_MINUTE."""
    job = job_expire_stale(job=job)
    job = job_fail_if_file_gone(job=job)
    if job.status != JobStatus.FAILED:
        raise ReportError("Only a report that failed can be retried.")
    _check_rate(user=user)
    asker = {} if job_kind(job).private else {"requested_by": user}
    with transaction.atomic():
        queued = (
            type(job)
            .objects.filter(pk=job.pk, status=JobStatus.FAILED)
            .update(
                status=JobStatus.QUEUED,
                error="",
                progress=0,
                queued_at=timezone.now(),
                started_at=None,
                finished_at=None,
                **dict.fromkeys(job.part_counters, 0),
                **asker,
            )
        )
        if not queued:
            raise ReportError("Only a report that failed can be retried.")
        _job_enqueue(job=job)
    job.refresh_from_db()
    return job


def job_expire_stale(*, job: _Job) -> _Job:
    """Fail a job that will not finish by itself (see `PdfJob.stale_reason`), so it can be retried."""
    reason = job.stale_reason()
    if reason:
        type(job).objects.filter(
            pk=job.pk, status=job.status, queued_at=job.queued_at, started_at=job.started_at
        ).update(status=JobStatus.FAILED, error=reason, finished_at=timezone.now())
        job.refresh_from_db()
    return job


def job_fail_if_file_gone(*, job: _Job) -> _Job:
    """Fail a ready job whose file the storage no longer has (FILE_GONE_MESSAGE), so it can be made again."""
    if job.status == JobStatus.READY and job.file and not job.file.storage.exists(job.file.name):
        type(job).objects.filter(pk=job.pk, status=JobStatus.READY, file=job.file.name).update(
            status=JobStatus.FAILED, error=FILE_GONE_MESSAGE, finished_at=timezone.now()
        )
        job.refresh_from_db()
    return job


def jobs_expire_stale(*, now: datetime | None = None) -> int:
    """Fail every job, of every kind, that will not finish by itself (see `PdfJob.stale_reason`), so the rows say
    what the job pages already show; return how many. Pruning runs it: the job pages only read."""
    now = now or timezone.now()
    expired = 0
    with transaction.atomic():
        for kind in KINDS.values():
            jobs = kind.model.objects
            expired += jobs.lost(now).update(status=JobStatus.FAILED, error=STALE_MESSAGE, finished_at=now)
            waited = jobs.waited_too_long(now)
            expired += waited.update(status=JobStatus.FAILED, error=queued_too_long_message(), finished_at=now)
    return expired


def job_downloaded(*, job: PdfJob, by: User, ip: str | None = None) -> None:
    """Record in the audit log of each team whose workloads the PDF shows that `by` downloaded it."""
    for entry in job_kind(job).audits(job):
        audit_record(
            action=Action.REPORT_DOWNLOADED,
            actor=by,
            team=entry.team_id,
            target=f"{', '.join(entry.workloads)}: {job.download_name()}",
            details=entry.details,
            ip=ip,
        )


def jobs_prune(*, days: int | None = None, now: datetime | None = None) -> PruneResult:
    """Delete the jobs asked for more than `days` (default REPORT_RETENTION_DAYS) days ago with their files, and
    every file under reports/ in the storage that no job names (left by a crash, or by rows deleted without their
    signal) once it is an hour old. Deleting a job deletes its file (signals.py), so deleted reviews and
    workloads leave none behind. Jobs given up on are marked failed first (`jobs_expire_stale`)."""
    now = now or timezone.now()
    expired = jobs_expire_stale(now=now)
    cutoff = now - timedelta(days=settings.REPORT_RETENTION_DAYS if days is None else days)
    deleted = 0
    with transaction.atomic():
        for kind in KINDS.values():
            _, by_model = kind.model.objects.filter(created_at__lt=cutoff).delete()
            deleted += by_model.get(kind.model._meta.label, 0)
    named: set[str] = set()
    for kind in KINDS.values():
        named.update(kind.model.objects.exclude(file="").values_list("file", flat=True))
    orphans = 0
    for name in _stored_files(REPORTS_DIR):
        if name not in named and now - default_storage.get_modified_time(name) > ORPHAN_GRACE:
            default_storage.delete(name)
            orphans += 1
    logger.info("Pruned %d reports and %d orphan report files; %d stale reports failed", deleted, orphans, expired)
    return PruneResult(reports=deleted, orphan_files=orphans, expired=expired)


def job_kind(job: PdfJob) -> JobKind:
    return KINDS[type(job)]


def _stored_files(directory: str) -> list[str]:
    # A bucket has no folders to ask `exists` about: a prefix with no objects lists empty, a missing folder raises.
    try:
        subdirectories, files = default_storage.listdir(directory)
    except FileNotFoundError:
        return []
    names = [f"{directory}/{name}" for name in files]
    for subdirectory in subdirectories:
        names += _stored_files(f"{directory}/{subdirectory}")
    return names


def _jobs_prune_if_due() -> None:
    """Prune in-process when no beat scheduler runs (the embedded default), at most once per PRUNE_EVERY."""
    try:
        due = cache.add(PRUNE_DUE_KEY, True, timeout=PRUNE_EVERY)
        if due:
            jobs_prune()
    except Exception:  # housekeeping must never fail the request that happened to trigger it
        logger.exception("Pruning old reports failed")


def _check_rate(*, user: User) -> None:
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


def _job_enqueue(*, job: PdfJob) -> None:
    transaction.on_commit(partial(_job_send, kind=job_kind(job), job_id=job.pk))


def _job_send(*, kind: JobKind, job_id: int) -> None:
    """Hand the job to the broker, or on the embedded default to the background thread (`background.py`); if
    the broker refuses (Redis down), fail the job with words and a Retry, rather than leave it queued forever."""
    task = current_app.tasks[kind.task]
    try:
        if settings.REPORT_RENDER_IN_THREAD:
            run_in_background(task, job_id)
        else:
            task.delay(job_id)
    except Exception:  # kombu's OperationalError, or whatever else keeps the message from the queue
        logger.exception("%s %s could not be queued", kind.model.__name__, job_id)
        job_fail(kind=kind, job_id=job_id, error=NOT_QUEUED_MESSAGE)


@transaction.atomic
def _job_claim(*, kind: JobKind[_Job], job_id: int) -> _Job:
    # The row of `kind.model`, which the Django plugin of mypy types as the abstract base.
    rows = kind.model.objects.select_for_update(of=("self",)).select_related(*kind.reads)
    job = cast(_Job, rows.get(pk=job_id))
    if job.status != JobStatus.READY:
        job.status = JobStatus.RENDERING
        job.progress, job.error = job.started_progress, ""
        job.started_at, job.finished_at = timezone.now(), None
        job.attempts = F("attempts") + 1
        for counter in job.part_counters:
            setattr(job, counter, 0)
        fields = ["status", "progress", "error", "started_at", "finished_at", "attempts", *job.part_counters]
        job.save(update_fields=fields)
        job.refresh_from_db(fields=["attempts"])
    return job


def _job_progress(*, job: PdfJob, progress: int, **parts: int) -> None:
    """Move a rendering job's progress (and its counters of parts laid out) along, for the job page."""
    type(job).objects.filter(pk=job.pk, status=JobStatus.RENDERING).update(progress=progress, **parts)
    job.progress = progress
    for name, value in parts.items():
        setattr(job, name, value)


def _job_store(*, kind: JobKind[_Job], job: _Job, pdf: bytes) -> _Job:
    if job.file:
        job.file.delete(save=False)
    job.file.save(job.download_name(), ContentFile(pdf), save=False)
    job.status, job.progress, job.error = JobStatus.READY, 100, ""
    job.finished_at = timezone.now()
    job.save(update_fields=["file", "status", "progress", "error", "finished_at", *kind.stamps])
    logger.info("%s %s ready: %d bytes", kind.model.__name__, job.pk, len(pdf))
    if kind.on_ready:
        transaction.on_commit(partial(kind.on_ready, job))
    return job


# A review's PDF (`Report`), or the review's as at one of its milestones: every member of its team may ask for
# it, and asking again for the same answers gives the same job.


@transaction.atomic
def report_request(*, review: Review, user: User, milestone: Milestone | None = None) -> Report:
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
    if report is not None and job_fail_if_file_gone(job=report).status != JobStatus.FAILED:
        return report
    job = Report(review=review, milestone=milestone, requested_by=user, answers_fingerprint=fingerprint)
    return job_request(job=job, user=user)


# The names the API and other apps use for a review's report.


def report_render(*, report_id: int) -> Report:
    return job_render(kind=REPORT_JOB, job_id=report_id)


def report_retry(*, report: Report, user: User) -> Report:
    return job_retry(job=report, user=user)


def report_downloaded(*, report: Report, by: User, ip: str | None = None) -> None:
    job_downloaded(job=report, by=by, ip=ip)


def _report_lay_out(report: Report) -> bytes:
    """Stamp the answers as they are now (read before the data: a later request for the same answers reuses
    this report), read the data (progress 40), lay the pages out (90)."""
    if report.milestone:
        report.answers_fingerprint = milestone_fingerprint(milestone=report.milestone)
    else:
        fingerprint = review_answers_fingerprint(review_id=report.review_id, lens_id=report.review.lens_id)
        report.answers_fingerprint = fingerprint
    data = report_data(review=report.review, milestone=report.milestone)
    _job_progress(job=report, progress=40)
    pdf = pdf_from_html(report_html(data=data))
    _job_progress(job=report, progress=90)
    return pdf


def _report_audits(report: Report) -> list[DownloadAudit]:
    workload = report.review.workload
    details = {"report": report.pk, "review": report.review_id}
    return [DownloadAudit(team_id=workload.team_id, workloads=[workload.name], details=details)]


def _report_ready(report: Report) -> None:
    report_ready.send(sender=Report, report=report)


# PDFs of several workloads (`PortfolioReport`): the workloads a portfolio's filters select, or one whole
# workload. Only the person who asked sees the job; each "Export PDF" is a new one.


@transaction.atomic
def portfolio_report_request(
    *,
    user: User,
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
    job = PortfolioReport(
        kind=kind,
        requested_by=user,
        filters=filters or {},
        filters_in_words=list(filters_in_words),
        query=query,
        workload_count=len(ids),
    )
    report = job_request(job=job, user=user)
    links = PortfolioReport.workloads.through
    links.objects.bulk_create([links(portfolioreport_id=report.pk, workload_id=pk) for pk in ids])
    return report


def _portfolio_lay_out(report: PortfolioReport) -> bytes:
    """Lay out the summary, then each workload in turn (every open review's report), moving `progress` along
    after each; the pages are joined into one PDF."""
    data = portfolio_report_data(report=report)
    documents = [document_from_html(portfolio_html(data=data))]
    workloads = data.workloads
    _portfolio_progress(report=report, done=0, total=len(workloads))
    for position, workload in enumerate(workloads, start=1):
        html = portfolio_workload_html(
            data=data, workload=workload, reports=workload_report_data(workload=workload), position=position
        )
        documents.append(document_from_html(html))
        _portfolio_progress(report=report, done=position, total=len(workloads))
    return pdf_from_documents(documents)


def _portfolio_progress(*, report: PortfolioReport, done: int, total: int) -> None:
    """10% once the summary is laid out, then an equal share of the next 80% for each workload."""
    progress = 10 + (80 * done // total if total else 80)
    _job_progress(job=report, progress=progress, workloads_done=done, workload_count=total)


def _portfolio_audits(report: PortfolioReport) -> list[DownloadAudit]:
    by_team: dict[int, list[str]] = {}
    for team_id, name in report.workloads.order_by("name").values_list("team_id", "name"):
        by_team.setdefault(team_id, []).append(name)
    return [
        DownloadAudit(
            team_id=team_id, workloads=names, details={"portfolio_report": report.pk, "workloads": len(names)}
        )
        for team_id, names in by_team.items()
    ]


REPORT_JOB = JobKind(
    model=Report,
    task=RENDER_TASK,
    reads=("review__workload__team", "review__lens", "milestone__lens", "milestone__workload"),
    lay_out=_report_lay_out,
    audits=_report_audits,
    stamps=("answers_fingerprint",),
    on_ready=_report_ready,
)
PORTFOLIO_JOB = JobKind(
    model=PortfolioReport,
    task=PORTFOLIO_RENDER_TASK,
    reads=("requested_by",),
    lay_out=_portfolio_lay_out,
    audits=_portfolio_audits,
    private=True,
)
KINDS: dict[type[PdfJob], JobKind[Any]] = {kind.model: kind for kind in (REPORT_JOB, PORTFOLIO_JOB)}
