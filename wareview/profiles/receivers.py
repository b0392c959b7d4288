"""The profile's side of the reviews app's signals (connected in apps.ProfilesConfig.ready)."""

from typing import Any

from django.contrib.auth.models import User

from wareview.profiles import services
from wareview.profiles.selectors import profile_answers
from wareview.reviews.models import Review


def review_started(sender: type[Review], *, review: Review, user: User | None, **kwargs: Any) -> None:
    """A review started on a question set the workload has a profile for gets the profile's marks at once. One
    query when the workload has none."""
    answers = profile_answers(workload_id=review.workload_id, lens_slug=review.lens_slug)
    if answers:
        services.profile_apply(review=review, answers=answers, user=user, note=services.STARTED_NOTE)
