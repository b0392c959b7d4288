"""PDF jobs: a review's report (`Report`, optionally as at a milestone) and a PDF of several workloads
(`PortfolioReport`), each rendered by a Celery worker, their state kept on the row.

Both are a `PdfJob`: the same fields and the same rules for how a row reads while a worker moves it along (the
row is the truth the pages show; they never ask a result backend). What differs is what the job shows, who may
see it, and how long its render may take.
"""

from datetime import datetime, timedelta
from typing import ClassVar, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from wareview.milestones.models import Milestone
from wareview.reviews.models import Review
from wareview.workloads.models import Workload

# A job still "rendering" this long after its task's hard time limit has lost its worker (the margin covers the
# queue and the kill).
STALE_MARGIN = timedelta(seconds=30)
STALE_MESSAGE = "The worker stopped while rendering this report. Retry."
NOT_QUEUED_MESSAGE = "The report could not be queued: the job queue is not answering. Retry in a moment."

# What the worker is doing at each progress value of a review's report, for the words beside the bar.
STAGES = {
    0: "Waiting for a worker…",
    10: "Reading the answers…",
    40: "Laying out the pages…",
    90: "Saving the PDF…",
    100: "Ready.",
}


def queued_timeout() -> timedelta:
    """How long a job may wait for a worker (REPORT_QUEUED_TIMEOUT) before it is given up on."""
    return timedelta(seconds=settings.REPORT_QUEUED_TIMEOUT)


def queued_too_long_message() -> str:
    seconds = settings.REPORT_QUEUED_TIMEOUT
    wait = f"{seconds // 60} minutes" if seconds >= 120 else f"{seconds} seconds"
    return f"No worker started this report within {wait}: the job queue may have lost it. Retry."


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RENDERING = "rendering", "Rendering"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


_Job = TypeVar("_Job", bound="PdfJob")


class PdfJobQuerySet(models.QuerySet[_Job]):
    """The rows of one kind of job, by how they read (see `PdfJob.stale_reason`)."""

    def live(self, now: datetime | None = None) -> "PdfJobQuerySet[_Job]":
        """Jobs that are ready or may still become ready: not failed, and not waiting or rendering for longer than
        the pages tolerate."""
        now = now or timezone.now()
        return self.filter(
            Q(status=JobStatus.READY)
            | Q(status=JobStatus.QUEUED, queued_at__gte=now - queued_timeout())
            | Q(status=JobStatus.RENDERING, started_at__gte=now - self.model.stale_after)
        )

    def lost(self, now: datetime | None = None) -> "PdfJobQuerySet[_Job]":
        """Jobs still "rendering" long after their task's hard time limit: the worker died with them."""
        cutoff = (now or timezone.now()) - self.model.stale_after
        return self.filter(status=JobStatus.RENDERING).filter(
            Q(started_at__lt=cutoff) | Q(started_at=None, created_at__lt=cutoff)
        )

    def waited_too_long(self, now: datetime | None = None) -> "PdfJobQuerySet[_Job]":
        """Jobs still "queued" after REPORT_QUEUED_TIMEOUT: no worker took them."""
        return self.filter(status=JobStatus.QUEUED, queued_at__lt=(now or timezone.now()) - queued_timeout())


def job_file_path(instance: "PdfJob", filename: str) -> str:
    """Where a job's PDF is stored in the default storage: under its kind's folder of reports/, by year and month."""
    return f"{instance.files_dir}/{timezone.localdate():%Y/%m}/{filename}"


