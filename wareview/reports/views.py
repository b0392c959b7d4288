"""Report pages: the review as a web page, its CSV and JSON exports, and the PDF jobs (ask, watch, retry,
download). Every member of the review's team, viewers included, may do all of these: a report only reads."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from wareview.audit.services import client_ip
from wareview.lib.http import HtmxHttpRequest
from wareview.milestones.access import get_milestone_for
from wareview.milestones.models import Milestone
from wareview.portfolio.forms import PortfolioFilterForm
from wareview.portfolio.selectors import portfolio_lenses, portfolio_workloads
from wareview.reports import exports
from wareview.reports.access import get_portfolio_report_for, get_report_for
from wareview.reports.data import ReportData
from wareview.reports.models import PortfolioReport, Report
from wareview.reports.rendering import report_context
from wareview.reports.selectors import report_data, review_recent_reports, workload_report_data
from wareview.reports.services import (
    ReportError,
    ReportRateLimited,
    portfolio_report_downloaded,
    portfolio_report_request,
    portfolio_report_retry,
    report_downloaded,
    report_request,
    report_retry,
)
from wareview.reviews.access import get_review_for
from wareview.reviews.models import Review
from wareview.workloads.access import get_workload_for
from wareview.workloads.models import Workload

PROGRESS_PARTIAL = "reports/job.html#progress"
REFUSED_PAGE = "reports/refused.html"
PORTFOLIO_PROGRESS_PARTIAL = "reports/portfolio_job.html#progress"
PORTFOLIO_REFUSED_PAGE = "reports/portfolio_refused.html"


@login_required
@require_safe
def report_page(request: HtmxHttpRequest, review_pk: int) -> HttpResponse:
    return _report_page(request, review=get_review_for(request.user, review_pk).review)


@login_required
@require_safe
def milestone_page(request: HtmxHttpRequest, milestone_pk: int) -> HttpResponse:
    """The report of a review as at one of its milestones: the same page, titled "as at milestone …"."""
    milestone = get_milestone_for(request.user, milestone_pk).milestone
    return _report_page(request, review=milestone.review, milestone=milestone)


@login_required
@require_safe
def workload_page(request: HtmxHttpRequest, workload_pk: int) -> HttpResponse:
    """The whole workload's report: each lens's living review in turn, with the sections of its own report."""
    workload = get_workload_for(request.user, workload_pk).workload
    lenses = [
        report_context(data=data, prefix=f"lens-{data.review_id}-") for data in workload_report_data(workload=workload)
    ]
    return render(request, "reports/workload_report.html", {"workload": workload, "lenses": lenses})


def _report_page(request: HtmxHttpRequest, *, review: Review, milestone: Milestone | None = None) -> HttpResponse:
    context = report_context(data=report_data(review=review, milestone=milestone))
    reports = review_recent_reports(review=review, milestone=milestone)
    context.update(review=review, milestone=milestone, reports=reports)
    return render(request, "reports/report.html", context)


@login_required
@require_POST
@vary_on_headers("HX-Request")
def pdf_request(request: HtmxHttpRequest, review_pk: int) -> HttpResponse:
    return _pdf_request(request, review=get_review_for(request.user, review_pk).review)


@login_required
@require_POST
@vary_on_headers("HX-Request")
def milestone_pdf_request(request: HtmxHttpRequest, milestone_pk: int) -> HttpResponse:
    milestone = get_milestone_for(request.user, milestone_pk).milestone
    return _pdf_request(request, review=milestone.review, milestone=milestone)


def _pdf_request(request: HtmxHttpRequest, *, review: Review, milestone: Milestone | None = None) -> HttpResponse:
    try:
        report = report_request(review=review, user=request.user, milestone=milestone)
    except ReportRateLimited as error:
        return _too_many(request, error, review=review)
    if request.htmx:
        report.refresh_from_db()  # without a broker the task already ran
        return render(request, PROGRESS_PARTIAL, {"report": report})
    return redirect("reports:job", pk=report.pk)


@login_required
@require_safe
@vary_on_headers("HX-Request")
def job(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    # Only reads, though htmx polls it every second: a report given up on shows as failed (Report.has_failed),
    # and Retry or pruning records it.
    report = get_report_for(request.user, pk).report
    partial = request.htmx and not request.htmx.history_restore_request
    template = PROGRESS_PARTIAL if partial else "reports/job.html"
    return render(request, template, {"report": report, "review": report.review})


@login_required
@require_POST
@vary_on_headers("HX-Request")
def retry(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    report = get_report_for(request.user, pk).report
    try:
        report = report_retry(report=report, user=request.user)
    except ReportRateLimited as error:
        return _too_many(request, error, review=report.review, report=report)
    except ReportError as error:
        if request.htmx:
            report.refresh_from_db()
            return render(request, PROGRESS_PARTIAL, {"report": report, "refusal": str(error)}, status=409)
        messages.error(request, str(error))
        return redirect("reports:job", pk=report.pk)
    if request.htmx:
        report.refresh_from_db()
        return render(request, PROGRESS_PARTIAL, {"report": report})
    return redirect("reports:job", pk=report.pk)


def _too_many(
    request: HtmxHttpRequest, error: ReportRateLimited, *, review, report: Report | None = None
) -> HttpResponse:
    """429 with the refusal in words: a page of its own, or with htmx the fragment the page swaps in (a retried
    report's job card, which keeps its Retry button, or the message alone)."""
    template = PROGRESS_PARTIAL if report else f"{REFUSED_PAGE}#refusal"
    if not request.htmx:
        template = REFUSED_PAGE
    context = {"review": review, "report": report, "refusal": str(error)}
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(error.retry_after)
    return response


@login_required
@require_safe
def download(request: HtmxHttpRequest, pk: int) -> FileResponse:
    report = get_report_for(request.user, pk).report
    if report.status != Report.Status.READY or not report.file:
        raise Http404("This report is not ready.")
    report_downloaded(report=report, by=request.user, ip=client_ip(request))
    return FileResponse(
        report.file.open("rb"), as_attachment=True, filename=report.download_name(), content_type="application/pdf"
    )


@login_required
@require_safe
def export_csv(request: HtmxHttpRequest, review_pk: int) -> HttpResponse:
    return _csv(report_data(review=get_review_for(request.user, review_pk).review))


@login_required
@require_safe
def milestone_export_csv(request: HtmxHttpRequest, milestone_pk: int) -> HttpResponse:
    milestone = get_milestone_for(request.user, milestone_pk).milestone
    return _csv(report_data(review=milestone.review, milestone=milestone))


def _csv(data: ReportData) -> HttpResponse:
    response = HttpResponse(exports.export_csv(data=data), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{exports.export_filename(data=data, extension="csv")}"'
    return response


@login_required
@require_safe
def export_json(request: HtmxHttpRequest, review_pk: int) -> JsonResponse:
    return _json(report_data(review=get_review_for(request.user, review_pk).review))


@login_required
@require_safe
def milestone_export_json(request: HtmxHttpRequest, milestone_pk: int) -> JsonResponse:
    milestone = get_milestone_for(request.user, milestone_pk).milestone
    return _json(report_data(review=milestone.review, milestone=milestone))


def _json(data: ReportData) -> JsonResponse:
    response = JsonResponse(exports.export_json(data=data), json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="{exports.export_filename(data=data, extension="json")}"'
    return response


# PDFs of several workloads: the portfolio's selection, or one whole workload (wareview/reports/README.md). Only
# the person who asked sees the job and its file.


@login_required
@require_POST
@vary_on_headers("HX-Request")
def portfolio_pdf_request(request: HtmxHttpRequest) -> HttpResponse:
    """A PDF of the workloads the portfolio's filters (sent with the form) select among what the user can see."""
    form = PortfolioFilterForm(request.POST, user=request.user, lenses=portfolio_lenses())
    back = _portfolio_back(form.query())
    if not form.is_valid():
        return _portfolio_refused(request, f"Check the filters: {form.errors_in_words()}", back=back, status=400)
    workloads = portfolio_workloads(user=request.user, filters=form.cleaned_data)
    return _portfolio_pdf_request(
        request,
        back=back,
        workloads=workloads,
        filters=form.stored(),
        filters_in_words=form.selection_in_words(),
        query=form.query(),
    )


@login_required
@require_POST
@vary_on_headers("HX-Request")
def workload_pdf_request(request: HtmxHttpRequest, workload_pk: int) -> HttpResponse:
    """A PDF of the whole workload, every open review (one per lens): any member of its team may ask."""
    workload = get_workload_for(request.user, workload_pk).workload
    back = (reverse("reports:workload_page", args=[workload.pk]), "Back to the workload's report")
    return _portfolio_pdf_request(
        request, back=back, workloads=Workload.objects.filter(pk=workload.pk), kind=PortfolioReport.Kind.WORKLOAD
    )


def _portfolio_pdf_request(request: HtmxHttpRequest, *, back: tuple[str, str], **selection) -> HttpResponse:
    try:
        report = portfolio_report_request(user=request.user, **selection)
    except ReportRateLimited as error:
        response = _portfolio_refused(request, str(error), back=back, status=429)
        response["Retry-After"] = str(error.retry_after)
        return response
    except ReportError as error:
        return _portfolio_refused(request, str(error), back=back, status=400)
    if request.htmx:
        report.refresh_from_db()  # without a broker the task already ran
        return render(request, PORTFOLIO_PROGRESS_PARTIAL, {"report": report})
    return redirect("reports:portfolio_job", pk=report.pk)


def _portfolio_back(query: str) -> tuple[str, str]:
    return (reverse("portfolio:page") + (f"?{query}" if query else ""), "Back to the portfolio")


def _portfolio_refused(request: HtmxHttpRequest, refusal: str, *, back: tuple[str, str], status: int) -> HttpResponse:
    """The refusal in words, with nothing queued: a page of its own, or with htmx the message alone."""
    template = f"{PORTFOLIO_REFUSED_PAGE}#refusal" if request.htmx else PORTFOLIO_REFUSED_PAGE
    context = {"refusal": refusal, "back_url": back[0], "back_words": back[1]}
    return render(request, template, context, status=status)


@login_required
@require_safe
@vary_on_headers("HX-Request")
def portfolio_job(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    # Only reads, like `job`: a report given up on shows as failed, and Retry or pruning records it.
    report = get_portfolio_report_for(request.user, pk)
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, PORTFOLIO_PROGRESS_PARTIAL, {"report": report})
    back = _portfolio_back(report.query)
    if report.kind == PortfolioReport.Kind.WORKLOAD:
        workload_pk = report.workloads.values_list("pk", flat=True).first()
        if workload_pk is not None:
            back = (reverse("reports:workload_page", args=[workload_pk]), "Back to the workload's report")
    context = {"report": report, "back_url": back[0], "back_words": back[1]}
    return render(request, "reports/portfolio_job.html", context)


@login_required
@require_POST
@vary_on_headers("HX-Request")
def portfolio_retry(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    report = get_portfolio_report_for(request.user, pk)
    status, refusal = 200, ""
    try:
        report = portfolio_report_retry(report=report, user=request.user)
    except ReportRateLimited as error:
        status, refusal = 429, str(error)
    except ReportError as error:
        status, refusal = 409, str(error)
    if request.htmx:
        report.refresh_from_db()
        return render(request, PORTFOLIO_PROGRESS_PARTIAL, {"report": report, "refusal": refusal}, status=status)
    if refusal:
        messages.error(request, refusal)
    return redirect("reports:portfolio_job", pk=report.pk)


@login_required
@require_safe
def portfolio_download(request: HtmxHttpRequest, pk: int) -> FileResponse:
    report = get_portfolio_report_for(request.user, pk)
    if report.status != PortfolioReport.Status.READY or not report.file:
        raise Http404("This report is not ready.")
    portfolio_report_downloaded(report=report, by=request.user, ip=client_ip(request))
    return FileResponse(
        report.file.open("rb"), as_attachment=True, filename=report.download_name(), content_type="application/pdf"
    )
