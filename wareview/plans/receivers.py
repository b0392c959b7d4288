"""The plan's side of the reviews app's signals (connected in apps.PlansConfig.ready)."""

from typing import Any

from django.contrib.auth.models import User

from wareview.plans import services
from wareview.plans.models import ImprovementItem
from wareview.reviews.models import Answer, Review


def answer_standing_changed(
    sender: type[Answer], *, answer: Answer, user: User | None, before: dict, **kwargs: Any
) -> None:
    services.items_follow_answer(answer=answer, user=user, before=before)


def review_upgraded(sender: type[Review], *, review: Review, user: User, **kwargs: Any) -> None:
    """A plan that has started follows the review to its new lens version: its new recommendations get their
    items, and every item its keys in the new version's order. One query when the plan has not started."""
    _follow_review(review)


def answers_changed_in_bulk(sender: type[Review], *, review: Review, user: User | None, **kwargs: Any) -> None:
    """A plan that has started follows answers changed in bulk (the workload profile's marks): a practice that no
    longer applies stops being recommended, one that applies again gets its item. One query when the plan has not
    started."""
    _follow_review(review)


def _follow_review(review: Review) -> None:
    if ImprovementItem.objects.filter(review=review).exists():
        services.plan_sync(review=review, start=False)
