"""The improvement plan of a review: the page (filters, counts, one row per item, edited in place), an item's page
with its history, the CSV for issue trackers, and "My items" (the items a person owns across their teams).
Members read; owners and contributors change items.

An edit is a plain POST first: saved, it goes back to the row it came from (`#item-<pk>` on the page of `next`);
refused, that page is shown again with what was typed and the reason beside the field (400). With htmx the answer
is the row alone, saved or refused, with the plan's counts out of band."""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_safe

from wareview.lib.http import AuthenticatedHtmxHttpRequest, HtmxHttpRequest
from wareview.lib.paging import PageNotFound, paginate
from wareview.plans import exports, rows, selectors, services
from wareview.plans.access import ItemAccess, get_item_for
from wareview.plans.forms import ItemFilterForm, ItemForm, PlanFilterForm
from wareview.plans.models import NOTE_MAX_LENGTH, WONT_DO_REASON_MAX_LENGTH, ImprovementItem, ItemStatus
from wareview.reviews.access import get_review_for
from wareview.reviews.models import Review
from wareview.teams.access import Need

PLAN_PAGE_SIZE = 25
MY_ITEMS_PAGE_SIZE = 25
HISTORY_PAGE_SIZE = 20
REFUSED_PAGE = "plans/refused.html"
SAVED = "The improvement item is saved."

# A page's address, as a path and its query: the request's own, or the one an edit was sent from.
Address = tuple[str, QueryDict]


class Origin(Enum):
    """Where an edit was sent from, so the answer goes back there."""

    PLAN = "plan"
    MINE = "mine"
    ITEM = "item"  # the item's own page, or an address that is not ours


@dataclass(frozen=True)
class Back:
    origin: Origin
    url: str

    @property
    def address(self) -> Address:
        parts = urlsplit(self.url)
        return parts.path, QueryDict(parts.query)


# --- The plan ---------------------------------------------------------------------------------------------------


@login_required
@require_safe
def plan(request: HtmxHttpRequest, review_pk: int) -> HttpResponse:
    access = get_review_for(request.user, review_pk)
    return _plan_page(request, access.review, can_write=access.can_write, address=(request.path, request.GET))


def _plan_page(
    request: HtmxHttpRequest,
    review: Review,
    *,
    can_write: bool,
    address: Address,
    refused: ItemForm | None = None,
    refused_pk: int | None = None,
    saved_pk: int | None = None,
    status: int = 200,
) -> HttpResponse:
    """The plan's page at `address` (its filters and page number); with `refused`, the row of item `refused_pk`
    shows what was typed and why it was refused; the row of item `saved_pk` says it is saved."""
    _path, query = address
    members = selectors.team_members(team=review.workload.team)
    filters = PlanFilterForm(query, members=members)
    if not filters.is_valid():
        return _refused(request, review, filters.first_error(), status=400)
    # The first read starts the plan: the recommendations' items are written, in order (see README.md).
    summary = services.plan_read(review=review, start=True)
    listed: Sequence[selectors.PlanEntry] | QuerySet[ImprovementItem]
    if summary.started:
        listed = selectors.plan_items(review=review, **filters.cleaned_data)
    else:  # a closed review whose plan never started: its recommendations, as the report has them
        the_plan = selectors.review_plan(review=review, data=selectors.plan_source(review=review))
        summary = selectors.PlanSummary(
            counts=dict(Counter(entry.item.status for entry in the_plan.entries)), started=False
        )
        listed = the_plan.filtered(**filters.cleaned_data)
    try:
        pager = paginate(request, listed, per_page=PLAN_PAGE_SIZE, strict=True, address=address)
    except PageNotFound as error:
        return _refused(request, review, str(error), status=404)
    page = list(pager.page.object_list)
    entries = selectors.plan_entries(review=review, items=page) if summary.started else page
    plan_rows = [
        rows.plan_row(
            entry,
            members=members,
            can_write=can_write,
            **(rows.refused(refused) if refused and entry.item.pk == refused_pk else {}),
            saved=entry.item.pk == saved_pk,
        )
        for entry in entries
    ]
    saved_titles = [row.title for row in plan_rows if row.saved]
    context = {
        **_row_context(page_url=_url(address)),
        "review": review,
        "plan": summary,
        "pager": pager,
        "rows": plan_rows,
        "refused": _refusal(refused, plan_rows),
        "save_status": f"{saved_titles[0]} is saved." if saved_titles else "",
        "filters": filters,
        "is_filtered": any(filters.cleaned_data.values()),
        "can_write": can_write,
        "query": query.urlencode(),
    }
    return render(request, "plans/plan.html", context, status=status)


def _row_context(*, page_url: str) -> dict:
    """What every row needs beside itself: the statuses to choose, the limits, the page to come back to."""
    return {
        "statuses": ItemStatus.choices,
        "wont_do": ItemStatus.WONT_DO,
        "note_limit": NOTE_MAX_LENGTH,
        "reason_limit": WONT_DO_REASON_MAX_LENGTH,
        "page_url": page_url,
    }


