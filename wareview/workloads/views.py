from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from wareview.audit.services import client_ip
from wareview.lib.charts import TrendChart, trend_chart
from wareview.lib.http import AuthenticatedHttpRequest
from wareview.lib.paging import paginate
from wareview.milestones.forms import CompareForm, MilestoneForm
from wareview.milestones.selectors import Trend, workload_milestones, workload_trends
from wareview.profiles.selectors import profiled_lens_slugs
from wareview.reviews.selectors import living_reviews, startable_lenses, workload_reviews
from wareview.teams.access import Need, get_team_for
from wareview.workloads import services
from wareview.workloads.access import get_workload_for
from wareview.workloads.forms import WorkloadForm
from wareview.workloads.selectors import workload_deletion_counts


@login_required
def workload_create(request: AuthenticatedHttpRequest, team_pk: int) -> HttpResponse:
    team = get_team_for(request.user, team_pk, need=Need.WRITE).team
    form = WorkloadForm(request.POST if request.method == "POST" else None, team=team)
    if request.method == "POST" and form.is_valid():
        try:
            workload = services.workload_create(team=team, user=request.user, fields=form.cleaned_data)
        except services.WorkloadError as error:
            form.add_error("name", str(error))
        else:
            messages.success(request, f"Created {workload.name}.")
            return redirect("workloads:detail", pk=workload.pk)
    status = 400 if form.errors else 200
    return render(request, "workloads/workload_form.html", {"form": form, "team": team}, status=status)


@login_required
def workload_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_workload_for(request.user, pk)
    workload = access.workload
    reviews = workload_reviews(workload=workload)
    # Every milestone in one query: the trend draws them all, the list shows them a page at a time.
    milestones = list(workload_milestones(workload=workload))
    living = living_reviews(reviews)
    context = {
        "workload": workload,
        "reviews": reviews,
        "living_reviews": living,
        "tags": list(workload.tags.all()),
        "lenses": startable_lenses(living=living),
        # The question sets that ask a workload profile: their lens cards link to the workload's profile.
        "profiled": profiled_lens_slugs() if living else set(),
        "can_write": access.can_write,
        "is_owner": access.is_owner,
        "milestones": paginate(request, milestones, param="milestones_page", per_page=MILESTONES_PAGE_SIZE),
        "milestone_form": MilestoneForm(workload=workload),
        "compare_form": CompareForm(milestones=milestones),
        "trends": [(trend, _trend_chart(trend)) for trend in workload_trends(reviews=reviews, milestones=milestones)],
    }
    return render(request, "workloads/workload_detail.html", context)


MILESTONES_PAGE_SIZE = 10


def _trend_chart(trend: Trend) -> TrendChart:
    points = [(point.label, point.high, point.medium, point.percent) for point in trend.points]
    title = f"Risk trend of the {trend.review.lens.name} review"
    return trend_chart(points=points, title=title, chart_id=f"trend-{trend.review.pk}")


@login_required
def workload_edit(request: HttpRequest, pk: int) -> HttpResponse:
    workload = get_workload_for(request.user, pk, need=Need.WRITE).workload
    data = request.POST if request.method == "POST" else None
    form = WorkloadForm(data, instance=workload, team=workload.team)
    if request.method == "POST" and form.is_valid():
        try:
            services.workload_update(workload=workload, fields=form.cleaned_data)
        except services.WorkloadError as error:
            form.add_error("name", str(error))
        else:
            messages.success(request, f"Saved {workload.name}.")
            return redirect("workloads:detail", pk=workload.pk)
    status = 400 if form.errors else 200
    context = {"form": form, "team": workload.team, "workload": workload}
    return render(request, "workloads/workload_form.html", context, status=status)


@login_required
def workload_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    workload = get_workload_for(request.user, pk, need=Need.OWNER).workload
    if request.method == "POST":
        services.workload_delete(workload=workload, by=request.user, ip=client_ip(request))
        messages.success(request, f"Deleted {workload.name} with its reviews, milestones, plan and PDFs.")
        return redirect("teams:detail", pk=workload.team_id)
    goes = workload_deletion_counts(workload=workload)
    return render(request, "workloads/workload_confirm_delete.html", {"workload": workload, "goes": goes})
