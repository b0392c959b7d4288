"""A report job: one PDF of a review, rendered by a Celery worker, its state kept on the row.

The row is the truth the pages show: the worker moves `status` and `progress` along and stores the file; the
status page reads them and never asks a result backend.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from wareview.milestones.models import Milestone
from wareview.reviews.models import Review
from wareview.workloads.models import Workload

# The render task's limits, in seconds. The hard limit kills the task; a report still "rendering" after it
# (plus a margin for the queue and the kill) has lost its worker.
RENDER_SOFT_TIME_LIMIT = 60
RENDER_TIME_LIMIT = 90
STALE_AFTER = timedelta(seconds=RENDER_TIME_LIMIT + 30)
STALE_MESSAGE = "The worker stopped while rendering this report. Retry."
NOT_QUEUED_MESSAGE = "The report could not be queued: the job queue is not answering. Retry in a moment."

# What the worker is doing at each progress value, for the words beside the bar.
STAGES = {
    0: "Waiting for a worker…",
    10: "Reading the answers…",
    40: "Laying out the pages…",
    90: "Saving the PDF…",
    100: "Ready.",
}


def queued_timeout() -> timedelta:
    """How long a report may wait for a worker (REPORT_QUEUED_TIMEOUT) before it is given up on."""
    return timedelta(seconds=settings.REPORT_QUEUED_TIMEOUT)


def queued_too_long_message() -> str:
    seconds = settings.REPORT_QUEUED_TIMEOUT
    wait = f"{seconds // 60} minutes" if seconds >= 120 else f"{seconds} seconds"
    return f"No worker started this report within {wait}: the job queue may have lost it. Retry."


class ReportQuerySet(models.QuerySet["Report"]):
    def live(self, now=None) -> "ReportQuerySet":
        """Reports that are ready or may still become ready: not failed, and not waiting or rendering for longer
        than the status page tolerates (see `Report.stale_reason`)."""
        now = now or timezone.now()
        return self.filter(
            Q(status=Report.Status.READY)
            | Q(status=Report.Status.QUEUED, queued_at__gte=now - queued_timeout())
            | Q(status=Report.Status.RENDERING, started_at__gte=now - STALE_AFTER)
        )


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RENDERING = "rendering", "Rendering"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class JobState:
    """How a PDF job's row (a review's `Report`, a `PortfolioReport`) reads while a worker moves it along: given
    up on when still queued after REPORT_QUEUED_TIMEOUT or still rendering after `stale_after`, shown as failed
    until a write (Retry, pruning) records it."""

    stale_after: timedelta
    status: str
    error: str
    progress: int
    queued_at: datetime
    started_at: datetime | None
    created_at: datetime

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

    def is_stale(self, now=None) -> bool:
        return bool(self.stale_reason(now))

    def stale_reason(self, now=None) -> str:
        """Why this unfinished job will not finish by itself, or "" while it still may: still "rendering" long
        after the task's hard time limit (the worker died with it), or still "queued" after REPORT_QUEUED_TIMEOUT
        (no worker took it: none is running, or the broker lost the message)."""
        now = now or timezone.now()
        if self.status == JobStatus.RENDERING and now - (self.started_at or self.created_at) > self.stale_after:
            return STALE_MESSAGE
        if self.status == JobStatus.QUEUED and now - self.queued_at > queued_timeout():
            return queued_too_long_message()
        return ""


class Report(JobState, models.Model):
    class Format(models.TextChoices):
        PDF = "pdf", "PDF"

    Status = JobStatus
    stale_after = STALE_AFTER

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="reports")
    # A report of the review as at this milestone; empty for a report of the review as it is.
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, null=True, blank=True, related_name="reports")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    format = models.CharField(max_length=8, choices=Format.choices, default=Format.PDF)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(blank=True)
    file = models.FileField(upload_to="reports/%Y/%m/", blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # When the report was last sent to the queue (asked for, or retried): a report waits from here.
    queued_at = models.DateTimeField(default=timezone.now)
    # A digest of what this report shows (selectors.review_answers_fingerprint, 64 characters): a request for a PDF
    # of the same answers reuses a live report instead of making another.
    answers_fingerprint = models.CharField(max_length=100, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["review", "-created_at"], name="report_review_recent")]

    def __str__(self) -> str:
        return f"Report {self.pk} of review {self.review_id} ({self.status})"

    @property
    def stage(self) -> str:
        """Words for the progress bar."""
        if self.has_failed:
            return "Failed."
        return STAGES[max(value for value in STAGES if value <= self.progress)]

    def download_name(self) -> str:
        if self.milestone_id:
            return f"wareview-review-{self.review_id}-milestone-{self.milestone_id}-report-{self.pk}.pdf"
        return f"wareview-review-{self.review_id}-report-{self.pk}.pdf"


# A PDF of several workloads renders each in turn: its limits grow with PORTFOLIO_PDF_MAX_WORKLOADS (a few
# seconds a workload), and a job still "rendering" after the hard limit (plus a margin) has lost its worker.
PORTFOLIO_RENDER_SOFT_TIME_LIMIT = 600
PORTFOLIO_RENDER_TIME_LIMIT = 660
PORTFOLIO_STALE_AFTER = timedelta(seconds=PORTFOLIO_RENDER_TIME_LIMIT + 30)


class PortfolioReport(JobState, models.Model):
    """A PDF of several workloads, each with every open review's report: the workloads a portfolio's filters
    selected, or one whole workload. Only the person who asked sees it: the selection is theirs, read from what
    they could see when they asked (`workloads`, in the portfolio's order by `filters["sort"]`)."""

    class Kind(models.TextChoices):
        PORTFOLIO = "portfolio", "Portfolio"
        WORKLOAD = "workload", "Whole workload"

    Status = JobStatus
    stale_after = PORTFOLIO_STALE_AFTER

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
    status = models.CharField(max_length=12, choices=Report.Status.choices, default=Report.Status.QUEUED)
    error = models.TextField(blank=True)
    file = models.FileField(upload_to="reports/portfolio/%Y/%m/", blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    queued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["requested_by", "-created_at"], name="portfolio_report_recent")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} report {self.pk} ({self.status})"

    @property
    def stage(self) -> str:
        """Words for the progress bar: which workload the worker lays out."""
        if self.has_failed:
            return "Failed."
        if self.status == Report.Status.READY:
            return STAGES[100]
        if self.status == Report.Status.QUEUED:
            return STAGES[0]
        if self.progress < 10:
            return "Laying out the summary…"
        if self.workloads_done >= self.workload_count:
            return STAGES[90]
        return f"Laying out workload {min(self.workloads_done + 1, self.workload_count)} of {self.workload_count}…"

    def download_name(self) -> str:
        return f"wareview-{self.kind}-report-{self.pk}.pdf"
