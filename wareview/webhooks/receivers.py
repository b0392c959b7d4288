"""The webhooks' side of the other apps' signals (connected in apps.WebhooksConfig.ready). Each is sent after
its transaction commits; a team without a webhook that wants the event costs one query."""

from typing import Any

from wareview.evidence.services import ExpiredPractice
from wareview.milestones.models import Milestone
from wareview.plans.models import ImprovementItem
from wareview.reports.models import Report
from wareview.webhooks import payloads
from wareview.webhooks.models import Event
from wareview.webhooks.selectors import subscribed_webhooks, subscribed_webhooks_by_review
from wareview.webhooks.services import deliveries_create


def milestone_saved(sender: Any, *, milestone: Milestone, **kwargs: Any) -> None:
    webhooks = subscribed_webhooks(event=Event.MILESTONE_SAVED, review_id=milestone.review_id)
    if webhooks:
        payload = payloads.milestone_saved_payload(milestone=milestone)
        deliveries_create(webhooks=webhooks, event=Event.MILESTONE_SAVED, payloads=[payload])


def review_completed(sender: Any, *, review_id: int, **kwargs: Any) -> None:
    webhooks = subscribed_webhooks(event=Event.REVIEW_COMPLETED, review_id=review_id)
    if webhooks:
        payload = payloads.review_completed_payload(review_id=review_id)
        deliveries_create(webhooks=webhooks, event=Event.REVIEW_COMPLETED, payloads=[payload])


def report_ready(sender: Any, *, report: Report, **kwargs: Any) -> None:
    webhooks = subscribed_webhooks(event=Event.REPORT_READY, review_id=report.review_id)
    if webhooks:
        payload = payloads.report_ready_payload(report=report)
        deliveries_create(webhooks=webhooks, event=Event.REPORT_READY, payloads=[payload])


def items_changed(sender: Any, *, items: tuple[ImprovementItem, ...], **kwargs: Any) -> None:
    if not items:
        return
    webhooks = subscribed_webhooks(event=Event.ITEM_CHANGED, review_id=items[0].review_id)
    if webhooks:
        item_payloads = payloads.items_changed_payloads(items=items)
        deliveries_create(webhooks=webhooks, event=Event.ITEM_CHANGED, payloads=item_payloads)


def evidence_expired(sender: Any, *, practices: tuple[ExpiredPractice, ...], **kwargs: Any) -> None:
    """One delivery per practice and webhook of its review's team: a query for the webhooks of every review
    concerned and, when some want the event, two for the payloads, whatever the number of practices."""
    by_review = subscribed_webhooks_by_review(
        event=Event.EVIDENCE_EXPIRED, review_ids={practice.review_id for practice in practices}
    )
    wanted = [practice for practice in practices if practice.review_id in by_review]
    if not wanted:
        return
    for review_id, review_payloads in payloads.evidence_expired_payloads(practices=wanted).items():
        deliveries_create(webhooks=by_review[review_id], event=Event.EVIDENCE_EXPIRED, payloads=review_payloads)