def _refusal(form: ItemForm | None, page_rows: list[rows.Row]) -> dict | None:
    """The summary of a refused edit, above the list: which item, and its first problem."""
    if form is None:
        return None
    row = next((row for row in page_rows if row.form), None)
    return {"title": row.title if row else "The item", "message": form.first_error(), "item": row.item if row else None}


def _url(address: Address) -> str:
    path, query = address
    return f"{path}?{query.urlencode()}" if query else path


def _refused(request: HtmxHttpRequest, review: Review | None, message: str, *, status: int) -> HttpResponse:
    back = reverse("plans:plan", args=[review.pk]) if review else reverse("plans:mine")
    context = {"review": review, "error": message, "back_url": back}
    return render(request, REFUSED_PAGE, context, status=status)


# --- An item ----------------------------------------------------------------------------------------------------


@login_required
def item(request: AuthenticatedHtmxHttpRequest, review_pk: int, pk: int) -> HttpResponse:
    """An item with its history (GET), or its change (POST: back to the row it was sent from; refused, that page
    again with what was typed and the reason beside the field)."""
    need = Need.WRITE if request.method == "POST" else Need.READ
    access = get_item_for(request.user, review_pk, pk, need=need)
    if request.method != "POST":
        return _item_page(request, access)
    form = ItemForm(request.POST, members=access.item.review.workload.team.members.all())
    back = _back(request, access.item)
    if not form.is_valid():
        return _edit_refused(request, access, form=form, back=back)
    services.item_update(item=access.item, user=request.user, edit=form.edit())
    if request.htmx:
        return _row_response(request, access, back=back, saved=True)
    messages.success(request, SAVED)
    return redirect(f"{back.url}#item-{pk}")


def _back(request: HtmxHttpRequest, the_item: ImprovementItem) -> Back:
    """The page the form was sent from (`next`: the item's plan or "My items", their filters and page kept), or
    the plan's first page."""
    url = request.POST.get("next", "")
    plan_url = reverse("plans:plan", args=[the_item.review_id])
    if url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        path = urlsplit(url).path
        if path == plan_url:
            return Back(Origin.PLAN, url)
        if path == reverse("plans:mine"):
            return Back(Origin.MINE, url)
    return Back(Origin.ITEM, plan_url)


def _edit_refused(
    request: AuthenticatedHtmxHttpRequest, access: ItemAccess, *, form: ItemForm, back: Back
) -> HttpResponse:
    if request.htmx:
        return _row_response(request, access, back=back, form=form, status=400)
    the_item = access.item
    if back.origin is Origin.PLAN:
        review = the_item.review
        return _plan_page(
            request, review, can_write=True, address=back.address, refused=form, refused_pk=the_item.pk, status=400
        )
    if back.origin is Origin.MINE:
        return _my_items_page(request, address=back.address, refused=form, refused_pk=the_item.pk, status=400)
    return _item_page(request, access, form=form, status=400)


def _row_response(
    request: AuthenticatedHtmxHttpRequest,
    access: ItemAccess,
    *,
    back: Back,
    form: ItemForm | None = None,
    saved: bool = False,
    status: int = 200,
) -> HttpResponse:
    """The item's row as it is now (or as typed, when refused), for htmx to swap in place of the one sent."""
    options = rows.refused(form) if form else {"saved": saved}
    context = _row_context(page_url=back.url)
    if back.origin is Origin.MINE:
        the_item = ImprovementItem.objects.select_related("review__workload__team", "review__lens", "owner").get(
            pk=access.item.pk
        )
        (owned,) = selectors.owned_items_read(user=request.user, items=[the_item])
        return render(
            request, "plans/row_swap.html", {**context, "row": rows.owned_row(owned, **options)}, status=status
        )
    review = access.item.review
    # The item as its plan lists it now (none when it left the plan), and the plan's counts: three queries.
    listed = list(selectors.plan_items(review=review).filter(pk=access.item.pk))
    summary = selectors.plan_summary(review=review)
    members = selectors.team_members(team=review.workload.team)
    if not listed:  # saved, and no longer recommended: it leaves the plan
        context["gone"] = _gone_row(access.item, members=members)
    elif form is None and _renumbered(request, getattr(listed[0], "position", None)):
        return _plan_shown_again(request, access, back=back)
    else:
        (entry,) = selectors.plan_entries(review=review, items=listed)
        context["row"] = rows.plan_row(entry, members=members, can_write=access.can_write, **options)
    return render(request, "plans/row_swap.html", {**context, "plan": summary}, status=status)


def _renumbered(request: HtmxHttpRequest, position: int | None) -> bool:
    """Whether the save moved the item's number in the plan (done: it is no longer numbered; reopened: it is
    again), which moves the numbers of the rows after it too. The row sends the number it showed; a form that
    does not cannot tell."""
    shown = request.POST.get("shown_position")
    return shown is not None and shown != ("" if position is None else str(position))


