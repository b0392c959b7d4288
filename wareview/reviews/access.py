"""Who may see or change a review and its answers: the workload's team members see; owners and contributors
answer. Each helper is one query that also reads the user's role; the shape is described in
`wareview/teams/access.py`."""

from collections.abc import Mapping
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import Expression, F, QuerySet

from wareview.lenses.selectors import question_sheet
from wareview.reviews.models import Answer, Review
from wareview.teams.access import Access, Need, member_row

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


def get_review_for(
    user: User | AnonymousUser, pk: int, *, need: Need = Need.READ, even_closed: bool = False
) -> ReviewAccess:
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


def get_answer_for(
    user: User | AnonymousUser,
    review_pk: int,
    question_code: str,
    *,
    need: Need = Need.READ,
    annotations: Mapping[str, Expression | F] | None = None,
) -> AnswerAccess:
    """The answer to question `question_code` in review `review_pk`, with what the question page and the answer's
    history show of it: its question, and its review with the review's workload and lens, plus `annotations` (what
    a page reads beside the answer, e.g. `evidence.selectors.answer_evidence_policy()`). One query; the lowest id
    wins, should two pillars of a lens share a question code (`member_row` takes the first by id)."""
    answers = _answers(review_pk, question_code).select_related("question", "review__workload", "review__lens")
    answer, role = member_row(
        answers.annotate(**annotations) if annotations else answers,
        user,
        memberships=ANSWER_MEMBERSHIPS,
        need=need,
        refusal=VIEWER_REFUSAL,
    )
    refuse_closed(answer.review, need)
    return AnswerAccess(answer=answer, role=role)


def get_answer_to_write(user: User | AnonymousUser, review_pk: int, question_code: str) -> AnswerAccess:
    """The answer to question `question_code` in review `review_pk`, for a save: `get_answer_for` with
    `Need.WRITE` (a closed review refused too), reading the answer with its review alone; its question comes from
    memory (`question_sheet`)."""
    answer, role = member_row(
        _answers(review_pk, question_code).select_related("review"),
        user,
        memberships=ANSWER_MEMBERSHIPS,
        need=Need.WRITE,
        refusal=VIEWER_REFUSAL,
    )
    refuse_closed(answer.review, Need.WRITE)
    answer.question = question_sheet(answer.question_id).question
    return AnswerAccess(answer=answer, role=role)


ANSWER_MEMBERSHIPS = "review__workload__team__memberships"


def _answers(review_pk: int, question_code: str) -> QuerySet[Answer]:
    return Answer.objects.filter(review_id=review_pk, question__code=question_code)
