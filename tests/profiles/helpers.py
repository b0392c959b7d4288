from django.urls import reverse

from wareview.reviews.models import Answer


def profile_url(cast, **query: str) -> str:
    url = reverse("profiles:profile", args=[cast.storefront.pk, cast.profiled_lens.slug])
    return url + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def answer_of(review, code: str) -> Answer:
    return Answer.objects.get(review=review, question__code=code)


def marks(review) -> dict[str, dict]:
    """Every practice marked "does not apply" in the review: code → mark."""
    return {code: mark for answer in review.answers.all() for code, mark in answer.practices_not_applicable.items()}
