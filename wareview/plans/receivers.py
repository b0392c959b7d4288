"""The plan's side of the reviews app's signals (connected in apps.PlansConfig.ready)."""

from typing import Any

from django.contrib.auth.models import User

from wareview.plans import services
from wareview.reviews.models import Answer


def answer_practices_changed(
    sender: type[Answer],
    *,
    answer: Answer,
    user: User | None,
    before: tuple[str, ...],
    after: tuple[str, ...],
    **kwargs: Any,
) -> None:
    ticked = set(after) - set(before)
    unticked = set(before) - set(after)
    if ticked or unticked:
        services.items_follow_answer(answer=answer, user=user, ticked=ticked, unticked=unticked)
