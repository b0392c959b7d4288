"""The improvement plan of a review: the page (filters, counts, a form per item), an item's page with its
history, and the CSV for issue trackers. Members read; owners and contributors change items."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_safe

from wareview.lib.http import HtmxHttpRequest
from wareview.lib.paging import PageNotFound, paginate
from wareview.plans import exports, selectors, services
from wareview.plans.access import get_item_for
from wareview.plans.forms import ItemForm, PlanFilterForm
from wareview.plans.models import NOTE_MAX_LENGTH, WONT_DO_REASON_MAX_LENGTH, ImprovementItem, ItemStatus
from wareview.reviews.access import get_review_for
from wareview.reviews.models import Review
from wareview.teams.access import Need

PLAN_PAGE_SIZE = 25
HISTORY_PAGE_SIZE = 20
REFUSED_PAGE = "plans/refused.html"


@login_required
@require_safe
def plan(request: HtmxHttpRequest, review_pk: int) -> HttpResponse:
    access = get_review_for(request.user, review_pk)
    review = access.review
    members = selectors.team_members(team=review.workload.team)
    filters = PlanFilterForm(request.GET, members=members)
    if not filters.is_valid():
        return _refused(request, review, filters.first_error(), status=400)
    the_plan = services.plan_open(review=review)
    try:
        pager = paginate(request, the_plan.filtered(**filters.cleaned_data), per_page=PLAN_PAGE_SIZE, strict=True)
    except PageNotFound as error:
        return _refused(request, review, str(error), status=404)
    context = {
        "review": review,
        "plan": the_plan,
        "pager": pager,
        "filters": filters,
        "is_filtered": any(filters.cleaned_data.values()),
        "members": members,
        "statuses": ItemStatus.choices,
        "wont_do": ItemStatus.WONT_DO,
        "can_write": access.can_write,
        "note_limit": NOTE_MAX_LENGTH,
        "reason_limit": WONT_DO_REASON_MAX_LENGTH,
        "query": request.GET.urlencode(),
    }
    return render(request, "plans/plan.html", context)


def _refused(request: HtmxHttpRequest, review: Review, message: str, *, status: int) -> HttpResponse:
    return render(request, REFUSED_PAGE, {"review": review, "error": message}, status=status)


@login_required
def item(request: HtmxHttpRequest, review_pk: int, pk: int) -> HttpResponse:
    """An item with its history (GET), or its change (POST: back to the plan, or the item page with the reason)."""
    need = Need.WRITE if request.method == "POST" else Need.READ
    access = get_item_for(request.user, review_pk, pk, need=need)
    the_item = access.item
    if request.method == "POST":
        members = access.item.review.workload.team.members.all()
        form = ItemForm(request.POST, members=members)
        if form.is_valid():
            services.item_update(item=the_item, user=request.user, edit=form.edit())
            messages.success(request, "The improvement item is saved.")
            return redirect(_back_to_plan(request, the_item.review_id))
        return _item_page(request, access, form=form, error=form.first_error(), status=400)
    return _item_page(request, access)


def _back_to_plan(request: HtmxHttpRequest, review_pk: int) -> str:
    """The plan page the form was sent from (its filters and page kept), or the plan's first page."""
    back = request.POST.get("next", "")
    plan_url = reverse("plans:plan", args=[review_pk])
    allowed = url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()})
    return back if allowed and back.split("?")[0] == plan_url else plan_url


def _item_page(request: HtmxHttpRequest, access, *, form=None, error: str = "", status: int = 200) -> HttpResponse:
    the_item: ImprovementItem = access.item
    try:
        history = paginate(request, selectors.item_history(item=the_item), per_page=HISTORY_PAGE_SIZE, strict=True)
    except PageNotFound as message:
        return _refused(request, the_item.review, str(message), status=404)
    context = {
        "review": the_item.review,
        "item": the_item,
        "practice": selectors.item_practice(item=the_item),
        "history": history,
        "members": selectors.team_members(team=the_item.review.workload.team),
        "statuses": ItemStatus.choices,
        "wont_do": ItemStatus.WONT_DO,
        "can_write": access.can_write,
        "note_limit": NOTE_MAX_LENGTH,
        "reason_limit": WONT_DO_REASON_MAX_LENGTH,
        "form": form,
        "error": error,
    }
    return render(request, "plans/item.html", context, status=status)


@login_required
@require_safe
def plan_csv(request: HtmxHttpRequest, review_pk: int) -> HttpResponse:
    """The plan (with the page's filters; open and in-progress items when no status is chosen) as a CSV for Jira's
    or GitHub's issue imports. Only reads."""
    review = get_review_for(request.user, review_pk).review
    filters = PlanFilterForm(request.GET, members=selectors.team_members(team=review.workload.team))
    if not filters.is_valid():
        return _refused(request, review, filters.first_error(), status=400)
    the_plan = selectors.review_plan(review=review, data=selectors.plan_source(review=review))
    plan_url = request.build_absolute_uri(reverse("plans:plan", args=[review.pk]))

    def item_url(entry: selectors.PlanEntry) -> str:
        if entry.item.pk is None:  # not written yet: the plan page writes it
            return plan_url
        return request.build_absolute_uri(reverse("plans:item", args=[review.pk, entry.item.pk]))

    # What an issue tracker takes is the work left: the items open or in progress, unless a status is chosen.
    wanted = {**filters.cleaned_data, "status": filters.cleaned_data["status"] or selectors.TO_DO}
    body = exports.plan_csv(entries=the_plan.filtered(**wanted), item_url=item_url)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    filename = exports.plan_filename(workload_name=review.workload.name, review_id=review.pk)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
