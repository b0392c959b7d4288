"""Workloads: list, create, read, update and delete, through the workload form and services."""

import json
from typing import Any

from django.forms.models import model_to_dict
from ninja import Query, Router, Status

from wareview.api.auth import ApiRefusal
from wareview.api.paging import PageQuery, page_of
from wareview.api.routes import BODY_REFUSALS, REFUSALS, form_refusal
from wareview.api.routes.shapes import workload_shape
from wareview.api.schemas import Message, Page, WorkloadCreateIn, WorkloadIn, WorkloadOut
from wareview.audit.services import client_ip
from wareview.lib.http import AuthenticatedHttpRequest
from wareview.reviews.selectors import dashboard_workloads, workload_reviews
from wareview.teams.access import Need, get_team_for
from wareview.workloads import services
from wareview.workloads.access import get_workload_for
from wareview.workloads.forms import WorkloadForm
from wareview.workloads.models import Workload

router = Router(tags=["workloads"])

# What a caller may send of a workload besides its team: the form's model fields, then its declared ones (tags).
FIELDS = list(WorkloadForm.base_fields)


@router.get("/workloads", response={200: Page[WorkloadOut], **REFUSALS}, summary="List your teams' workloads")
def workload_list(request: AuthenticatedHttpRequest, paging: Query[PageQuery]) -> dict[str, Any]:
    return page_of(dashboard_workloads(user=request.user).prefetch_related("tags"), paging, workload_shape)


@router.post("/workloads", response={201: WorkloadOut, 409: Message, **BODY_REFUSALS}, summary="Create a workload")
def workload_create(request: AuthenticatedHttpRequest, payload: WorkloadCreateIn) -> Status[dict[str, Any]]:
    team = get_team_for(request.user, payload.team, need=Need.WRITE).team
    defaults = {**model_to_dict(Workload(team=team), fields=WorkloadForm.Meta.fields), "tags": ""}
    form = WorkloadForm(_form_data(request, defaults, payload), team=team)
    if not form.is_valid():
        raise form_refusal(form)
    try:
        workload = services.workload_create(team=team, user=request.user, fields=form.cleaned_data)
    except services.WorkloadError as error:
        raise ApiRefusal(409, str(error)) from None
    return Status(201, workload_shape(workload, reviews=[]))


@router.get("/workloads/{id:workload_id}", response={200: WorkloadOut, **REFUSALS}, summary="Read a workload")
def workload_read(request: AuthenticatedHttpRequest, workload_id: int) -> dict[str, Any]:
    workload = get_workload_for(request.user, workload_id).workload
    return workload_shape(workload, reviews=workload_reviews(workload=workload))


@router.patch(
    "/workloads/{id:workload_id}",
    response={200: WorkloadOut, 409: Message, **BODY_REFUSALS},
    summary="Update a workload",
)
def workload_update(request: AuthenticatedHttpRequest, workload_id: int, payload: WorkloadIn) -> dict[str, Any]:
    workload = get_workload_for(request.user, workload_id, need=Need.WRITE).workload
    tags = [tag.name for tag in workload.tags.all()]
    current = {**model_to_dict(workload, fields=WorkloadForm.Meta.fields), "tags": _tags_text(tags)}
    form = WorkloadForm(_form_data(request, current, payload), instance=workload, team=workload.team)
    if not form.is_valid():
        raise form_refusal(form)
    try:
        services.workload_update(workload=workload, fields=form.cleaned_data)
    except services.WorkloadError as error:
        raise ApiRefusal(409, str(error)) from None
    return workload_shape(workload, reviews=workload_reviews(workload=workload))


@router.delete("/workloads/{id:workload_id}", response={204: None, **REFUSALS}, summary="Delete a workload")
def workload_delete(request: AuthenticatedHttpRequest, workload_id: int) -> Status[None]:
    """Deletes the workload with its reviews, milestones and reports; team owners only."""
    workload: Workload = get_workload_for(request.user, workload_id, need=Need.OWNER).workload
    services.workload_delete(workload=workload, by=request.user, ip=client_ip(request))
    return Status(204, None)


def _form_data(request: AuthenticatedHttpRequest, current: dict, payload: WorkloadIn) -> dict:
    """The form's input: the workload's current values with the fields the caller sent over them (the team is
    not a field of the form). The schema checked the types of the fields it names; a field of the form it does
    not name yet is passed to the form as sent, and anything else is refused. Tags go to the form as the
    browser's comma-separated text, so they are normalized and checked by the same code, with the same words."""
    raw = json.loads(request.body)
    sent = {name: value for name, value in raw.items() if name != "team"}
    sent.update(payload.model_dump(exclude_unset=True, exclude={"team"}))
    unknown = sorted(set(sent) - set(FIELDS))
    if unknown:
        fields = ", ".join(FIELDS)
        raise ApiRefusal(400, f"{unknown[0]}: a workload has no such field; its fields are team, {fields}.")
    if "tags" in sent:
        sent["tags"] = _tags_text(sent["tags"])
    data = {**current, **sent}
    return {name: "" if value is None else value for name, value in data.items()}


def _tags_text(tags: list[str] | None) -> str:
    """A list of tags as the form's text. A comma inside one would split it into two, so it is refused."""
    with_comma = [tag for tag in tags or [] if "," in tag]
    if with_comma:
        raise ApiRefusal(400, f"tags: “{with_comma[0]}” holds a comma; send each tag as a string of its own.")
    return ", ".join(tags or [])
