"""Evidence behind a review's best practices: list it, add a link (JSON) or a file (multipart/form-data), remove
an item, download a file. Through the browser's `EvidenceForm` (every check and its words), services and access
helpers: members read, owners and contributors add and remove, a closed review is read-only, outsiders get 404.
"""

from typing import Any

from django.http import FileResponse
from django.urls import reverse
from ninja import File, Form, Query, Router, Status, UploadedFile

from wareview.api.auth import ApiRefusal
from wareview.api.paging import PageQuery, page_of
from wareview.api.routes import BODY_REFUSALS, REFUSALS, form_refusal
from wareview.api.schemas import EvidenceFileIn, EvidenceLinkIn, EvidenceOut, EvidenceQuery, Message, Page
from wareview.evidence import selectors, services
from wareview.evidence.access import get_evidence_for
from wareview.evidence.forms import ALLOWED_TYPES, EvidenceForm
from wareview.evidence.models import Evidence
from wareview.lib.http import AuthenticatedHttpRequest
from wareview.reviews.access import get_answer_for, get_review_for
from wareview.teams.access import Need

router = Router(tags=["evidence"])

# A file is served as the type read from its content when it was added, or as bytes.
FILE_RESPONSE = {
    200: {
        "content": {content_type: {} for content_type in (*ALLOWED_TYPES, "application/octet-stream")},
        "description": "The file, as a download",
    }
}


@router.get(
    "/reviews/{id:review_id}/evidence",
    response={200: Page[EvidenceOut], **REFUSALS},
    summary="List a review's evidence",
)
def evidence_list(
    request: AuthenticatedHttpRequest, review_id: int, only: Query[EvidenceQuery], paging: Query[PageQuery]
) -> dict[str, Any]:
    """The items not removed, by question and practice, latest verified first; each with its practice's state
    under the team's "Evidence expires after". Four queries a page."""
    review = get_review_for(request.user, review_id).review
    states = selectors.review_practice_states(review_id=review.pk)
    items = selectors.review_evidence_items(review_id=review.pk, question=only.question, practice=only.practice)
    return page_of(items, paging, lambda item: _shape(item, states.get((item.answer_id, item.practice))))


@router.post(
    "/reviews/{id:review_id}/evidence",
    response={201: EvidenceOut, **BODY_REFUSALS},
    summary="Add a link as evidence of a practice",
)
def evidence_link_add(
    request: AuthenticatedHttpRequest, review_id: int, payload: EvidenceLinkIn
) -> Status[dict[str, Any]]:
    data = {"url": payload.url, "title": payload.title, "note": payload.note, "verified_on": payload.verified_on}
    return _add(request, review_id, payload.question, payload.practice, EvidenceForm(data))


@router.post(
    "/reviews/{id:review_id}/evidence/files",
    response={201: EvidenceOut, **BODY_REFUSALS},
    summary="Upload a file as evidence of a practice (multipart/form-data)",
)
def evidence_file_add(
    request: AuthenticatedHttpRequest, review_id: int, fields: Form[EvidenceFileIn], file: File[UploadedFile]
) -> Status[dict[str, Any]]:
    """A PDF, PNG, JPEG, CSV, JSON or text file of at most EVIDENCE_MAX_BYTES, its type read from its content
    (HTML and SVG are refused), as in the browser."""
    data = {"title": fields.title, "note": fields.note, "verified_on": fields.verified_on}
    return _add(request, review_id, fields.question, fields.practice, EvidenceForm(data, {"file": file}))


def _add(
    request: AuthenticatedHttpRequest, review_id: int, question: str, practice: str, form: EvidenceForm
) -> Status[dict[str, Any]]:
    answer = get_answer_for(request.user, review_id, question, need=Need.WRITE).answer
    choice = selectors.practice_choice(answer=answer, code=practice)
    if choice is None:
        raise ApiRefusal(400, f"practice: question {answer.question.code} has no best practice “{practice}”.")
    if not form.is_valid():
        raise form_refusal(form)
    evidence = services.evidence_add(
        answer=answer, practice=choice.code, practice_title=choice.title, user=request.user, data=form.evidence_input()
    )
    evidence.answer = answer
    state = selectors.evidence_by_practice(answer=answer).get(choice.code)
    return Status(201, _shape(evidence, state))


@router.delete(
    "/evidence/{id:evidence_id}",
    response={204: None, **REFUSALS},
    summary="Remove an item of evidence (the answer's history keeps a line)",
)
def evidence_remove(request: AuthenticatedHttpRequest, evidence_id: int) -> Status[None]:
    evidence = get_evidence_for(request.user, evidence_id, need=Need.WRITE).evidence
    choice = selectors.practice_choice(answer=evidence.answer, code=evidence.practice)
    title = choice.title if choice else evidence.practice
    services.evidence_remove(evidence=evidence, practice_title=title, user=request.user)
    return Status(204, None)


@router.get(
    "/evidence/{id:evidence_id}/file",
    response={200: None, 410: Message, **REFUSALS},
    summary="Download an evidence file",
    url_name="evidence_download",
    openapi_extra={"responses": FILE_RESPONSE},
)
def evidence_download(request: AuthenticatedHttpRequest, evidence_id: int) -> FileResponse:
    """Always as an attachment of the type read from its content when it was added, with
    `X-Content-Type-Options: nosniff`; a link has no file (404), a file gone from the storage is 410."""
    evidence = get_evidence_for(request.user, evidence_id).evidence
    if evidence.kind != Evidence.Kind.FILE or not evidence.file:
        raise ApiRefusal(404, "This evidence is a link, not a file.")
    try:
        stored = evidence.file.open("rb")
    except FileNotFoundError:
        raise ApiRefusal(
            410, f"The file “{evidence.file_name}” is gone from storage: add it to the practice again."
        ) from None
    return FileResponse(
        stored,
        as_attachment=True,
        filename=evidence.file_name,
        content_type=selectors.served_type(evidence),
    )


def _shape(evidence: Evidence, state: selectors.PracticeEvidence | None) -> dict[str, Any]:
    return {
        "id": evidence.pk,
        "question": evidence.answer.question.code,
        "practice": evidence.practice,
        "state": (state or selectors.NO_EVIDENCE).state.value,
        "kind": evidence.kind,
        "title": evidence.title,
        "url": evidence.url,
        "file_name": evidence.file_name,
        "file_size": evidence.file_size,
        "content_type": evidence.content_type,
        "note": evidence.note,
        "verified_on": evidence.verified_on,
        "added_by": evidence.added_by.get_username() if evidence.added_by else "",
        "added_at": evidence.added_at,
        "download": reverse("api:evidence_download", args=[evidence.pk]) if evidence.is_file else None,
    }
