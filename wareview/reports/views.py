"""Report pages: the review as a web page, its CSV and JSON exports, and the PDF jobs (ask, watch, retry,
download). Every member of the review's team, viewers included, may do all of these for the review's PDFs: a
report only reads. A PDF of several workloads (the portfolio's selection, or one whole workload) is seen only by
the person who asked for it. Both kinds of job go through the same views below, from "PDF jobs" on."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from wareview.audit.services import client_ip
from wareview.lib.http import AuthenticatedHtmxHttpRequest, HtmxHttpRequest
from wareview.milestones.access import get_milestone_for
from wareview.milestones.models import Milestone
from wareview.portfolio.forms import PortfolioFilterForm
from wareview.portfolio.selectors import portfolio_lenses, portfolio_workloads
from wareview.reports import exports
from wareview.reports.access import get_portfolio_report_for, get_report_for
from wareview.reports.data import ReportData
from wareview.reports.models import JobStatus, PdfJob, PortfolioReport, Report
from wareview.reports.rendering import report_context
from wareview.reports.selectors import report_data, review_recent_reports, workload_report_data
from wareview.reports.services import (
    FILE_GONE_MESSAGE,
    ReportError,
    ReportRateLimited,
    job_downloaded,
    job_retry,
    portfolio_report_request,
    report_request,
)
from wareview.reviews.access import get_review_for
from wareview.reviews.models import Review
from wareview.workloads.access import get_workload_for
from wareview.workloads.models import Workload

JOB_CARD = "reports/job_card.html"
REFUSED_PAGE = "reports/refused.html"


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


# PDF jobs. Asking: a review's PDF (or a milestone's), or a PDF of several workloads.


@login_required
@require_POST
@vary_on_headers("HX-Request")
def pdf_request(request: AuthenticatedHtmxHttpRequest, review_pk: int) -> HttpResponse:
    review = get_review_for(request.user, review_pk).review
    return _job_requested(request, partial(report_request, review=review, user=request.user), back=_report_back(review))


@login_required
@require_POST
@vary_on_headers("HX-Request")
def milestone_pdf_request(request: AuthenticatedHtmxHttpRequest, milestone_pk: int) -> HttpResponse:
    milestone = get_milestone_for(request.user, milestone_pk).milestone
    ask = partial(report_request, review=milestone.review, user=request.user, milestone=milestone)
    return _job_requested(request, ask, back=_report_back(milestone.review))


@login_required
@require_POST
@vary_on_headers("HX-Request")
def portfolio_pdf_request(request: AuthenticatedHtmxHttpRequest) -> HttpResponse:
    """A PDF of the workloads the portfolio's filters (sent with the form) select among what the user can see."""
    form = PortfolioFilterForm(request.POST, user=request.user, lenses=portfolio_lenses())
    back = _portfolio_back(form.query())
    if not form.is_valid():
        return _refused(request, ReportError(f"Check the filters: {form.errors_in_words()}"), back=back)
    workloads = portfolio_workloads(user=request.user, filters=form.cleaned_data)
    ask = partial(
        portfolio_report_request,
        user=request.user,
        workloads=workloads,
        filters=form.stored(),
        filters_in_words=form.selection_in_words(),
        query=form.query(),
    )
    return _job_requested(request, ask, back=back)


@login_required
@require_POST
@vary_on_headers("HX-Request")
def workload_pdf_request(request: AuthenticatedHtmxHttpRequest, workload_pk: int) -> HttpResponse:
    """A PDF of the whole workload, every open review (one per lens): any member of its team may ask."""
    workload = get_workload_for(request.user, workload_pk).workload
    workloads = Workload.objects.filter(pk=workload.pk)
    kind = PortfolioReport.Kind.WORKLOAD
    ask = partial(portfolio_report_request, user=request.user, workloads=workloads, kind=kind)
    return _job_requested(request, ask, back=_workload_back(workload.pk))


# Watching, retrying, downloading: a review's PDF for every member of its team, a PDF of several workloads for
# the person who asked only (reports.access).


