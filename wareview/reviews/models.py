"""A review is a workload's run through one published lens version: one answer per question.

Every answer row exists from the start (risk "unanswered"), so progress and risk counts are plain aggregates.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from wareview.lenses.models import Lens, Question
from wareview.lib import risk_levels
from wareview.reviews.merging import AnswerState
from wareview.workloads.models import Workload


class AnswerRisk(models.TextChoices):
    """A question's standing in a review, worst first; values and words from `wareview.lib.risk_levels`."""

    HIGH = risk_levels.HIGH.value, risk_levels.HIGH.label
    MEDIUM = risk_levels.MEDIUM.value, risk_levels.MEDIUM.label
    NONE = risk_levels.NONE.value, risk_levels.NONE.label
    NOT_APPLICABLE = risk_levels.NOT_APPLICABLE.value, risk_levels.NOT_APPLICABLE.label
    UNANSWERED = risk_levels.UNANSWERED.value, risk_levels.UNANSWERED.label


class NotApplicableReason(models.TextChoices):
    OUT_OF_SCOPE = "out_of_scope", "Out of scope"
    BUSINESS_PRIORITIES = "business_priorities", "Business priorities"
    ARCHITECTURE_CONSTRAINTS = "architecture_constraints", "Architecture constraints"
    OTHER = "other", "Other"
    # Set by the workload profile (wareview/profiles), never chosen by a person.
    PROFILE = "profile", "Not in this workload's profile"


NOTES_MAX_LENGTH = 2000
PRACTICE_NOTE_MAX_LENGTH = 200


class ReviewQuerySet(models.QuerySet["Review"]):
    def open(self) -> "ReviewQuerySet":
        return self.filter(status=Review.Status.OPEN)


class Review(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    workload = models.ForeignKey(Workload, on_delete=models.CASCADE, related_name="reviews")
    lens = models.ForeignKey(Lens, on_delete=models.PROTECT, related_name="reviews")
    # The lens slug, kept beside the version so "one open review per lens" holds across versions.
    lens_slug = models.SlugField(max_length=100)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["workload", "lens_slug"],
                condition=models.Q(status="open"),
                name="review_one_open_per_lens_per_workload",
            )
        ]

    def __str__(self) -> str:
        return f"{self.workload} — {self.lens.name} v{self.lens.version}"

    @property
    def is_closed(self) -> bool:
        """A closed review is kept read-only, out of the dashboard's counts, and frees its lens for a new review of
        the workload; reopening it brings it back (see reviews/README.md)."""
        return self.status == Review.Status.CLOSED


class Answer(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    # Codes of the chosen best practices, in the question's order. Codes are stable across lens versions.
    selected = models.JSONField(default=list, blank=True)
    not_applicable = models.BooleanField(default=False)
    reason = models.CharField(max_length=30, choices=NotApplicableReason.choices, blank=True)
    notes = models.TextField(blank=True, max_length=NOTES_MAX_LENGTH)
    # Best practices that do not apply to the workload, in the question's order:
    # {code: {"reason": a NotApplicableReason value, "note": up to PRACTICE_NOTE_MAX_LENGTH characters}}.
    # They count as followed when the risk rules are evaluated (services.risk_for).
    practices_not_applicable = models.JSONField(default=dict, blank=True)
    # Codes of practices a person decided on against the workload profile (ticked, or unmarked after the profile
    # marked them "does not apply"): a later profile change leaves them alone (wareview/profiles).
    profile_overrides = models.JSONField(default=list, blank=True)
    # What pre-filled the answer ("template Payments baseline", "review Checkout 2026-10"), until a person confirms
    # or changes it; progress counts confirmed answers only (wareview/review_templates).
    prefilled_from = models.CharField(max_length=200, blank=True)
    risk = models.CharField(max_length=16, choices=AnswerRisk.choices, default=AnswerRisk.UNANSWERED)
    # Bumped on every save; a save made against an older version is a conflict (see services.answer_save).
    version = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["review_id", "question_id"]
        constraints = [models.UniqueConstraint(fields=["review", "question"], name="answer_unique_question")]
        indexes = [models.Index(fields=["review", "risk"], name="answer_review_risk")]

    def __str__(self) -> str:
        return f"{self.question.code}: {self.get_risk_display()}"

    def state(self) -> dict:
        """What a user sees of the answer, as kept in its history."""
        return {
            "selected": list(self.selected),
            "not_applicable": self.not_applicable,
            "reason": self.reason,
            "notes": self.notes,
            "practices_not_applicable": dict(self.practices_not_applicable),
            "risk": self.risk,
        }

    def answer_state(self) -> AnswerState:
        """What a user sees of the answer and can change, for merging concurrent saves."""
        return AnswerState(
            selected=self.selected,
            not_applicable=self.not_applicable,
            reason=self.reason,
            notes=self.notes,
            practices_not_applicable=self.practices_not_applicable,
        )


class AnswerChange(models.Model):
    """One change of an answer: who, when, and the answer before and after."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)
    before = models.JSONField()
    after = models.JSONField()
    note = models.CharField(max_length=200, blank=True, help_text="Why the change happened, when not a user edit")
    # The answer's version after this change: a save started from version N merges against the newest change at
    # or below N (see services.answer_save). Empty on changes recorded before versions were kept here.
    version = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        indexes = [models.Index(fields=["answer", "-changed_at"], name="answer_change_recent")]

    def __str__(self) -> str:
        return f"{self.answer} changed at {self.changed_at:%Y-%m-%d %H:%M}"
