"""Who may see or change a review and its answers: the workload's team members see; owners and contributors
answer. Each helper is one query that also reads the user's role; the shape is described in
`wareview/teams/access.py`."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404

from wareview.lenses.selectors import question_sheet
from wareview.reviews.models import Answer, Review
from wareview.teams.access import NOT_FOUND, ROLE_COLUMN, Access, Need, member_row, role_checked

VIEWER_REFUSAL = "Viewers can read this review but not change its answers."
CLOSED_REFUSAL = "This review is closed, so it cannot change. Reopen it from its overview first."


@dataclass(frozen=True, kw_only=True)
class ReviewAccess(Access):
    review: Review

    @property
    def can_write(self) -> bool:
        """The role writes and the review is open (a closed review is read-only for everyone)."""
        return super().can_write and not self.review.is_closed


@dataclass(frozen=True, kw_only=True)
class AnswerAccess(Access):
    answer: Answer

    @property
    def can_write(self) -> bool:
        return super().can_write and not self.answer.review.is_closed


def refuse_closed(review: Review, need: Need) -> None:
    """PermissionDenied (`CLOSED_REFUSAL`) for a change to a closed review; every access helper of something in a
    review calls it."""
    if need >= Need.WRITE and review.is_closed:
        raise PermissionDenied(CLOSED_REFUSAL)


def get_review_for(user, pk: int, *, need: Need = Need.READ, even_closed: bool = False) -> ReviewAccess:
    """The review `pk` with its workload, team and lens; Http404 for outsiders, PermissionDenied short of `need`
    or for a change to a closed review (unless `even_closed`: reopening it)."""
    review, role = member_row(
        Review.objects.select_related("workload__team", "lens").filter(pk=pk),
        user,
        memberships="workload__team__memberships",
        need=need,
        refusal=VIEWER_REFUSAL,
    )
    if not even_closed:
        refuse_closed(review, need)
    return ReviewAccess(review=review, role=role)


def get_answer_for(user, review_pk: int, question_code: str, *, need: Need = Need.READ) -> AnswerAccess:
    """The answer to question `question_code` in review `review_pk`, with what the question page and the answer's
    history show of it: the review's workload and lens, and the question."""
    answer, role = member_row(
        Answer.objects.select_related("review__workload", "review__lens", "question").filter(
            review_id=review_pk, question__code=question_code
        ),
        user,
        memberships="review__workload__team__memberships",
        need=need,
        refusal=VIEWER_REFUSAL,
    )
    refuse_closed(answer.review, need)
    return AnswerAccess(answer=answer, role=role)


REVIEW_STATUS_COLUMN = "review_status"
# Every autosave runs this: written out, since building the same statement with the ORM took four times the CPU of
# running it. The lowest id wins, as in get_answer_for, should two pillars of a lens share a question code.
_ANSWER_TO_WRITE = f"""
    SELECT answer.*, membership.role AS {ROLE_COLUMN}, review.status AS {REVIEW_STATUS_COLUMN}
    FROM reviews_answer answer
    JOIN lenses_question question ON question.id = answer.question_id
    JOIN reviews_review review ON review.id = answer.review_id
    JOIN workloads_workload workload ON workload.id = review.workload_id
    JOIN teams_membership membership ON membership.team_id = workload.team_id
    WHERE answer.review_id = %s AND question.code = %s AND membership.user_id = %s
    ORDER BY answer.id
    LIMIT 1
"""


def get_answer_to_write(user, review_pk: int, question_code: str) -> AnswerAccess:
    """The answer to question `question_code` in review `review_pk`, for a save: `get_answer_for` with
    `Need.WRITE` (a closed review refused too), reading the answer alone; its question comes from memory
    (`question_sheet`)."""
    if not user.is_authenticated:
        raise Http404(NOT_FOUND)
    rows = Answer.objects.raw(_ANSWER_TO_WRITE, [review_pk, question_code, user.pk])
    answer, role = role_checked(next(iter(rows), None), need=Need.WRITE, refusal=VIEWER_REFUSAL)
    if getattr(answer, REVIEW_STATUS_COLUMN) == Review.Status.CLOSED:
        raise PermissionDenied(CLOSED_REFUSAL)
    answer.question = question_sheet(answer.question_id).question
    return AnswerAccess(answer=answer, role=role)
