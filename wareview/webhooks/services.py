"""Writes for webhooks: registering, changing, rotating and deleting a webhook; recording an event as deliveries;
one try of a delivery (in the worker); sending a delivery again; queueing again the deliveries whose message was
lost (the sweep); pruning old deliveries.

What a person does to a webhook is audited in the team's log (`record_address` says what of the URL is kept);
its secret never is.

Deliveries are sent by the task registered under DELIVER_TASK (tasks.py), looked up by name so this module never
imports its tasks.
"""

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from celery import current_app
from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from wareview.audit.models import Action
from wareview.audit.services import audit_record
from wareview.teams.models import Team
from wareview.webhooks.models import ERROR_MAX_LENGTH, Delivery, DeliveryAttempt, Event, Webhook, new_secret
from wareview.webhooks.sending import send
from wareview.webhooks.signing import (
    DELIVERY_HEADER,
    EVENT_HEADER,
    SIGNATURE_HEADER,
    payload_body,
    signature_header,
)

logger = logging.getLogger(__name__)

DELIVER_TASK = "webhooks.deliver"
NOT_QUEUED_MESSAGE = "The delivery could not be queued: the job queue is not answering. Send it again in a moment."
DISABLED_MESSAGE = "The webhook was disabled before this delivery was sent."
# After the words of an address refused (`sending.SendResult.refused`): why the delivery failed at its first try.
NOT_RETRIED = " Not tried again: every try would be refused the same way until the webhook's address changes."
# The most deliveries one sweep queues again; the next sweep, a minute later, takes the rest.
SWEEP_BATCH = 500


class WebhookError(Exception):
    """A request about a webhook that cannot be done, with words for the person who made it."""


@dataclass(frozen=True)
class WebhookEdit:
    """What the webhook form cleaned (forms.WebhookForm): the services trust it."""

    url: str
    events: list[str]
    is_active: bool = True


@transaction.atomic
def webhook_create(*, team: Team, user: User, edit: WebhookEdit, ip: str | None = None) -> Webhook:
    """A new webhook of `team`, with a new secret."""
    webhook = Webhook.objects.create(
        team=team, url=edit.url, events=_ordered(edit.events), is_active=edit.is_active, created_by=user
    )
    details = {"webhook": webhook.pk, "events": ", ".join(webhook.events), "enabled": webhook.is_active}
    _record(Action.WEBHOOK_CREATED, webhook, by=user, ip=ip, details=details)
    return webhook


@transaction.atomic
def webhook_update(*, webhook: Webhook, edit: WebhookEdit, by: User, ip: str | None = None) -> Webhook:
    """Change the webhook's URL, events and whether it is enabled; its secret stays. A save that changes
    nothing records nothing."""
    changes = _changes(webhook, edit)
    webhook.url, webhook.events, webhook.is_active = edit.url, _ordered(edit.events), edit.is_active
    webhook.save(update_fields=["url", "events", "is_active"])
    if changes:
        _record(Action.WEBHOOK_CHANGED, webhook, by=by, ip=ip, details={"webhook": webhook.pk, **changes})
    return webhook


def _changes(webhook: Webhook, edit: WebhookEdit) -> dict[str, Any]:
    """What `edit` changes of `webhook`, for the audit log."""
    changes: dict[str, Any] = {}
    if edit.url != webhook.url:
        changes["url"] = f"{record_address(webhook.url)} → {record_address(edit.url)}"
    events = _ordered(edit.events)
    added = [event for event in events if event not in webhook.events]
    removed = [event for event in webhook.events if event not in events]
    if added:
        changes["added"] = ", ".join(added)
    if removed:
        changes["removed"] = ", ".join(removed)
    if edit.is_active != webhook.is_active:
        changes["enabled"] = edit.is_active
    return changes


@transaction.atomic
def webhook_rotate_secret(*, webhook: Webhook, by: User, ip: str | None = None) -> Webhook:
    """Give the webhook a new secret: every try from now on, retries of earlier deliveries included, is signed
    with it; the old one stops working at once."""
    webhook.secret, webhook.secret_rotated_at = new_secret(), timezone.now()
    webhook.save(update_fields=["secret", "secret_rotated_at"])
    _record(Action.WEBHOOK_SECRET_ROTATED, webhook, by=by, ip=ip, details={"webhook": webhook.pk})
    return webhook


