"""What a delivery says: the event, when, the team, workload and review it concerns, and a small summary.

Every payload has the keys `event`, `occurred_at` (ISO 8601, UTC), `team`, `workload` and `review` (each with its
`id` and name), `summary` (a sentence), and one key of its event's own: `milestone`, `risks`, `report`, `item` or
`evidence`.
"""

from collections import Counter, defaultdict
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from wareview.evidence.services import ExpiredPractice
from wareview.lenses.models import Choice
from wareview.milestones.models import Milestone
from wareview.plans.models import ImprovementItem
from wareview.reports.models import Report
from wareview.reviews.models import Answer, AnswerRisk, Review
from wareview.webhooks.models import Event


def _base(event: Event, review: Review, summary: str) -> dict[str, Any]:
    workload = review.workload
    return {
        "event": event.value,
        "occurred_at": timezone.now().isoformat().replace("+00:00", "Z"),
        "team": {"id": workload.team_id, "name": workload.team.name},
        "workload": {"id": workload.pk, "name": workload.name},
        "review": {
            "id": review.pk,
            "lens": review.lens.slug,
            "lens_version": review.lens.version,
            "status": review.status,
        },
        "summary": summary,
    }


def review_with_context(review_id: int) -> Review:
    """The review with what every payload names: its workload, team and lens. One query."""
    return Review.objects.select_related("workload__team", "lens").get(pk=review_id)


def milestone_saved_payload(*, milestone: Milestone) -> dict[str, Any]:
    review = review_with_context(milestone.review_id)
    summary = (
        f"Milestone “{milestone.name}” of {review.workload.name}: {milestone.answered_count} of "
        f"{milestone.question_count} questions answered, {milestone.high_count} high and "
        f"{milestone.medium_count} medium risks."
    )
    payload = _base(Event.MILESTONE_SAVED, review, summary)
    payload["milestone"] = {
        "id": milestone.pk,
        "name": milestone.name,
        "created_at": milestone.created_at.isoformat(),
        "questions": milestone.question_count,
        "answered": milestone.answered_count,
        "high_risks": milestone.high_count,
        "medium_risks": milestone.medium_count,
    }
    return payload


def review_completed_payload(*, review_id: int) -> dict[str, Any]:
    review = review_with_context(review_id)
    counts = Counter(Answer.objects.filter(review_id=review_id).values_list("risk", flat=True))
    risks = {value: counts[value] for value in AnswerRisk.values if value != AnswerRisk.UNANSWERED}
    summary = (
        f"Every question of the review of {review.workload.name} is answered: {risks[AnswerRisk.HIGH]} high and "
        f"{risks[AnswerRisk.MEDIUM]} medium risks."
    )
    payload = _base(Event.REVIEW_COMPLETED, review, summary)
    payload["risks"] = risks
    return payload


def report_ready_payload(*, report: Report) -> dict[str, Any]:
    review = report.review
    milestone = report.milestone
    as_at = f" as at milestone “{milestone.name}”" if milestone else ""
    payload = _base(Event.REPORT_READY, review, f"The PDF report of {review.workload.name}{as_at} is ready.")
    payload["report"] = {
        "id": report.pk,
        "milestone": {"id": milestone.pk, "name": milestone.name} if milestone else None,
        "download_path": reverse("reports:download", args=[report.pk]),
    }
    return payload


def items_changed_payloads(*, items: tuple[ImprovementItem, ...]) -> list[dict[str, Any]]:
    """One payload per item (all of one review): two queries, whatever the number of items."""
    review = review_with_context(items[0].review_id)
    owner_ids = {item.owner_id for item in items if item.owner_id}
    names = dict(get_user_model().objects.filter(pk__in=owner_ids).values_list("pk", "username"))
    payloads = []
    for item in items:
        status = item.get_status_display()
        summary = f"Improvement item {item.question_code}/{item.practice_code} of {review.workload.name}: {status}."
        payload = _base(Event.ITEM_CHANGED, review, summary)
        payload["item"] = {
            "id": item.pk,
            "question": item.question_code,
            "practice": item.practice_code,
            "status": item.status,
            "owner": names.get(item.owner_id) if item.owner_id else None,
            "due_date": item.due_date.isoformat() if item.due_date else None,
        }
        payloads.append(payload)
    return payloads


def evidence_expired_payloads(*, practices: list[ExpiredPractice]) -> dict[int, list[dict[str, Any]]]:
    """One payload per practice, by review id: two queries (the reviews with their context, the practices'
    titles), whatever the number of practices and reviews."""
    reviews = Review.objects.select_related("workload__team", "lens").in_bulk({p.review_id for p in practices})
    titles = {
        (question_id, code): title
        for question_id, code, title in Choice.objects.filter(
            question_id__in={p.question_id for p in practices}, code__in={p.practice for p in practices}
        ).values_list("question_id", "code", "title")
    }
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for practice in practices:
        review = reviews[practice.review_id]
        title = titles.get((practice.question_id, practice.practice), practice.practice)
        summary = (
            f"The evidence of “{title}” ({practice.question_code}) in the review of {review.workload.name} has "
            f"expired: last verified on {practice.last_verified_on.isoformat()}, {practice.max_age_days} days allowed."
        )
        payload = _base(Event.EVIDENCE_EXPIRED, review, summary)
        payload["evidence"] = {
            "question": practice.question_code,
            "practice": practice.practice,
            "practice_title": title,
            "last_verified_on": practice.last_verified_on.isoformat(),
            "max_age_days": practice.max_age_days,
            "expired_on": (practice.last_verified_on + timedelta(days=practice.max_age_days + 1)).isoformat(),
        }
        found[practice.review_id].append(payload)
    return dict(found)
