"""Who may see or change a review and its answers: the workload's team members see; owners and contributors
answer. Each helper is one query that also reads the user's role; the shape is described in
`wareview/teams/access.py`."""

from dataclasses import dataclass
from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Model
from django.http import Http404

from wareview.lenses.models import Lens, Question
from wareview.lenses.selectors import question_sheet
from wareview.reviews.models import Answer, Review
from wareview.teams.access import NOT_FOUND, ROLE_COLUMN, Access, Need, member_row, role_checked
from wareview.workloads.models import Workload

M = TypeVar("M", bound=Model)

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
    history show of it: its question, and its review with the review's workload and lens (the columns
    `_ANSWER_TO_READ` reads; any other field loads when asked for). One query."""
    if not user.is_authenticated:
        raise Http404(NOT_FOUND)
    rows = Answer.objects.raw(_ANSWER_TO_READ, [review_pk, question_code, user.pk])
    answer, role = role_checked(next(iter(rows), None), need=need, refusal=VIEWER_REFUSAL)
    columns = vars(answer)
    review = _row_part(Review, answer.review_id, columns, "review")
    review.workload = _row_part(Workload, review.workload_id, columns, "workload")
    review.lens = _row_part(Lens, review.lens_id, columns, "lens")
    answer.review = review
    answer.question = _row_part(Question, answer.question_id, columns, "question")
    refuse_closed(review, need)
    return AnswerAccess(answer=answer, role=role)


# The question page and the history run this: written out, since building it with the ORM (related rows and the
# membership) took several times the CPU of running it. Each column of a related row is named `<row>__<field>`
# (see `_row_part`); the lowest id wins, should two pillars of a lens share a question code.
_ANSWER_TO_READ = f"""
    SELECT answer.*, membership.role AS {ROLE_COLUMN},
        review.workload_id AS review__workload_id, review.lens_id AS review__lens_id,
        review.lens_slug AS review__lens_slug, review.status AS review__status,
        workload.name AS workload__name, workload.team_id AS workload__team_id,
        lens.slug AS lens__slug, lens.version AS lens__version, lens.name AS lens__name, lens.status AS lens__status,
        question.pillar_id AS question__pillar_id, question.focus_area_id AS question__focus_area_id,
        question.code AS question__code, question.title AS question__title,
        question.description AS question__description, question."order" AS question__order,
        question.helpful_resource_text AS question__helpful_resource_text,
        question.helpful_resource_url AS question__helpful_resource_url
    FROM reviews_answer answer
    JOIN lenses_question question ON question.id = answer.question_id
    JOIN reviews_review review ON review.id = answer.review_id
    JOIN workloads_workload workload ON workload.id = review.workload_id
    JOIN lenses_lens lens ON lens.id = review.lens_id
    JOIN teams_membership membership ON membership.team_id = workload.team_id
    WHERE answer.review_id = %s AND question.code = %s AND membership.user_id = %s
    ORDER BY answer.id
    LIMIT 1
"""


def _row_part(model: type[M], pk: int, columns: dict, name: str) -> M:
    """The `model` row `pk` from the columns a statement read beside its own (`<name>__<field>`, taken off
    `columns`): its other fields are deferred, loaded if ever asked for. Only plain columns (text, numbers,
    foreign keys) are read this way: they need no conversion from the database."""
    prefix = f"{name}__"
    read = {key.removeprefix(prefix): columns.pop(key) for key in [key for key in columns if key.startswith(prefix)]}
    read["id"] = pk
    fields = [field.attname for field in model._meta.concrete_fields if field.attname in read]
    return model.from_db(DEFAULT_DB_ALIAS, fields, [read[field] for field in fields])


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
