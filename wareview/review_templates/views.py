"""Review templates: saving a review as a template, the team's templates, starting a review from a template or
another review, and confirming a pre-filled answer."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from wareview.lenses.models import Lens
from wareview.lib.http import AuthenticatedHtmxHttpRequest, HtmxHttpRequest
from wareview.lib.paging import paginate
from wareview.review_templates import selectors, services
from wareview.review_templates.access import get_template_for
from wareview.review_templates.forms import (
    DESCRIPTION_LIMIT,
    NAME_LIMIT,
    LensChoiceForm,
    StartFromForm,
    TemplateSaveForm,
    first_error,
)
from wareview.reviews.access import get_answer_to_write, get_review_for
from wareview.reviews.models import Review
from wareview.reviews.selectors import startable_lenses
from wareview.reviews.services import ReviewError, answer_confirm
from wareview.teams.access import Need, get_team_for
from wareview.workloads.access import get_workload_for
from wareview.workloads.models import Workload

TEMPLATES_PAGE_SIZE = 25


@login_required
@require_POST
def template_save(request: AuthenticatedHtmxHttpRequest, pk: int) -> HttpResponse:
    # Saving a template only reads the review: a closed review's answers may be saved too.
    review = get_review_for(request.user, pk, need=Need.WRITE, even_closed=True).review
    form = TemplateSaveForm(request.POST)
    error = "" if form.is_valid() else first_error(form)
    if not error:
        try:
            template = services.template_save(review=review, user=request.user, **form.cleaned_data)
        except services.TemplateError as refusal:
            error = str(refusal)
        else:
            messages.success(request, f"Saved the template “{template.name}” for {review.workload.team.name}.")
            return redirect("review_templates:list", team_pk=review.workload.team_id)
    context = {"review": review, "form": form, "error": error, **_limits()}
    return render(request, "review_templates/save_refused.html", context, status=400)


def _limits() -> dict[str, int]:
    return {"name_limit": NAME_LIMIT, "description_limit": DESCRIPTION_LIMIT}


@login_required
def template_list(request: HtmxHttpRequest, team_pk: int) -> HttpResponse:
    access = get_team_for(request.user, team_pk)
    pager = paginate(request, selectors.team_templates(team=access.team), per_page=TEMPLATES_PAGE_SIZE)
    context = {"team": access.team, "pager": pager, "can_write": access.can_write}
    return render(request, "review_templates/list.html", context)


@login_required
@require_POST
def template_delete(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    template = get_template_for(request.user, pk, need=Need.WRITE).template
    services.template_delete(template=template)
    messages.success(request, f"Deleted the template “{template.name}”.")
    return redirect("review_templates:list", team_pk=template.team_id)


@login_required
def review_start_from(request: AuthenticatedHtmxHttpRequest, workload_pk: int) -> HttpResponse:
    """Start a review pre-filled from one of the team's templates or reviews: choose the question set (GET
    `?lens=`), then what to start from (POST)."""
    workload = get_workload_for(request.user, workload_pk, need=Need.WRITE).workload
    if request.method == "POST":
        form = StartFromForm(request.POST, team=workload.team)
        chosen = request.POST.get("source", "")
        if not form.is_valid():
            lens = form.cleaned_data.get("lens")
            return _start_page(request, workload, lens=lens, chosen=chosen, error=first_error(form), status=400)
        lens, source = form.cleaned_data["lens"], form.chosen_source()
        try:
            review = services.review_start_prefilled(workload=workload, lens=lens, source=source, user=request.user)
        except ReviewError as refusal:
            return _start_page(request, workload, lens=lens, chosen=chosen, error=str(refusal), status=409)
        messages.success(
            request,
            f"Started the review, pre-filled from {source.label}. Each pre-filled answer counts as answered once a "
            "person confirms or changes it.",
        )
        return redirect("reviews:overview", pk=review.pk)
    if "lens" not in request.GET:
        return _start_page(request, workload, lens=None)
    lens_form = LensChoiceForm(request.GET)
    if not lens_form.is_valid():
        return _start_page(request, workload, lens=None, error=first_error(lens_form), status=400)
    return _start_page(request, workload, lens=lens_form.cleaned_data["lens"])


def _start_page(
    request: HtmxHttpRequest,
    workload: Workload,
    *,
    lens: Lens | None,
    chosen: str = "",
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    """The start page: the question sets to choose from, or, once one is chosen, what to start from."""
    context = {
        "workload": workload,
        "lens": lens,
        "chosen": chosen,
        "error": error,
        "lenses": [] if lens else startable_lenses(living=list(Review.objects.open().filter(workload=workload))),
        "sources": selectors.prefill_sources(team=workload.team, lens=lens) if lens else [],
    }
    return render(request, "review_templates/start.html", context, status=status)


@login_required
@require_POST
def confirm(request: AuthenticatedHtmxHttpRequest, pk: int, code: str) -> HttpResponse:
    """Confirm a pre-filled answer as it stands (no JavaScript needed): it counts as answered from now on."""
    answer = get_answer_to_write(request.user, pk, code).answer
    if answer_confirm(answer=answer, user=request.user):
        messages.success(request, "Confirmed: the answer counts as answered.")
    else:
        messages.info(request, "This answer was already confirmed or changed.")
    return redirect("reviews:question", pk=pk, code=code)
