"""Links to a review's questions, made many at a time."""

from collections.abc import Callable
from functools import partial

from django.urls import reverse


def question_url_maker(review_pk: int) -> Callable[[str], str]:
    """`reverse("reviews:question", args=[review_pk, code])` for many codes of one review: the navigation links
    every question of the lens. Each link is Django's own `reverse`, so its quoting and checks stay Django's."""
    return partial(_question_url, review_pk)


def _question_url(review_pk: int, code: str) -> str:
    return reverse("reviews:question", args=[review_pk, code])
