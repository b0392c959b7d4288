"""An improvement plan: one item per recommendation of a review (a best practice not followed on a question at
high or medium risk), with a status, an owner, a due date and a note, and the history of its changes.

Items name their question and practice by code, not by foreign key: codes are stable across lens versions, so an
item follows its practice when the review moves to a new version (see README.md).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from wareview.reviews.models import Review

NOTE_MAX_LENGTH = 500
WONT_DO_REASON_MAX_LENGTH = 200


class ItemStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    WONT_DO = "wont_do", "Won't do"


# `ImprovementItem.plan_rank` of an item its plan does not recommend (its question is at no high or medium risk, or
# its practice is followed or does not apply); 0 and 1 are the recommended items at high and medium risk.
NOT_RECOMMENDED = 2


class ImprovementItem(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="improvement_items")
    question_code = models.CharField(max_length=128)
    practice_code = models.CharField(max_length=128)
    status = models.CharField(max_length=12, choices=ItemStatus.choices, default=ItemStatus.OPEN)
    wont_do_reason = models.CharField(max_length=WONT_DO_REASON_MAX_LENGTH, blank=True)
    # A member of the workload's team (the form checks it); kept when the person leaves the team.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    due_date = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=NOTE_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Set by the services on every change (bulk updates do not touch auto_now fields).
    updated_at = models.DateTimeField(default=timezone.now)
    # The plan's order, kept by the services (see README.md, "Order"): the question's risk in the review, the
    # recommendation's rank (0 high, 1 medium, NOT_RECOMMENDED), its place in the lens's order of recommendations
    # (quick wins first) and in the walk through the lens; the two places are None when the lens has no such
    # practice (the item is then not listed). A rank of None: the keys are not written yet (an item from before the
    # plan kept them); the plan's next read writes them (`services.plan_read`).
    risk = models.CharField(max_length=20, blank=True)
    plan_rank = models.PositiveSmallIntegerField(null=True, blank=True)
    priority = models.PositiveIntegerField(null=True, blank=True)
    lens_position = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["review", "plan_rank", "priority"], name="improvement_item_plan_order")]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "question_code", "practice_code"], name="improvement_item_one_per_practice"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question_code}.{self.practice_code}: {self.get_status_display()}"


class ImprovementItemChange(models.Model):
    """One change of an item: who, when, the fields before and after (in words), and why when no one edited it
    ("Practice ticked in the review")."""

    item = models.ForeignKey(ImprovementItem, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)
    # {field label: value in words}, only the fields that changed.
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        indexes = [models.Index(fields=["item", "-changed_at"], name="improvement_change_recent")]

    def __str__(self) -> str:
        return f"{self.item} changed at {self.changed_at:%Y-%m-%d %H:%M}"

    @property
    def lines(self) -> list[tuple[str, str, str]]:
        """(field, before, after) in words, in the order the fields were recorded."""
        return [(name, self.before.get(name, ""), value) for name, value in self.after.items()]
