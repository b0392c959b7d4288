"""Improvement items: a review's plan (filtered and a page at a time) and an item's update, through the plan's
forms and services."""

from typing import Any

from django.contrib.auth.models import User
from django.db.models import QuerySet
from ninja import Query, Router

from wareview.api.paging import PageQuery, page_of
from wareview.api.routes import BODY_REFUSALS, REFUSALS, form_refusal
from wareview.api.schemas import ItemIn, ItemOut, Page
from wareview.lib.http import AuthenticatedHttpRequest
from wareview.plans import selectors, services
from wareview.plans.access import get_item_for
from wareview.plans.forms import ItemForm, PlanFilterForm
from wareview.plans.models import ImprovementItem
from wareview.plans.selectors import PlanEntry
from wareview.reviews.access import get_review_for
from wareview.teams.access import Need

router = Router(tags=["improvement plan"])


class PlanQuery(PageQuery):
    status: str = ""
    owner: str = ""
    risk: str = ""


@router.get(
    "/reviews/{id:review_id}/improvement-items",
    response={200: Page[ItemOut], **REFUSALS},
    summary="List a review's improvement items",
)
def item_list(request: AuthenticatedHttpRequest, review_id: int, query: Query[PlanQuery]) -> dict[str, Any]:
    """The plan in the report's priority order, filtered by `status`, `owner` (a user id, or "none") and `risk`,
    as the plan page filters it."""
    review = get_review_for(request.user, review_id).review
    members = selectors.team_members(team=review.workload.team)
    filters = PlanFilterForm({"status": query.status, "owner": query.owner, "risk": query.risk}, members=members)
    if not filters.is_valid():
        raise form_refusal(filters)
    the_plan = services.plan_open(review=review)
    return page_of(the_plan.filtered(**filters.cleaned_data), query, _entry_shape)


@router.patch(
    "/reviews/{id:review_id}/improvement-items/{id:item_id}",
    response={200: ItemOut, **BODY_REFUSALS},
    summary="Update an improvement item",
)
def item_update(request: AuthenticatedHttpRequest, review_id: int, item_id: int, payload: ItemIn) -> dict[str, Any]:
    item = get_item_for(request.user, review_id, item_id, need=Need.WRITE).item
    data = {**_item_values(item), **payload.model_dump(exclude_unset=True)}
    form = ItemForm({name: "" if value is None else value for name, value in data.items()}, members=_members(item))
    if not form.is_valid():
        raise form_refusal(form)
    item = services.item_update(item=item, user=request.user, edit=form.edit())
    practice = selectors.item_practice(item=item)
    return _item_shape(item, title=practice.title if practice else "", risk=None, position=None)


def _members(item: ImprovementItem) -> QuerySet[User]:
    return item.review.workload.team.members.all()


def _item_values(item: ImprovementItem) -> dict:
    return {
        "status": item.status,
        "owner": item.owner.get_username() if item.owner else "",
        "due_date": item.due_date.isoformat() if item.due_date else "",
        "note": item.note,
        "wont_do_reason": item.wont_do_reason,
    }


def _entry_shape(entry: PlanEntry) -> dict:
    return _item_shape(entry.item, title=entry.recommendation.practice.title, risk=entry.risk, position=entry.position)


def _item_shape(item: ImprovementItem, *, title: str, risk: str | None, position: int | None) -> dict:
    return {
        "id": item.pk,
        "question_code": item.question_code,
        "practice_code": item.practice_code,
        "practice_title": title,
        "risk": risk,
        "position": position,
        "status": item.status,
        "owner": item.owner.get_username() if item.owner else None,
        "due_date": item.due_date,
        "note": item.note,
        "wont_do_reason": item.wont_do_reason,
    }
