"""Milestones: save one, list a workload's, compare two points (milestones or "now")."""

from typing import Any

from ninja import Query, Router, Schema, Status

from wareview.api.auth import ApiRefusal
from wareview.api.paging import PageQuery, page_of
from wareview.api.routes import BODY_REFUSALS, REFUSALS, form_refusal
from wareview.api.routes.shapes import milestone_shape
from wareview.api.schemas import ComparisonOut, Message, MilestoneIn, MilestoneOut, Page
from wareview.lib.http import AuthenticatedHttpRequest
from wareview.milestones import selectors, services
from wareview.milestones.compare import QuestionChange
from wareview.milestones.forms import CompareForm, MilestoneForm
from wareview.reviews.selectors import OutlineQuestion
from wareview.teams.access import Need
from wareview.workloads.access import get_workload_for

router = Router(tags=["milestones"])


@router.post(
    "/workloads/{id:workload_id}/milestones",
    response={201: MilestoneOut, 409: Message, **BODY_REFUSALS},
    summary="Save a milestone of a review",
)
def milestone_create(
    request: AuthenticatedHttpRequest, workload_id: int, payload: MilestoneIn
) -> Status[dict[str, Any]]:
    workload = get_workload_for(request.user, workload_id, need=Need.WRITE).workload
    form = MilestoneForm({"name": payload.name, "review": payload.review}, workload=workload)
    if not form.is_valid():
        raise form_refusal(form)
    try:
        milestone = services.milestone_save(
            review=form.cleaned_data["review"], name=form.cleaned_data["name"], user=request.user
        )
    except services.MilestoneError as error:
        raise ApiRefusal(409, str(error)) from None
    return Status(201, milestone_shape(milestone))


@router.get(
    "/workloads/{id:workload_id}/milestones",
    response={200: Page[MilestoneOut], **REFUSALS},
    summary="List a workload's milestones, newest first",
)
def milestone_list(request: AuthenticatedHttpRequest, workload_id: int, paging: Query[PageQuery]) -> dict[str, Any]:
    workload = get_workload_for(request.user, workload_id).workload
    return page_of(selectors.workload_milestones(workload=workload), paging, milestone_shape)


class CompareQuery(Schema):
    before: str
    after: str


@router.get(
    "/workloads/{id:workload_id}/milestones/compare",
    response={200: ComparisonOut, **REFUSALS},
    summary="Compare two milestones, or a milestone and now",
)
def milestone_compare(
    request: AuthenticatedHttpRequest, workload_id: int, points: Query[CompareQuery]
) -> dict[str, Any]:
    """`before` and `after` are milestone ids of the workload, or "now" for the review as it is."""
    workload = get_workload_for(request.user, workload_id).workload
    form = CompareForm(
        {"before": points.before, "after": points.after},
        milestones=list(selectors.workload_milestones(workload=workload)),
    )
    if not form.is_valid():
        raise form_refusal(form)
    before, after = form.milestone("before"), form.milestone("after")
    review_id = (before or after).review_id  # type: ignore[union-attr]  # the form refuses now against now
    comparison = selectors.points_compare(before=before, after=after, review_id=review_id)
    return {
        "before": comparison.before_label,
        "after": comparison.after_label,
        "improved": comparison.improved,
        "worsened": comparison.worsened,
        "unchanged": comparison.unchanged,
        "changes": [_change_shape(change) for change in comparison.changes],
        "only_before": [_question(question) for question in comparison.only_before],
        "only_after": [_question(question) for question in comparison.only_after],
    }


def _question(question: OutlineQuestion) -> dict:
    return {"code": question.code, "title": question.title, "risk": question.risk}


def _change_shape(change: QuestionChange) -> dict:
    return {
        "code": change.code,
        "title": change.title,
        "risk_before": change.before.risk,
        "risk_after": change.after.risk,
        "movement": change.movement,
        "gained": list(change.gained),
        "lost": list(change.lost),
        "marked": list(change.marked),
        "unmarked": list(change.unmarked),
        "notes_changed": change.notes_changed,
        "applicability_before": change.applicability_before,
        "applicability_after": change.applicability_after,
    }
