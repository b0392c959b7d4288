"""Evidence behind a ticked best practice: a link or a file, with when it was last verified.

An item belongs to an answer and names its practice by code, as `Answer.selected` does: codes are stable across
lens versions, so the evidence of a practice stays with it when the review moves to a new version and the
answer row is kept (see README.md).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from wareview.reviews.models import Answer
from wareview.teams.models import Team

TITLE_MAX_LENGTH = 200
NOTE_MAX_LENGTH = 1000
URL_MAX_LENGTH = 2000
TOOL_MAX_LENGTH = 100
CHECK_MAX_LENGTH = 512
MESSAGE_MAX_LENGTH = 1000


def evidence_file_path(instance: "Evidence", filename: str) -> str:
    """Where an evidence file is stored: in the default storage under evidence/, by year and month, under a name
    the storage makes unique. The name people gave the file is kept on the row (`file_name`)."""
    return f"evidence/{timezone.localdate():%Y/%m}/{filename}"


class EvidenceQuerySet(models.QuerySet["Evidence"]):
    def current(self) -> "EvidenceQuerySet":
        """The items not removed."""
        return self.filter(removed_at__isnull=True)


class Evidence(models.Model):
    class Kind(models.TextChoices):
        LINK = "link", "Link"
        FILE = "file", "File"
        # A passing check of the team's own tool (a scanner's rule, a test), added by an import of its report.
        CHECK = "check", "Check"

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="evidence")
    # The practice's code (`Choice.code`), as in `Answer.selected`.
    practice = models.CharField(max_length=128)
    kind = models.CharField(max_length=5, choices=Kind.choices)
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    url = models.URLField(max_length=URL_MAX_LENGTH, blank=True)
    file = models.FileField(upload_to=evidence_file_path, max_length=255, blank=True)
    # The file's name as it was uploaded, its size in bytes and the type sniffed from its first bytes.
    file_name = models.CharField(max_length=255, blank=True)
    file_size = models.PositiveBigIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    note = models.TextField(max_length=NOTE_MAX_LENGTH, blank=True)
    # A check's tool ("checkov", "junit") and the rule or test that passed, as its report names them.
    source_tool = models.CharField(max_length=TOOL_MAX_LENGTH, blank=True)
    source_check = models.CharField(max_length=CHECK_MAX_LENGTH, blank=True)
    verified_on = models.DateField()
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    added_at = models.DateTimeField(default=timezone.now, editable=False)
    # Removing an item keeps its row (and a line in the answer's history); only its file is deleted.
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)
    # The day the `evidence.expired` event was sent for this item's practice (`services.evidence_expiry_notify`):
    # set on every current item of the practice then, so an item added later (a later "Verified on") arms it again.
    expiry_notified_on = models.DateField(null=True, blank=True, editable=False)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "evidence"
        ordering = ["-verified_on", "-added_at", "-pk"]
        indexes = [models.Index(fields=["answer", "practice"], name="evidence_answer_practice")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="link", file="")
                | models.Q(kind="file", url="")
                | models.Q(kind="check", url="", file=""),
                name="evidence_link_or_file",
            )
        ]

    def __str__(self) -> str:
        return f"{self.practice}: {self.title}"

    @property
    def is_file(self) -> bool:
        return self.kind == Evidence.Kind.FILE

    @property
    def is_check(self) -> bool:
        return self.kind == Evidence.Kind.CHECK


MAX_AGE_LIMIT_DAYS = 3650


class EvidencePolicy(models.Model):
    """A team's own "Evidence expires after"; a team without one uses EVIDENCE_MAX_AGE_DAYS."""

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="evidence_policy")
    max_age_days = models.PositiveIntegerField(
        "Evidence expires after (days)", validators=[MinValueValidator(1), MaxValueValidator(MAX_AGE_LIMIT_DAYS)]
    )

    class Meta:
        verbose_name_plural = "evidence policies"

    def __str__(self) -> str:
        return f"{self.team}: {self.max_age_days} days"


class Finding(models.Model):
    """A failing check of a team's own tool on a practice of an answer (a scanner's rule, a test), from an import
    of its report. Shown on the practice with a suggestion to untick it; it never changes the answer itself. The
    tool's next import for the review replaces its findings."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="findings")
    practice = models.CharField(max_length=128)
    tool = models.CharField(max_length=TOOL_MAX_LENGTH)
    # The rule or test that failed, as the report names it.
    check_name = models.CharField(max_length=CHECK_MAX_LENGTH)
    message = models.TextField(max_length=MESSAGE_MAX_LENGTH, blank=True)
    imported_at = models.DateTimeField(default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["practice", "tool", "check_name"]
        constraints = [
            models.UniqueConstraint(fields=["answer", "practice", "tool", "check_name"], name="finding_unique_check")
        ]

    def __str__(self) -> str:
        return f"{self.practice}: {self.tool} {self.check_name} failing"


class FindingsImport(models.Model):
    """One import of a tool's report into a review, with what it came to, for the review's "Findings" page."""

    review = models.ForeignKey("reviews.Review", on_delete=models.CASCADE, related_name="findings_imports")
    tools = models.CharField(max_length=255)
    file_name = models.CharField(max_length=255, blank=True)
    passed = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    unmapped = models.PositiveIntegerField(default=0)
    imported_at = models.DateTimeField(default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-imported_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.tools} into review {self.review_id}"
