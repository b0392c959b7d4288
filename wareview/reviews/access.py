"""Who may see or change a review and its answers: the workload's team members see; owners and contributors
answer. Each helper is one query that also reads the user's role."""

from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import Http404

from wareview.reviews.models import Answer, Review
from wareview.teams.access import NOT_FOUND
from wareview.teams.models import WRITE_ROLES


def get_review_for(user, pk: int, *, write: bool = False) -> Review:
    """The review `pk` with `review.role` set; Http404 for outsiders, PermissionDenied for a viewer writing."""
    if not user.is_authenticated:
        raise Http404(NOT_FOUND)
    review = (
        Review.objects.select_related("workload__team", "lens")
        .filter(pk=pk, workload__team__memberships__user=user)
        .annotate(role=F("workload__team__memberships__role"))
        .first()
    )
    if review is None:
        raise Http404(NOT_FOUND)
    _check_write(review.role, write)
    return review


def get_answer_for(user, review_pk: int, question_code: str, *, write: bool = False) -> Answer:
    """The answer to question `question_code` in review `review_pk`, with `answer.role` set.

    A page needs the review's workload and lens; a save needs only the answer, its question and its review, and
    loads no more, since it runs on every click."""
    if not user.is_authenticated:
        raise Http404(NOT_FOUND)
    related = ["review", "question__focus_area"] if write else ["review__workload", "review__lens", "question"]
    answer = (
        Answer.objects.select_related(*related)
        .filter(review_id=review_pk, question__code=question_code, review__workload__team__memberships__user=user)
        .annotate(role=F("review__workload__team__memberships__role"))
        .order_by()
        .first()
    )
    if answer is None:
        raise Http404(NOT_FOUND)
    _check_write(answer.role, write)
    return answer


def _check_write(role: str, write: bool) -> None:
    if write and role not in WRITE_ROLES:
        raise PermissionDenied("Viewers can read this review but not change its answers.")
