"""Reads for webhooks: a team's webhooks, a webhook's deliveries, and the webhooks an event goes to."""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import F, Prefetch, QuerySet

from wareview.webhooks.models import Delivery, DeliveryAttempt, Event, Webhook


def team_webhooks(*, team_id: int) -> QuerySet[Webhook]:
    return Webhook.objects.filter(team_id=team_id).order_by("pk")


def webhook_deliveries(*, webhook: Webhook) -> QuerySet[Delivery]:
    """The webhook's deliveries, newest first, each with its tries (one more query for a page of them)."""
    attempts = Prefetch("attempt_rows", queryset=DeliveryAttempt.objects.order_by("number"))
    return Delivery.objects.filter(webhook=webhook).order_by("-created_at", "-pk").prefetch_related(attempts)


def subscribed_webhooks(*, event: Event, review_id: int) -> list[Webhook]:
    """The enabled webhooks of the team owning review `review_id` that want `event`. One query, which is all an
    event costs when the team has no webhook."""
    webhooks = Webhook.objects.filter(team__workloads__reviews=review_id, is_active=True).order_by("pk")
    return [webhook for webhook in webhooks if event in webhook.events]


def subscribed_webhooks_by_review(*, event: Event, review_ids: Iterable[int]) -> dict[int, list[Webhook]]:
    """`subscribed_webhooks` for many reviews at once, by review id (reviews without any are absent): one query."""
    webhooks = (
        Webhook.objects.filter(team__workloads__reviews__in=list(review_ids), is_active=True)
        .annotate(review_id=F("team__workloads__reviews"))
        .order_by("pk")
    )
    found: dict[int, list[Webhook]] = defaultdict(list)
    for webhook in webhooks:
        if event in webhook.events:
            found[webhook.review_id].append(webhook)  # type: ignore[attr-defined]
    return dict(found)
