"""Links to a review's questions, made many at a time."""

from collections.abc import Callable
from urllib.parse import quote

from django.urls import reverse


def question_url_maker(review_pk: int) -> Callable[[str], str]:
    """`reverse("reviews:question", args=[review_pk, code])` for many codes of one review, resolving the URL
    pattern once: the navigation links every question of the lens."""
    marker = "question-code"
    head, tail = reverse("reviews:question", args=[review_pk, marker]).rsplit(marker, 1)

    def question_url(code: str) -> str:
        if not code or "/" in code:
            return reverse("reviews:question", args=[review_pk, code])  # refuses it as it always did
        # How `reverse` quotes an argument (django.urls.resolvers).
        return head + quote(code, safe="!$&'()*+,;=/~:@") + tail

    return question_url
