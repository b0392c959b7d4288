"""Webhooks: a team's URLs that are told, by a signed POST, when something happens to its reviews.

A `Webhook` belongs to a team and names the events it wants; each event makes one `Delivery` per webhook that
wants it, sent by a Celery task with retries, and each try is kept as a `DeliveryAttempt`.
"""

import secrets
import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.deletion import get_candidate_relations_to_delete
from django.db.models.signals import m2m_changed, post_delete, pre_delete
from django.utils import timezone

URL_MAX_LENGTH = 2000
ERROR_MAX_LENGTH = 1000


class Event(models.TextChoices):
    MILESTONE_SAVED = "milestone.saved", "Milestone saved"
    REVIEW_COMPLETED = "review.completed", "Review completed (every question answered)"
    REPORT_READY = "report.ready", "Report ready (a PDF can be downloaded)"
    ITEM_CHANGED = "improvement_item.changed", "Improvement item changed"
    EVIDENCE_EXPIRED = "evidence.expired", "Evidence expired (a ticked practice's latest evidence got too old)"


def new_secret() -> str:
    """A webhook's signing secret: 256 random bits, URL-safe."""
    return f"whsec_{secrets.token_urlsafe(32)}"


class Webhook(models.Model):
    team = models.ForeignKey("teams.Team", on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(max_length=URL_MAX_LENGTH)
    # Values of `Event`, in the order of its choices.
    events = models.JSONField(default=list)
    # Kept as it is, since every delivery is signed with it; shown to the team's owners only.
    secret = models.CharField(max_length=100, default=new_secret)
    is_active = models.BooleanField("enabled", default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    secret_rotated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["team", "pk"]

    def __str__(self) -> str:
        return self.url

    def event_labels(self) -> list[str]:
        return [Event(value).label for value in self.events if value in Event.values]


class DeliveryQuerySet(models.QuerySet["Delivery"]):
    def overdue(self, *, before: datetime) -> "DeliveryQuerySet":
        """The deliveries still being sent whose next try was due before `before` (the partial index
        `webhook_delivery_due` holds exactly these columns and rows)."""
        return self.filter(status=Delivery.Status.PENDING, next_attempt_at__lt=before)

    def prune(self, *, before: datetime) -> int:
        """Delete the finished deliveries whose last try (or making, if never tried) came before `before`, with
        their tries: two statements, however many there are. A delivery still being sent stays, whatever its age.

        Deleting deliveries with `delete()` would load every one's row to cascade to its tries, then delete them a
        hundred at a time. So the tries go first, in one statement (nothing refers to a try: the ORM deletes them
        at once), and then the deliveries in another, as the ORM deletes rows nothing refers to (`_raw_delete`,
        what `delete()` itself runs then). That rests on the tries being all that refers to a delivery and on no
        signal listening for a delivery's deletion: `_deleted_alone` checks it on every run, and when it no longer
        holds the deliveries go through `delete()`, which honours both. A delivery that gained a try in between
        (sent again and finished within those milliseconds) keeps it, and waits for the next pruning."""
        old = self.filter(created_at__lt=before).exclude(status=Delivery.Status.PENDING)
        old = old.filter(Q(last_attempt_at=None) | Q(last_attempt_at__lt=before))
        DeliveryAttempt.objects.filter(delivery__in=old).delete()
        gone = old.exclude(Exists(DeliveryAttempt.objects.filter(delivery=OuterRef("pk"))))
        if not _deleted_alone(Delivery, but=DeliveryAttempt._meta.get_field("delivery")):
            return gone.delete()[1].get(Delivery._meta.label, 0)
        return gone._raw_delete(gone.db)


def _deleted_alone(model: type[models.Model], *, but: models.Field) -> bool:
    """Whether deleting rows of `model` in one statement skips nothing `delete()` would do, once the rows referring
    to them through `but` are gone: no signal listens for their deletion, and nothing else refers to them."""
    if any(signal.has_listeners(model) for signal in (pre_delete, post_delete, m2m_changed)):
        return False
    return all(relation.remote_field is but for relation in get_candidate_relations_to_delete(model._meta))


class Delivery(models.Model):
    """One event sent to one webhook: the payload, where it stands, and how many tries it took."""

    class Status(models.TextChoices):
        PENDING = "pending", "Sending"
        SUCCEEDED = "succeeded", "Delivered"
        FAILED = "failed", "Failed"

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    # Sent as the Wareview-Delivery header: the same on every try and on "Send again", so receivers can skip a
    # delivery they already handled.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.CharField(max_length=40, choices=Event.choices)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=ERROR_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    # When the next try is due while the delivery is being sent (set each time a try is queued: the first, a retry,
    # "Send again", the sweep), None once it is finished. The task's message carries it, so a message the delivery
    # was queued again after (by the sweep, or a retry Redis handed back late) does nothing.
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["webhook", "-created_at"], name="webhook_delivery_recent"),
            # The sweep's query, every minute (`DeliveryQuerySet.overdue`): only the few deliveries being sent.
            models.Index(fields=["next_attempt_at"], name="webhook_delivery_due", condition=Q(status="pending")),
        ]
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return f"{self.event} to {self.webhook_id} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status != self.Status.PENDING


class DeliveryAttempt(models.Model):
    """One try of a delivery: when, what the receiver answered (or why nothing came back), how long it took."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_rows")
    number = models.PositiveIntegerField()
    at = models.DateTimeField(default=timezone.now)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=ERROR_MAX_LENGTH, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["delivery", "number"]

    def __str__(self) -> str:
        return f"Attempt {self.number} of delivery {self.delivery_id}"

    @property
    def succeeded(self) -> bool:
        return self.response_code is not None and 200 <= self.response_code < 300
