"""Who may see or change a review and its answers: the workload's team members see; owners and contributors
answer. Each helper is one query that also reads the user's role; the shape is described in
`wareview/teams/access.py`."""

from dataclasses import dataclass

from wareview.reviews.models import Answer, Review
from wareview.teams.access import Access, Need, member_row

VIEWER_REFUSAL = "Viewers can read this review but not change its answers."


@dataclass(frozen=True, kw_only=True)
class ReviewAccess(Access):
    review: Review


@dataclass(frozen=True, kw_only=True)
class AnswerAccess(Access):
    answer: Answer


def get_review_for(user, pk: int, *, need: Need = Need.READ) -> ReviewAccess:
    """The review `pk` with its workload, team and lens; Http404 for outsiders, PermissionDenied short of `need`."""
    review, role = member_row(
        Review.objects.select_related("workload__team", "lens").filter(pk=pk),
        user,
        memberships="workload__team__memberships",
        need=need,
        refusal=VIEWER_REFUSAL,
    )
    return ReviewAccess(review=review, role=role)


def get_answer_for(user, review_pk: int, question_code: str, *, need: Need = Need.READ) -> AnswerAccess:
    """The answer to question `question_code` in review `review_pk`, with what both the question page and a save
    show of it: the review's workload and lens, the question and its focus area."""
    answer, role = member_row(
        Answer.objects.select_related("review__workload", "review__lens", "question__focus_area").filter(
            review_id=review_pk, question__code=question_code
        ),
        user,
        memberships="review__workload__team__memberships",
        need=need,
        refusal=VIEWER_REFUSAL,
    )
    return AnswerAccess(answer=answer, role=role)
