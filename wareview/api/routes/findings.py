"""Findings from a team's own tools: import a code scanner's SARIF or a test run's JUnit XML into a review, as the
review's "Findings" page does (owners and contributors, with a read-and-write token), with the page's checks and
words (`FindingsImportForm`)."""

from datetime import datetime
from typing import Any

from ninja import File, Form, Router, Schema, Status, UploadedFile

from wareview.api.auth import ApiRefusal
from wareview.api.routes import BODY_REFUSALS, form_refusal
from wareview.evidence.findings.forms import FindingsImportForm
from wareview.evidence.findings.services import FindingsImportError, findings_import
from wareview.evidence.models import Finding
from wareview.lib.http import AuthenticatedHttpRequest
from wareview.reviews.access import get_review_for
from wareview.teams.access import Need

router = Router(tags=["findings"])


class FindingOut(Schema):
    question: str
    practice: str
    tool: str
    check: str
    message: str


class FindingsImportOut(Schema):
    id: int
    review: int
    tools: list[str]
    file_name: str
    passed: int
    failed: int
    unmapped: int
    imported_at: datetime
    findings: list[FindingOut]


@router.post(
    "/reviews/{id:review_id}/findings",
    response={201: FindingsImportOut, **BODY_REFUSALS},
    summary="Import a tool's report (SARIF or JUnit XML) into a review",
)
def findings_create(
    request: AuthenticatedHttpRequest,
    review_id: int,
    file: File[UploadedFile],
    format: Form[str] = "",
) -> Status[dict[str, Any]]:
    """A multipart upload: `file` (the report) and `format` ("sarif", "junit", or empty to detect it from the
    content). Each passing check the lens maps to a practice becomes evidence of it, each failing one a finding
    on it (the tool's earlier findings in the review are replaced); no tick changes. Answers the import and the
    findings of the tools it named."""
    review = get_review_for(request.user, review_id, need=Need.WRITE).review
    form = FindingsImportForm({"format": format}, {"file": file})
    if not form.is_valid() or form.report is None:
        raise form_refusal(form)
    try:
        done = findings_import(review=review, report=form.report, user=request.user, file_name=file.name or "")
    except FindingsImportError as error:
        raise ApiRefusal(400, str(error)) from None
    findings = Finding.objects.filter(answer__review=review, tool__in=form.report.tools).select_related(
        "answer__question"
    )
    return Status(
        201,
        {
            "id": done.pk,
            "review": review.pk,
            "tools": sorted(form.report.tools),
            "file_name": done.file_name,
            "passed": done.passed,
            "failed": done.failed,
            "unmapped": done.unmapped,
            "imported_at": done.imported_at,
            "findings": [
                {
                    "question": finding.answer.question.code,
                    "practice": finding.practice,
                    "tool": finding.tool,
                    "check": finding.check_name,
                    "message": finding.message,
                }
                for finding in findings
            ],
        },
    )
