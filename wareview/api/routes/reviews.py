"""Reviews and their answers: start a review, read it whole (answers and risks), read and save one answer.

A save goes through the browser's `AnswerForm` and `services.answer_save`: a save from an older version is merged
with what was saved since, and a clash is a 409 with the current answer, as on the question page.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.http import QueryDict
from ninja import Router, Status

from wareview.api.auth import ApiRefusal
from wareview.api.routes import BODY_REFUSALS, REFUSALS, form_refusal
from wareview.api.routes.shapes import lens_shape
from wareview.api.schemas import AnswerIn, AnswerOut, ConflictOut, Message, ReviewOut, ReviewStartIn, SavedAnswerOut
from wareview.lenses.selectors import question_sheet
from wareview.lib.http import AuthenticatedHttpRequest
from wareview.reviews import selectors, services
from wareview.reviews.access import get_answer_for, get_answer_to_write, get_review_for
from wareview.reviews.forms import AnswerForm, ReviewStartForm, note_field, profile_marked_codes, reason_field
from wareview.reviews.models import Answer, AnswerRisk, Review
from wareview.teams.access import Need
from wareview.workloads.access import get_workload_for

router = Router(tags=["reviews"])


@router.post(
    "/workloads/{id:workload_id}/reviews",
    response={201: ReviewOut, 409: Message, **BODY_REFUSALS},
    summary="Start a review of a workload",
)
def review_start(request: AuthenticatedHttpRequest, workload_id: int, payload: ReviewStartIn) -> Status[dict[str, Any]]:
    workload = get_workload_for(request.user, workload_id, need=Need.WRITE).workload
    form = ReviewStartForm({"lens": payload.lens})
    if not form.is_valid():
        raise form_refusal(form)
    try:
        review = services.review_start(workload=workload, lens=form.cleaned_data["lens"], user=request.user)
    except services.ReviewError as error:
        raise ApiRefusal(409, str(error)) from None
    return Status(201, _review_shape(review))


@router.get("/reviews/{id:review_id}", response={200: ReviewOut, **REFUSALS}, summary="Read a review")
def review_read(request: AuthenticatedHttpRequest, review_id: int) -> dict[str, Any]:
    """Every question in lens order, grouped by focus area, with its answer, its version and its risk. Four
    queries, whatever the size of the lens."""
    return _review_shape(get_review_for(request.user, review_id).review)


@router.get("/reviews/{id:review_id}/answers/{code}", response={200: AnswerOut, **REFUSALS}, summary="Read an answer")
def answer_read(request: AuthenticatedHttpRequest, review_id: int, code: str) -> dict[str, Any]:
    return _answer_shape(get_answer_for(request.user, review_id, code).answer)


@router.put(
    "/reviews/{id:review_id}/answers/{code}",
    response={200: SavedAnswerOut, 409: ConflictOut, **BODY_REFUSALS},
    summary="Save an answer",
)
def answer_save(
    request: AuthenticatedHttpRequest, review_id: int, code: str, payload: AnswerIn
) -> Status[dict[str, Any]] | dict[str, Any]:
    """Saves the answer sent, from `version`. Changes saved by someone else since are merged in (fields both
    changed differently: 409 with the current answer)."""
    answer = get_answer_to_write(request.user, review_id, code).answer
    form = AnswerForm(
        _form_data(payload),
        sheet=question_sheet(answer.question_id),
        profile_marked=profile_marked_codes(answer.practices_not_applicable),
    )
    if not form.is_valid():
        raise form_refusal(form)
    try:
        merged_with = services.answer_save_merging(
            answer=answer,
            user=request.user,
            data=form.state(),
            expected_version=form.cleaned_data["version"],
            changed=form.changed_fields(),
        )
    except services.AnswerVersionAhead as error:
        raise ApiRefusal(400, str(error)) from None
    except services.AnswerConflict as conflict:
        answer.refresh_from_db()
        return Status(
            409,
            {
                "message": str(conflict),
                "current": {**_answer_shape(answer), "updated_by": _username(answer.updated_by_id)},
                "mine_changed": sorted(conflict.mine_changed),
                "overlap": sorted(conflict.overlap),
            },
        )
    return {**_answer_shape(answer), "updated_by": request.user.get_username(), "merged_with": merged_with}


def _form_data(payload: AnswerIn) -> QueryDict:
    """The answer as the question page's form posts it."""
    data = QueryDict(mutable=True)
    data["version"] = str(payload.version)
    data.setlist("selected", payload.selected)
    if payload.not_applicable:
        data["not_applicable"] = "on"
    data["reason"] = payload.reason
    data["notes"] = payload.notes
    data.setlist("practice_not_applicable", list(payload.practices_not_applicable))
    for code, mark in payload.practices_not_applicable.items():
        data[reason_field(code)] = mark.reason
        data[note_field(code)] = mark.note
    if payload.changed is not None:
        data.setlist("changed", payload.changed)
    return data


def _answer_shape(answer: Answer) -> dict:
    return {
        "code": answer.question.code,
        "title": answer.question.title,
        "risk": answer.risk,
        "version": answer.version,
        "selected": list(answer.selected),
        "not_applicable": answer.not_applicable,
        "reason": answer.reason,
        "notes": answer.notes,
        "practices_not_applicable": dict(answer.practices_not_applicable),
    }


def _username(user_id: int | None) -> str:
    if user_id is None:
        return ""
    person = get_user_model().objects.filter(pk=user_id).first()
    return person.get_username() if person else ""


def _review_shape(review: Review) -> dict:
    outline = selectors.review_outline(review=review, answers=True)
    versions = dict(Answer.objects.filter(review=review).values_list("question_id", "version"))
    return {
        "id": review.pk,
        "workload": review.workload_id,
        "lens": lens_shape(review.lens),
        "status": review.status,
        "created_at": review.created_at,
        "question_count": outline.total,
        "answered_count": outline.answered,
        "risk_counts": dict(outline.risk_counts),
        "areas": [
            {
                "name": area.label,
                "risk_counts": dict(area.risk_counts),
                "questions": [
                    {
                        "code": question.code,
                        "title": question.title,
                        "risk": question.risk,
                        "version": versions.get(question.question_id, 0),
                        "selected": list(question.selected),
                        "not_applicable": question.risk == AnswerRisk.NOT_APPLICABLE,
                        "reason": question.reason,
                        "notes": question.notes,
                        "practices_not_applicable": question.practices_not_applicable,
                    }
                    for question in area.questions
                ],
            }
            for area in outline.areas
        ],
    }
