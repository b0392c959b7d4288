"""Milestone pages: saving one (from the workload page), a milestone's overview and questions as they were, and
the comparison of two points. Every member of the team reads them; owners and contributors save milestones."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from wareview.lenses.models import Question
from wareview.lenses.selectors import question_sheet
from wareview.lib.charts import RiskChart, risk_chart
from wareview.lib.http import AuthenticatedHtmxHttpRequest, HtmxHttpRequest
from wareview.milestones import selectors, services
from wareview.milestones.access import get_milestone_for
from wareview.milestones.forms import CompareForm, MilestoneForm
from wareview.milestones.models import Milestone
from wareview.reviews.models import NotApplicableReason, Review
from wareview.reviews.selectors import ReviewOutline
from wareview.teams.access import Need
from wareview.workloads.access import get_workload_for
from wareview.workloads.models import Workload


@login_required
@require_POST
def milestone_create(request: AuthenticatedHtmxHttpRequest, workload_pk: int) -> HttpResponse:
    workload = get_workload_for(request.user, workload_pk, need=Need.WRITE).workload
    form = MilestoneForm(request.POST, workload=workload)
    if form.is_valid():
        try:
            milestone = services.milestone_save(
                review=form.cleaned_data["review"], name=form.cleaned_data["name"], user=request.user
            )
        except services.MilestoneError as error:
            form.add_error("name", str(error))
        else:
            messages.success(request, f"Saved the milestone “{milestone.name}”.")
            return redirect("workloads:detail", pk=workload.pk)
    reviews = Review.objects.filter(workload=workload).select_related("lens")
    context = {"workload": workload, "form": form, "reviews": list(reviews)}
    return render(request, "milestones/milestone_refused.html", context, status=400)


@login_required
@require_safe
def milestone_overview(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    milestone = get_milestone_for(request.user, pk).milestone
    outline = selectors.milestone_outline(milestone=milestone)
    context = {"milestone": milestone, "progress": outline, "risk_chart": _risk_chart(outline)}
    return render(request, "milestones/overview.html", context)


def _risk_chart(outline: ReviewOutline) -> RiskChart:
    return risk_chart(rows=[(area.label, area.risk_counts) for area in outline.areas])


@login_required
@require_safe
def milestone_question(request: HtmxHttpRequest, pk: int, code: str) -> HttpResponse:
    milestone = get_milestone_for(request.user, pk).milestone
    outline = selectors.milestone_outline(milestone=milestone, answers=True)
    answer = next((question for question in outline.questions if question.code == code), None)
    if answer is None:
        raise Http404(f"The milestone “{milestone.name}” has no question {code}.")
    previous, following = outline.neighbours(code)
    context = {
        "milestone": milestone,
        "progress": outline,
        "answer": answer,
        "question": Question.objects.get(pk=answer.question_id),
        "choices": question_sheet(answer.question_id).choices,
        "reasons": dict(NotApplicableReason.choices),
        "evidence": selectors.milestone_question_evidence(milestone=milestone, question_id=answer.question_id),
        "previous": previous,
        "following": following,
    }
    return render(request, "milestones/question.html", context)


@login_required
@require_safe
def milestone_compare(request: HtmxHttpRequest, workload_pk: int) -> HttpResponse:
    workload = get_workload_for(request.user, workload_pk).workload
    milestones = list(selectors.compare_milestones(workload=workload))
    if not request.GET:
        return _compare_recent(request, workload, milestones)
    form = CompareForm(request.GET, milestones=milestones)
    context: dict[str, object] = {"workload": workload, "form": form}
    if not form.is_valid():
        context["error"] = form.first_error()
        return render(request, "milestones/compare.html", context, status=400)
    before, after = form.milestone("before"), form.milestone("after")
    review_id = (before or after).review_id  # type: ignore[union-attr]  # the form refuses now against now
    context["comparison"] = selectors.points_compare(before=before, after=after, review_id=review_id)
    return render(request, "milestones/compare.html", context)


def _compare_recent(request: HtmxHttpRequest, workload: Workload, milestones: list[Milestone]) -> HttpResponse:
    """The compare page as it opens: on the newest change (`selectors.recent_change`), or saying there is none."""
    change = selectors.recent_change(milestones=milestones)
    if change is None:
        form = CompareForm(None, milestones=milestones)
        return render(request, "milestones/compare.html", {"workload": workload, "form": form, "nothing": True})
    points = {"before": str(change.before.pk), "after": str(change.after.pk) if change.after else selectors.NOW}
    form = CompareForm(points, milestones=milestones)
    form.is_valid()
    context = {"workload": workload, "form": form, "comparison": change.comparison}
    return render(request, "milestones/compare.html", context)