class PdfJob(models.Model):
    """A PDF made by a worker: queued → rendering → ready, or failed with `error` in words. A job still queued
    after REPORT_QUEUED_TIMEOUT, or still rendering after `stale_after`, is given up on: the pages show it as
    failed with a Retry until a write (Retry, pruning) records it on the row."""

    Status = JobStatus

    # Each kind says how long its render may take (the task's soft and hard limits, in seconds), where its
    # files go, and the progress it shows once a worker takes it.
    render_soft_time_limit: ClassVar[int]
    render_time_limit: ClassVar[int]
    stale_after: ClassVar[timedelta]
    files_dir: ClassVar[str]
    started_progress: ClassVar[int]
    # Counters of the parts laid out, zeroed whenever the job starts again.
    part_counters: ClassVar[tuple[str, ...]] = ()

    status = models.CharField(max_length=12, choices=JobStatus.choices, default=JobStatus.QUEUED)
    error = models.TextField(blank=True)
    file = models.FileField(upload_to=job_file_path, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # When the job was last sent to the queue (asked for, or retried): a job waits from here.
    queued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = PdfJobQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    @property
    def is_finished(self) -> bool:
        return self.status == JobStatus.READY or self.has_failed

    @property
    def has_failed(self) -> bool:
        """Failed, or given up on while its row still says queued or rendering (see `stale_reason`): the pages
        show both as failed with a Retry, and only a write (Retry, pruning) records the failure on the row."""
        return self.status == JobStatus.FAILED or self.is_stale()

    @property
    def failure(self) -> str:
        """Why the job failed, in words: the error recorded on the row, or why it was given up on."""
        return self.error if self.status == JobStatus.FAILED else self.stale_reason()

    @property
    def status_label(self) -> str:
        return JobStatus(JobStatus.FAILED if self.has_failed else self.status).label

    @property
    def stage(self) -> str:
        """Words for the progress bar."""
        if self.has_failed:
            return "Failed."
        if self.status == JobStatus.READY:
            return STAGES[100]
        if self.status == JobStatus.QUEUED:
            return STAGES[0]
        return self.rendering_stage()

    def rendering_stage(self) -> str:
        """What the worker is doing, by the progress it reached."""
        return STAGES[max(value for value in STAGES if value <= self.progress)]

    def is_stale(self, now: datetime | None = None) -> bool:
        return bool(self.stale_reason(now))

    def stale_reason(self, now: datetime | None = None) -> str:
        """Why this unfinished job will not finish by itself, or "" while it still may: still "rendering" long
        after the task's hard time limit (the worker died with it), or still "queued" after REPORT_QUEUED_TIMEOUT
        (no worker took it: none is running, or the broker lost the message)."""
        now = now or timezone.now()
        if self.status == JobStatus.RENDERING and now - (self.started_at or self.created_at) > self.stale_after:
            return STALE_MESSAGE
        if self.status == JobStatus.QUEUED and now - self.queued_at > queued_timeout():
            return queued_too_long_message()
        return ""

    def download_name(self) -> str:
        raise NotImplementedError


# A review's report: its render lasts a few seconds.
RENDER_SOFT_TIME_LIMIT = 60
RENDER_TIME_LIMIT = 90
STALE_AFTER = timedelta(seconds=RENDER_TIME_LIMIT) + STALE_MARGIN


class Report(PdfJob):
    """A PDF of one review, or of the review as at one of its milestones. Every member of its team sees it."""

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"

    render_soft_time_limit = RENDER_SOFT_TIME_LIMIT
    render_time_limit = RENDER_TIME_LIMIT
    stale_after = STALE_AFTER
    files_dir = "reports"
    started_progress = 10  # reading the answers

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="reports")
    # A report of the review as at this milestone; empty for a report of the review as it is.
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, null=True, blank=True, related_name="reports")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    format = models.CharField(max_length=8, choices=Format.choices, default=Format.PDF)
    # A digest of what this report shows (selectors.review_answers_fingerprint, 64 characters): a request for a PDF
    # of the same answers reuses a live report instead of making another.
    answers_fingerprint = models.CharField(max_length=100, blank=True)

    class Meta(PdfJob.Meta):
        indexes = [models.Index(fields=["review", "-created_at"], name="report_review_recent")]

    def __str__(self) -> str:
        return f"Report {self.pk} of review {self.review_id} ({self.status})"

    def download_name(self) -> str:
        if self.milestone_id:
            return f"wareview-review-{self.review_id}-milestone-{self.milestone_id}-report-{self.pk}.pdf"
        return f"wareview-review-{self.review_id}-report-{self.pk}.pdf"


# A PDF of several workloads renders each in turn: its limits grow with PORTFOLIO_PDF_MAX_WORKLOADS (a few
# seconds a workload).
PORTFOLIO_RENDER_SOFT_TIME_LIMIT = 600
PORTFOLIO_RENDER_TIME_LIMIT = 660
PORTFOLIO_STALE_AFTER = timedelta(seconds=PORTFOLIO_RENDER_TIME_LIMIT) + STALE_MARGIN


class PortfolioReport(PdfJob):
    """A PDF of several workloads, each with every open review's report: the workloads a portfolio's filters
    selected, or one whole workload. Only the person who asked sees it: the selection is theirs, read from what
    they could see when they asked (`workloads`, in the portfolio's order by `filters["sort"]`)."""

    class Kind(models.TextChoices):
        PORTFOLIO = "portfolio", "Portfolio"
        WORKLOAD = "workload", "Whole workload"

    render_soft_time_limit = PORTFOLIO_RENDER_SOFT_TIME_LIMIT
    render_time_limit = PORTFOLIO_RENDER_TIME_LIMIT
    stale_after = PORTFOLIO_STALE_AFTER
    files_dir = "reports/portfolio"
    started_progress = 5  # laying out the summary
    part_counters = ("workloads_done",)

    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.PORTFOLIO)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    workloads = models.ManyToManyField(Workload, related_name="+")
    # The portfolio form's cleaned filters (the team by id): the lens narrows the counts, the sort orders the
    # workloads; `filters_in_words` is what the cover says and `query` leads back to the same portfolio page.
    filters = models.JSONField(default=dict, blank=True)
    filters_in_words = models.JSONField(default=list, blank=True)
    query = models.CharField(max_length=1000, blank=True)
    workload_count = models.PositiveIntegerField(default=0)
    workloads_done = models.PositiveIntegerField(default=0)

    class Meta(PdfJob.Meta):
        indexes = [models.Index(fields=["requested_by", "-created_at"], name="portfolio_report_recent")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} report {self.pk} ({self.status})"

    def rendering_stage(self) -> str:
        """Which part the worker lays out: the summary, then each workload in turn."""
        if self.progress < 10:
            return "Laying out the summary…"
        if self.workloads_done >= self.workload_count:
            return STAGES[90]
        return f"Laying out workload {min(self.workloads_done + 1, self.workload_count)} of {self.workload_count}…"

    def download_name(self) -> str:
        return f"wareview-{self.kind}-report-{self.pk}.pdf"
