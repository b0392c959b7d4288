"""Who may see or change a team's webhooks: its owners only (a webhook's secret signs what the team's data tells
other systems). One query each, of the shape described in `wareview/teams/access.py`."""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User

from wareview.teams.access import OWNERS_ONLY, Access, Need, member_row
from wareview.webhooks.models import Delivery, Webhook


@dataclass(frozen=True, kw_only=True)
class WebhookAccess(Access):
    webhook: Webhook


@dataclass(frozen=True, kw_only=True)
class DeliveryAccess(Access):
    delivery: Delivery


def get_webhook_for(user: User | AnonymousUser, pk: int, *, need: Need = Need.OWNER) -> WebhookAccess:
    """The webhook `pk` with its team; owners only, outsiders 404."""
    webhook, role = member_row(
        Webhook.objects.select_related("team").filter(pk=pk),
        user,
        memberships="team__memberships",
        need=need,
        refusal=OWNERS_ONLY,
    )
    return WebhookAccess(webhook=webhook, role=role)


def get_delivery_for(user: User | AnonymousUser, pk: int, *, need: Need = Need.OWNER) -> DeliveryAccess:
    """The delivery `pk` with its webhook and team; owners only, outsiders 404."""
    delivery, role = member_row(
        Delivery.objects.select_related("webhook__team").filter(pk=pk),
        user,
        memberships="webhook__team__memberships",
        need=need,
        refusal=OWNERS_ONLY,
    )
    return DeliveryAccess(delivery=delivery, role=role)