def _plan_shown_again(request: HtmxHttpRequest, access: ItemAccess, *, back: Back) -> HttpResponse:
    """The plan's page as it is now, for htmx to swap in place of the page's content: a row swapped alone would
    keep the other rows' old numbers, and two rows would show the same one."""
    review = access.item.review
    response = _plan_page(request, review, can_write=access.can_write, address=back.address, saved_pk=access.item.pk)
    response["HX-Retarget"] = response["HX-Reselect"] = "#main"
    response["HX-Reswap"] = "outerHTML"
    return response


def _gone_row(the_item: ImprovementItem, *, members: list) -> rows.Row:
    practice = selectors.item_practice(item=the_item)
    return rows.Row(
        item=the_item,
        title=practice.title if practice else the_item.practice_code,
        question_code=the_item.question_code,
        question_title=practice.question.title if practice else "",
        risk="",
        members=members,
        can_write=False,
    )


def _item_page(
    request: HtmxHttpRequest, access: ItemAccess, *, form: ItemForm | None = None, status: int = 200
) -> HttpResponse:
    the_item: ImprovementItem = access.item
    try:
        history = paginate(request, selectors.item_history(item=the_item), per_page=HISTORY_PAGE_SIZE, strict=True)
    except PageNotFound as message:
        return _refused(request, the_item.review, str(message), status=404)
    practice = selectors.item_practice(item=the_item)
    members = selectors.team_members(team=the_item.review.workload.team)
    row = rows.Row(
        item=the_item,
        title=practice.title if practice else the_item.practice_code,
        question_code=the_item.question_code,
        question_title=practice.question.title if practice else "",
        risk="",
        members=members,
        can_write=access.can_write,
        **(rows.refused(form) if form else {}),
    )
    context = {
        **_row_context(page_url=""),
        "review": the_item.review,
        "item": the_item,
        "row": row,
        "practice": practice,
        "history": history,
        "can_write": access.can_write,
        "error": form.first_error() if form else "",
    }
    return render(request, "plans/item.html", context, status=status)


# --- The CSV ----------------------------------------------------------------------------------------------------


@login_required
@require_safe
def plan_csv(request: HtmxHttpRequest, review_pk: int) -> HttpResponse:
    """The plan (with the page's filters; open and in-progress items when no status is chosen) as a CSV for Jira's
    or GitHub's issue imports. Only reads."""
    review = get_review_for(request.user, review_pk).review
    filters = PlanFilterForm(request.GET, members=selectors.team_members(team=review.workload.team))
    if not filters.is_valid():
        return _refused(request, review, filters.first_error(), status=400)
    plan_url = request.build_absolute_uri(reverse("plans:plan", args=[review.pk]))

    def item_url(entry: selectors.PlanEntry) -> str:
        if entry.item.pk is None:  # not written yet: the plan page writes it
            return plan_url
        return request.build_absolute_uri(reverse("plans:item", args=[review.pk, entry.item.pk]))

    # What an issue tracker takes is the work left: the items open or in progress, unless a status is chosen.
    wanted = {**filters.cleaned_data, "status": filters.cleaned_data["status"] or selectors.TO_DO}
    if services.plan_read(review=review, start=False).started:
        items = list(selectors.plan_items(review=review, **wanted))
        entries = selectors.plan_entries(review=review, items=items)
    else:  # the plan page was never read: the recommendations as the report has them, not written
        the_plan = selectors.review_plan(review=review, data=selectors.plan_source(review=review))
        entries = the_plan.filtered(**wanted)
    body = exports.plan_csv(entries=entries, item_url=item_url)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    filename = exports.plan_filename(workload_name=review.workload.name, review_id=review.pk)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- My items ---------------------------------------------------------------------------------------------------


@login_required
@require_safe
def my_items(request: AuthenticatedHtmxHttpRequest) -> HttpResponse:
    """The items the signed-in person owns in the open reviews of their teams, with the plan's filters."""
    return _my_items_page(request, address=(request.path, request.GET))


def _my_items_page(
    request: AuthenticatedHtmxHttpRequest,
    *,
    address: Address,
    refused: ItemForm | None = None,
    refused_pk: int | None = None,
    status: int = 200,
) -> HttpResponse:
    _, query = address
    filters = ItemFilterForm(query)
    if not filters.is_valid():
        return _refused(request, None, filters.first_error(), status=400)
    items = selectors.owned_items(user=request.user, **filters.cleaned_data)
    try:
        pager = paginate(request, items, per_page=MY_ITEMS_PAGE_SIZE, strict=True, address=address)
    except PageNotFound as error:
        return _refused(request, None, str(error), status=404)
    owned = selectors.owned_items_read(user=request.user, items=list(pager.page.object_list))
    my_rows = [
        rows.owned_row(one, **(rows.refused(refused) if refused and one.item.pk == refused_pk else {})) for one in owned
    ]
    context = {
        **_row_context(page_url=_url(address)),
        "pager": pager,
        "rows": my_rows,
        "refused": _refusal(refused, my_rows),
        "can_write": any(row.can_write for row in my_rows),
        "filters": filters,
        "is_filtered": any(filters.cleaned_data.values()),
    }
    return render(request, "plans/my_items.html", context, status=status)
