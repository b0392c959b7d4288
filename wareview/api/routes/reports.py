"""Reports: ask for a review's PDF (or a milestone's), follow its job, download it. Every member of the team may,
as in the browser: a report only reads the review."""

from typing import Any

from django.http import FileResponse
from django.urls import reverse
from ninja import Router, Status

from wareview.api.auth import ApiRefusal
from wareview.api.routes import BODY_REFUSALS, REFUSALS
from wareview.api.routes.shapes import report_shape
from wareview.api.schemas import Message, ReportIn, ReportOut
from wareview.audit.services import client_ip
from wareview.lib.http import AuthenticatedHttpRequest
from wareview.milestones.access import get_milestone_for
from wareview.reports.access import get_report_for
from wareview.reports.models import Report
from wareview.reports.services import FILE_GONE_MESSAGE, ReportRateLimited, report_downloaded, report_request
from wareview.reviews.access import get_review_for
from wareview.teams.access import NOT_FOUND

router = Router(tags=["reports"])


@router.post(
    "/reviews/{id:review_id}/reports",
    response={202: ReportOut, **BODY_REFUSALS},
    summary="Ask for a review's PDF report",
)
def report_create(request: AuthenticatedHttpRequest, review_id: int, payload: ReportIn) -> Status[dict[str, Any]]:
    """Queues the PDF (or gives the one already made or under way for the same answers). With `milestone`, the
    report of the review as at that milestone. Follow it with GET /reports/{id} until `status` is ready."""
    review = get_review_for(request.user, review_id).review
    milestone = None
    if payload.milestone is not None:
        milestone = get_milestone_for(request.user, payload.milestone).milestone
        if milestone.review_id != review.pk:
            raise ApiRefusal(404, NOT_FOUND)
    try:
        report = report_request(review=review, user=request.user, milestone=milestone)
    except ReportRateLimited as error:
        raise ApiRefusal(429, str(error), retry_after=error.retry_after) from None
    report.refresh_from_db()  # without a broker the task already ran
    return Status(202, report_shape(report, download=_download_url(report)))


@router.get("/reports/{id:report_id}", response={200: ReportOut, **REFUSALS}, summary="Read a report's status")
def report_status(request: AuthenticatedHttpRequest, report_id: int) -> dict[str, Any]:
    report = get_report_for(request.user, report_id).report
    return report_shape(report, download=_download_url(report))


@router.get(
    "/reports/{id:report_id}/pdf",
    response={200: None, 409: Message, 410: Message, **REFUSALS},
    summary="Download a ready report’s PDF",
    url_name="report_download",
    openapi_extra={"responses": {200: {"content": {"application/pdf": {}}, "description": "The PDF"}}},
)
def report_download(request: AuthenticatedHttpRequest, report_id: int) -> FileResponse:
    report = get_report_for(request.user, report_id).report
    if report.status != Report.Status.READY or not report.file:
        state = "failed" if report.has_failed else report.get_status_display().lower()
        raise ApiRefusal(409, f"This report is not ready: it is {state}. Ask for its status until it is ready.")
    try:
        pdf = report.file.open("rb")
    except FileNotFoundError:
        # Asking for the review's PDF again (POST …/reports) makes a new one: a ready report without its file is
        # never reused.
        raise ApiRefusal(410, f"{FILE_GONE_MESSAGE} Ask for the review's report again.") from None
    report_downloaded(report=report, by=request.user, ip=client_ip(request))
    return FileResponse(pdf, as_attachment=True, filename=report.download_name(), content_type="application/pdf")


def _download_url(report: Report) -> str:
    return reverse("api:report_download", args=[report.pk])