@transaction.atomic
def webhook_delete(*, webhook: Webhook, by: User, ip: str | None = None) -> None:
    """Delete the webhook with its deliveries; a try already queued finds nothing and does nothing."""
    deliveries = Delivery.objects.filter(webhook=webhook).count()
    pk = webhook.pk
    webhook.delete()
    _record(Action.WEBHOOK_DELETED, webhook, by=by, ip=ip, details={"webhook": pk, "deliveries": deliveries})


def record_address(url: str) -> str:
    """A webhook's URL as the audit log keeps it: its scheme, host and port, with "/…" for a path or query left
    out. Receivers often take a secret there (chat services' incoming webhooks do), or a user and password
    before the host, and the log outlives the webhook."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    rest = "/…" if parts.path.strip("/") or parts.query else ""
    return f"{parts.scheme}://{host}{rest}"


def _record(action: Action, webhook: Webhook, *, by: User, ip: str | None, details: dict[str, Any]) -> None:
    audit_record(
        action=action, actor=by, team=webhook.team_id, target=record_address(webhook.url), details=details, ip=ip
    )


def _ordered(events: Iterable[str]) -> list[str]:
    wanted = set(events)
    return [value for value in Event.values if value in wanted]


@transaction.atomic
def deliveries_create(*, webhooks: Iterable[Webhook], event: Event, payloads: list[dict[str, Any]]) -> list[Delivery]:
    """One delivery per webhook and payload, in one insert, each sent to the worker once this transaction
    commits."""
    now = timezone.now()
    deliveries = Delivery.objects.bulk_create(
        [
            Delivery(webhook=webhook, event=event, payload=payload, next_attempt_at=now)
            for webhook in webhooks
            for payload in payloads
        ]
    )
    for delivery in deliveries:
        _enqueue(delivery_id=delivery.pk, due=now)
    return deliveries


def retry_delay(attempt: int) -> float:
    """Seconds to wait after the `attempt`-th failed try of a round: WEBHOOK_RETRY_BASE_DELAY, doubled each time."""
    return float(settings.WEBHOOK_RETRY_BASE_DELAY * 2 ** (attempt - 1))


def delivery_attempt(
    *, delivery_id: int, round_attempt: int, may_retry: bool = True, due: datetime | None = None
) -> datetime | None:
    """Try delivery `delivery_id` once (the `round_attempt`-th try since it was last queued) and record the try.
    `due` is the time the message was queued for (None in messages from before it was sent): a message whose
    delivery has been queued again since, for another time, does nothing.

    Returns when the next try is due, or None when there is none to queue: the delivery is delivered, out of
    tries (WEBHOOK_MAX_ATTEMPTS), sent to an address that is refused (no retry would get further), not retried
    (`may_retry` false), gone, its webhook disabled, or the message stale."""
    delivery = Delivery.objects.select_related("webhook").filter(pk=delivery_id).first()
    if delivery is None or delivery.is_finished:  # deleted with its webhook, or a message delivered twice
        return None
    if due is not None and delivery.next_attempt_at != due:
        # The sweep queued it again after this message was taken for lost (or "Send again" after it finished):
        # that newer message does the try, so the receiver does not get it twice.
        logger.info("Skipped a stale message of webhook delivery %s, queued for %s", delivery_id, due.isoformat())
        return None
    webhook = delivery.webhook
    if not webhook.is_active:
        _delivery_finish(delivery, status=Delivery.Status.FAILED, error=DISABLED_MESSAGE)
        return None
    body = payload_body(delivery.payload)
    headers = {
        SIGNATURE_HEADER: signature_header(secret=webhook.secret, timestamp=int(time.time()), body=body),
        EVENT_HEADER: delivery.event,
        DELIVERY_HEADER: str(delivery.uuid),
    }
    result = send(
        url=webhook.url,
        body=body,
        headers=headers,
        timeout=settings.WEBHOOK_TIMEOUT,
        allow_private=settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES,
    )
    now = timezone.now()
    next_try = None
    if not result.succeeded and not result.refused and may_retry and round_attempt < settings.WEBHOOK_MAX_ATTEMPTS:
        next_try = now + timedelta(seconds=retry_delay(round_attempt))
    error = f"{result.error}{NOT_RETRIED}" if result.refused else result.error
    with transaction.atomic():
        DeliveryAttempt.objects.create(
            delivery=delivery,
            number=delivery.attempts + 1,
            at=now,
            response_code=result.response_code,
            error=error[:ERROR_MAX_LENGTH],
            duration_ms=result.duration_ms,
        )
        status = Delivery.Status.SUCCEEDED if result.succeeded else Delivery.Status.FAILED
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.PENDING if next_try is not None else status,
            attempts=F("attempts") + 1,
            response_code=result.response_code,
            error=error[:ERROR_MAX_LENGTH],
            last_attempt_at=now,
            next_attempt_at=next_try,
        )
    return next_try


@transaction.atomic
def delivery_resend(*, delivery: Delivery, by: User, ip: str | None = None) -> Delivery:
    """Queue a finished delivery again, with the same payload and Wareview-Delivery id and a new round of tries.
    WebhookError while it is still being sent or when its webhook is disabled (and nothing is recorded)."""
    if not delivery.webhook.is_active:
        raise WebhookError("The webhook is disabled: enable it before sending again.")
    was = delivery.status
    now = timezone.now()
    queued = Delivery.objects.filter(pk=delivery.pk).exclude(status=Delivery.Status.PENDING)
    if not queued.update(status=Delivery.Status.PENDING, error="", next_attempt_at=now):
        raise WebhookError("This delivery is still being sent: wait until it is delivered or has failed.")
    _enqueue(delivery_id=delivery.pk, due=now)
    details = {"webhook": delivery.webhook_id, "delivery": str(delivery.uuid), "event": delivery.event, "was": was}
    _record(Action.WEBHOOK_DELIVERY_RESENT, delivery.webhook, by=by, ip=ip, details=details)
    delivery.refresh_from_db()
    return delivery


@transaction.atomic
def deliveries_sweep(*, now: datetime | None = None) -> int:
    """Queue again the deliveries whose next try is overdue by more than WEBHOOK_OVERDUE_AFTER seconds (up to
    SWEEP_BATCH at a time, the longest overdue first); Celery beat runs it every WEBHOOK_SWEEP_INTERVAL seconds.
    The number queued.

    Such a delivery lost its message: Redis restarted without it while the worker held the retry waiting for its
    countdown (or the first try, still in the queue), and a worker that loses its connection drops the messages it
    held. Each is queued for now, in a new round of tries; a late copy of the old message finds it queued for
    another time and does nothing (`delivery_attempt`). Rows another sweep is queueing are skipped, not waited for."""
    now = timezone.now() if now is None else now
    overdue = Delivery.objects.overdue(before=now - timedelta(seconds=settings.WEBHOOK_OVERDUE_AFTER))
    overdue = overdue.order_by("next_attempt_at").select_for_update(skip_locked=True)
    ids = list(overdue.values_list("pk", flat=True)[:SWEEP_BATCH])
    if ids:
        Delivery.objects.filter(pk__in=ids).update(next_attempt_at=now)
        for delivery_id in ids:
            _enqueue(delivery_id=delivery_id, due=now)
        logger.warning("Queued again %d webhook deliveries whose next try was overdue (message lost)", len(ids))
    return len(ids)


@transaction.atomic
def deliveries_prune(*, days: int | None = None, now: datetime | None = None) -> int:
    """Delete the finished deliveries, with their tries, last tried (or made) more than `days` (default
    WEBHOOK_DELIVERY_RETENTION_DAYS) days ago; those still being sent stay. The number deleted."""
    days = settings.WEBHOOK_DELIVERY_RETENTION_DAYS if days is None else days
    deleted = Delivery.objects.prune(before=(now or timezone.now()) - timedelta(days=days))
    logger.info("Pruned %d webhook deliveries older than %d days", deleted, days)
    return deleted


def _delivery_finish(delivery: Delivery, *, status: str, error: str) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(status=status, error=error[:ERROR_MAX_LENGTH], next_attempt_at=None)


def _enqueue(*, delivery_id: int, due: datetime) -> None:
    transaction.on_commit(partial(_send, delivery_id=delivery_id, due=due))


def _send(*, delivery_id: int, due: datetime) -> None:
    """Hand the delivery to the broker, with the time its try is due; if it refuses (Redis down), fail the delivery
    with words, so the owner sees it and can send it again."""
    try:
        current_app.tasks[DELIVER_TASK].delay(delivery_id, due=due.isoformat())
    except Exception:  # kombu's OperationalError, or whatever else keeps the message from the queue
        logger.exception("Webhook delivery %s could not be queued", delivery_id)
        Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.PENDING, next_attempt_at=due).update(
            status=Delivery.Status.FAILED, error=NOT_QUEUED_MESSAGE, next_attempt_at=None
        )
