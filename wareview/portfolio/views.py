"""The portfolio: every workload the user can see across their teams, filtered, sorted and a page at a time, with
a heatmap of the page's workloads by focus area, the practices most often missing, and the list as CSV. Only
reads: a member of several teams sees the workloads of each, and nobody sees a team they are not in."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from wareview.lib.http import AuthenticatedHtmxHttpRequest
from wareview.lib.paging import paginate
from wareview.portfolio import exports, selectors
from wareview.portfolio.forms import PortfolioFilterForm


@login_required
@require_safe
def portfolio(request: AuthenticatedHtmxHttpRequest) -> HttpResponse:
    lenses = selectors.portfolio_lenses()
    form = PortfolioFilterForm(request.GET, user=request.user, lenses=lenses)
    if not form.is_valid():
        return render(request, "portfolio/portfolio.html", {"form": form}, status=400)
    filters = form.cleaned_data
    workloads = selectors.portfolio_workloads(user=request.user, filters=filters)
    pager = paginate(request, workloads)
    page = list(pager.page.object_list)
    heatmap = selectors.portfolio_heatmap(workloads=page, lenses=lenses, lens_slug=filters["lens"])
    rows = selectors.portfolio_rows(workloads=page, lens_slug=filters["lens"])
    selection = selectors.portfolio_selection(user=request.user, filters=filters)
    context = {
        "form": form,
        "pager": pager,
        "rows": rows,
        "rows_digest": selectors.portfolio_rows_digest(rows=rows),
        "heatmap": heatmap,
        "heatmap_chart": heatmap.chart(),
        "missing": selectors.most_missing_practices(workloads=selection, lens_slug=filters["lens"]),
        "query": request.GET.urlencode(),
        "pdf_max_workloads": settings.PORTFOLIO_PDF_MAX_WORKLOADS,
    }
    return render(request, "portfolio/portfolio.html", context)


@login_required
@require_safe
def portfolio_csv(request: AuthenticatedHtmxHttpRequest) -> HttpResponse:
    form = PortfolioFilterForm(request.GET, user=request.user, lenses=selectors.portfolio_lenses())
    if not form.is_valid():
        return HttpResponse(form.errors_in_words(), status=400, content_type="text/plain; charset=utf-8")
    filters = form.cleaned_data
    workloads = list(selectors.portfolio_workloads(user=request.user, filters=filters))
    body = exports.portfolio_csv(rows=selectors.portfolio_rows(workloads=workloads, lens_slug=filters["lens"]))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="wareview-portfolio.csv"'
    return response
