"""A milestone: a review frozen at a point in time, to look back at and compare with.

A milestone copies every answer of its review (`MilestoneAnswer`) with the lens version they answered, who saved
it and when, and keeps its completion and risk counts on its own row so that lists and the trend read one row per
milestone. Milestones are never changed: the app has no path that updates one, and the admin only shows them.
"""

from datetime import date
from functools import lru_cache

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import dateformat, timezone, translation

from wareview.evidence.models import TITLE_MAX_LENGTH, URL_MAX_LENGTH, Evidence
from wareview.evidence.selectors import EvidenceState
from wareview.lenses.models import Lens, Question
from wareview.lib.numbers import percent
from wareview.reviews.models import AnswerRisk, NotApplicableReason, Review
from wareview.workloads.models import Workload

NAME_MAX_LENGTH = 100


class Milestone(models.Model):
    workload = models.ForeignKey(Workload, on_delete=models.CASCADE, related_name="milestones")
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="milestones")
    # The lens version the answers were given against: a review may move to a newer version later.
    lens = models.ForeignKey(Lens, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=NAME_MAX_LENGTH)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Counted from the answers when the milestone is saved, for lists and the trend.
    question_count = models.PositiveIntegerField(default=0)
    answered_count = models.PositiveIntegerField(default=0)
    high_count = models.PositiveIntegerField(default=0)
    medium_count = models.PositiveIntegerField(default=0)
    no_risk_count = models.PositiveIntegerField(default=0)
    not_applicable_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "workload", name="milestone_unique_name_in_workload"),
        ]
        indexes = [models.Index(fields=["workload", "-created_at"], name="milestone_workload_recent")]

    def __str__(self) -> str:
        return self.name

    @property
    def percent(self) -> int:
        return percent(self.answered_count, self.question_count)

    @property
    def date_label(self) -> str:
        """The day it was saved, in the site's time zone: "3 March 2026"."""
        return _day_label(timezone.localtime(self.created_at).date(), translation.get_language())

    @property
    def as_at(self) -> str:
        """How every page and export of the milestone is titled: "as at milestone Baseline, 3 March 2026"."""
        return f"as at milestone {self.name}, {self.date_label}"


@lru_cache(maxsize=512)
def _day_label(day: date, language: str | None) -> str:
    """ "3 March 2026" in `language` (the month's name is translated): a list of milestones repeats few days."""
    return dateformat.format(day, "j F Y")


class MilestoneAnswer(models.Model):
    """An answer as it was when its milestone was saved: the same fields as `reviews.Answer`, so the review's
    read model (`reviews.selectors.outline_from_rows`) reads both."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    selected = models.JSONField(default=list, blank=True)
    practices_not_applicable = models.JSONField(default=dict, blank=True)
    not_applicable = models.BooleanField(default=False)
    reason = models.CharField(max_length=30, choices=NotApplicableReason.choices, blank=True)
    notes = models.TextField(blank=True)
    risk = models.CharField(max_length=16, choices=AnswerRisk.choices, default=AnswerRisk.UNANSWERED)
    # What had pre-filled the answer and was still waiting for a person's confirmation when the milestone was
    # saved (`reviews.Answer.prefilled_from`): such an answer was not counted as answered then, nor is it here.
    prefilled_from = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["milestone", "question"], name="milestone_answer_unique_question")
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.get_risk_display()}"


class MilestoneEvidence(models.Model):
    """An item of evidence of a ticked practice as it was when its milestone was saved, with the practice's state
    then: a copy, not a link to the live item. A file stays where it is: `evidence` points at the live item only
    so the milestone can offer its file while the item still has it (not removed, not deleted)."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="evidence")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    # The practice's code (`Choice.code`), as in `MilestoneAnswer.selected`.
    practice = models.CharField(max_length=128)
    kind = models.CharField(max_length=5, choices=Evidence.Kind.choices)
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    url = models.URLField(max_length=URL_MAX_LENGTH, blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    verified_on = models.DateField()
    added_by_name = models.CharField(max_length=300, blank=True)
    state = models.CharField(max_length=16, choices=[(state.value, state.label) for state in EvidenceState])
    evidence = models.ForeignKey(Evidence, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name_plural = "milestone evidence"
        ordering = ["milestone", "question", "practice", "-verified_on", "pk"]
        indexes = [models.Index(fields=["milestone", "question"], name="milestone_evidence_question")]

    def __str__(self) -> str:
        return f"{self.practice}: {self.title}"

    @property
    def is_file(self) -> bool:
        return self.kind == Evidence.Kind.FILE