@login_required
@require_safe
@vary_on_headers("HX-Request")
def job(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    report = get_report_for(request.user, pk).report
    return _job_page(
        request, report, "reports/job.html", back=lambda: _report_back(report.review), review=report.review
    )


@login_required
@require_safe
@vary_on_headers("HX-Request")
def portfolio_job(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    report = get_portfolio_report_for(request.user, pk)
    return _job_page(request, report, "reports/portfolio_job.html", back=lambda: _portfolio_job_back(report))


@login_required
@require_POST
@vary_on_headers("HX-Request")
def retry(request: AuthenticatedHtmxHttpRequest, pk: int) -> HttpResponse:
    return _job_retry(request, get_report_for(request.user, pk).report)


@login_required
@require_POST
@vary_on_headers("HX-Request")
def portfolio_retry(request: AuthenticatedHtmxHttpRequest, pk: int) -> HttpResponse:
    return _job_retry(request, get_portfolio_report_for(request.user, pk))


@login_required
@require_safe
def download(request: AuthenticatedHtmxHttpRequest, pk: int) -> HttpResponseBase:
    return _job_download(request, get_report_for(request.user, pk).report)


@login_required
@require_safe
def portfolio_download(request: AuthenticatedHtmxHttpRequest, pk: int) -> HttpResponseBase:
    return _job_download(request, get_portfolio_report_for(request.user, pk))


@dataclass(frozen=True)
class JobUrls:
    """The URL names of one kind of job's page, Retry and file."""

    page: str
    retry: str
    download: str


JOB_URLS = {
    Report: JobUrls(page="reports:job", retry="reports:retry", download="reports:download"),
    PortfolioReport: JobUrls(
        page="reports:portfolio_job", retry="reports:portfolio_retry", download="reports:portfolio_download"
    ),
}


def _job_url(job: PdfJob) -> str:
    return reverse(JOB_URLS[type(job)].page, args=[job.pk])


def _card(job: PdfJob, *, refusal: str = "") -> dict:
    """What the job card (`reports/job_card.html`) shows: the job, its URLs, and a refusal above its buttons."""
    urls = JOB_URLS[type(job)]
    return {
        "report": job,
        "job_url": reverse(urls.page, args=[job.pk]),
        "retry_url": reverse(urls.retry, args=[job.pk]),
        "download_url": reverse(urls.download, args=[job.pk]),
        "refusal": refusal,
    }


def _job_requested(request: HtmxHttpRequest, ask: Callable[[], PdfJob], *, back: tuple[str, str]) -> HttpResponse:
    """Ask for a PDF: redirect to its job page, or (htmx) answer with its card; a refusal in words otherwise."""
    try:
        job = ask()
    except ReportError as error:
        return _refused(request, error, back=back)
    if request.htmx:
        job.refresh_from_db()  # a task run in the request itself (eager, no thread) already finished
        return render(request, JOB_CARD, _card(job))
    return redirect(_job_url(job))


def _job_page(
    request: HtmxHttpRequest, job: PdfJob, template: str, *, back: Callable[[], tuple[str, str]], **context: Any
) -> HttpResponse:
    """The job's page, or (an htmx poll) its card alone.

    Only reads, though htmx polls it every second: a job given up on shows as failed (`PdfJob.has_failed`), and
    Retry or pruning records it."""
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, JOB_CARD, _card(job))
    back_url, back_words = back()
    return render(request, template, {**_card(job), "back_url": back_url, "back_words": back_words, **context})


def _job_retry(request: AuthenticatedHtmxHttpRequest, job: PdfJob) -> HttpResponse:
    try:
        job = job_retry(job=job, user=request.user)
    except ReportRateLimited as error:
        return _refused(request, error, back=(_job_url(job), "Back to the PDF"), job=job)
    except ReportError as error:
        if not request.htmx:
            messages.error(request, str(error))
            return redirect(_job_url(job))
        job.refresh_from_db()
        return render(request, JOB_CARD, _card(job, refusal=str(error)), status=409)
    if request.htmx:
        job.refresh_from_db()
        return render(request, JOB_CARD, _card(job))
    return redirect(_job_url(job))


def _job_download(request: AuthenticatedHtmxHttpRequest, job: PdfJob) -> HttpResponseBase:
    """The PDF, streamed from the storage through this view (local folder or bucket alike), never a link to the
    bucket: the access check above and the audit entry stay the only way to a file. A file the storage no longer
    has is 410 with the words and a button that makes it again (Retry)."""
    if job.status != JobStatus.READY or not job.file:
        raise Http404("This report is not ready.")
    try:
        pdf = job.file.open("rb")
    except FileNotFoundError:
        card = _card(job, refusal=FILE_GONE_MESSAGE)
        return render(request, "reports/file_gone.html", {**card, "back_url": card["job_url"]}, status=410)
    job_downloaded(job=job, by=request.user, ip=client_ip(request))
    return FileResponse(pdf, as_attachment=True, filename=job.download_name(), content_type="application/pdf")


def _refused(
    request: HtmxHttpRequest, error: ReportError, *, back: tuple[str, str], job: PdfJob | None = None
) -> HttpResponse:
    """The refusal in words, with nothing queued: 429 with the seconds to wait (and `Retry-After`) for the rate
    limit, 400 for a request no PDF can answer. A page of its own, or with htmx the fragment the page swaps in
    (a retried job's card, which keeps its Retry button, or the message alone)."""
    limited = isinstance(error, ReportRateLimited)
    status = 429 if limited else 400
    context = {"refusal": str(error), "back_url": back[0], "back_words": back[1]}
    if not request.htmx:
        response = render(request, REFUSED_PAGE, context, status=status)
    elif job is not None:
        response = render(request, JOB_CARD, _card(job, refusal=str(error)), status=status)
    else:
        response = render(request, f"{REFUSED_PAGE}#refusal", context, status=status)
    if isinstance(error, ReportRateLimited):
        response["Retry-After"] = str(error.retry_after)
    return response


def _report_back(review: Review) -> tuple[str, str]:
    return (reverse("reports:page", args=[review.pk]), "Back to the report")


def _portfolio_back(query: str) -> tuple[str, str]:
    return (reverse("portfolio:page") + (f"?{query}" if query else ""), "Back to the portfolio")


def _workload_back(workload_pk: int) -> tuple[str, str]:
    return (reverse("reports:workload_page", args=[workload_pk]), "Back to the workload's report")


def _portfolio_job_back(report: PortfolioReport) -> tuple[str, str]:
    if report.kind == PortfolioReport.Kind.WORKLOAD:
        workload_pk = report.workloads.values_list("pk", flat=True).first()
        if workload_pk is not None:
            return _workload_back(workload_pk)
    return _portfolio_back(report.query)
