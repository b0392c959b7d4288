"""A report job: one PDF of a review, rendered by a Celery worker, its state kept on the row.

The row is the truth the pages show: the worker moves `status` and `progress` along and stores the file; the
status page reads them and never asks a result backend.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from wareview.reviews.models import Review

# The render task's limits, in seconds. The hard limit kills the task; a report still "rendering" after it
# (plus a margin for the queue and the kill) has lost its worker.
RENDER_SOFT_TIME_LIMIT = 60
RENDER_TIME_LIMIT = 90
STALE_AFTER = timedelta(seconds=RENDER_TIME_LIMIT + 30)
STALE_MESSAGE = "The worker stopped while rendering this report. Retry."

# What the worker is doing at each progress value, for the words beside the bar.
STAGES = {
    0: "Waiting for a worker…",
    10: "Reading the answers…",
    40: "Laying out the pages…",
    90: "Saving the PDF…",
    100: "Ready.",
}


class Report(models.Model):
    class Format(models.TextChoices):
        PDF = "pdf", "PDF"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RENDERING = "rendering", "Rendering"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="reports")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    format = models.CharField(max_length=8, choices=Format.choices, default=Format.PDF)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(blank=True)
    file = models.FileField(upload_to="reports/%Y/%m/", blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["review", "-created_at"], name="report_review_recent")]

    def __str__(self) -> str:
        return f"Report {self.pk} of review {self.review_id} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.READY, self.Status.FAILED)

    @property
    def stage(self) -> str:
        """Words for the progress bar."""
        if self.status == self.Status.FAILED:
            return "Failed."
        return STAGES[max(value for value in STAGES if value <= self.progress)]

    def is_stale(self, now=None) -> bool:
        """Still "rendering" long after the task's hard time limit: the worker died with it."""
        now = now or timezone.now()
        started = self.started_at or self.created_at
        return self.status == self.Status.RENDERING and now - started > STALE_AFTER

    def download_name(self) -> str:
        return f"wareview-review-{self.review_id}-report-{self.pk}.pdf"
