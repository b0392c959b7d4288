"""Every API endpoint, called by each member of the cast with a read-write token of their own, and without one.

As in the browser (tests/project/test_access_matrix.py): outsiders get 404 for anything of another team, viewers
read but are refused changes (403); a caller without a token gets 401. Every refusal is JSON with a "message".
An endpoint of the API's schema missing from MATRIX fails the completeness test.
"""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.api.conftest import ROLES, Multipart
from wareview.api.api import api
from wareview.api.auth import INACTIVE_ACCOUNT
from wareview.evidence.models import Evidence
from wareview.reviews.models import Answer, Review
from wareview.teams.access import NOT_FOUND
from wareview.workloads.models import Workload

pytestmark = pytest.mark.django_db

LIST = {"owner": 200, "contributor": 200, "viewer": 200, "outsider": 200, "anonymous": 401}
READ = {"owner": 200, "contributor": 200, "viewer": 200, "outsider": 404, "anonymous": 401}
CREATE = {"owner": 201, "contributor": 201, "viewer": 403, "outsider": 404, "anonymous": 401}
UPDATE = {"owner": 200, "contributor": 200, "viewer": 403, "outsider": 404, "anonymous": 401}
OWNER_DELETE = {"owner": 204, "contributor": 403, "viewer": 403, "outsider": 404, "anonymous": 401}
REMOVE = {"owner": 204, "contributor": 204, "viewer": 403, "outsider": 404, "anonymous": 401}
# A report only reads the review, so every member may ask for one (see wareview/reports/README.md).
MEMBER_REPORT = {"owner": 202, "contributor": 202, "viewer": 202, "outsider": 404, "anonymous": 401}


def k6_report(cast) -> Multipart:
    from django.core.files.uploadedfile import SimpleUploadedFile

    report = b'<testsuite name="k6 thresholds"><testcase name="checks - rate&gt;0.99"/></testsuite>'
    return Multipart(file=SimpleUploadedFile("k6.xml", report), format="junit")


# "METHOD path pattern" → (path from the cast, body from the cast, expected status per role)
MATRIX = {
    "GET /lenses": (lambda c: "/lenses", None, LIST),
    "GET /lenses/{lens_id}/export": (lambda c: f"/lenses/{c.lens.pk}/export", None, LIST),
    "GET /workloads": (lambda c: "/workloads", None, LIST),
    "POST /workloads": (lambda c: "/workloads", lambda c: {"team": c.team.pk, "name": "Ledger"}, CREATE),
    "GET /workloads/{workload_id}": (lambda c: f"/workloads/{c.workload.pk}", None, READ),
    "PATCH /workloads/{workload_id}": (lambda c: f"/workloads/{c.workload.pk}", lambda c: {"notes": "x"}, UPDATE),
    "DELETE /workloads/{workload_id}": (lambda c: f"/workloads/{c.workload.pk}", None, OWNER_DELETE),
    "POST /workloads/{workload_id}/reviews": (
        lambda c: f"/workloads/{c.workload.pk}/reviews",
        lambda c: {"lens": c.other_lens.pk},
        CREATE,
    ),
    "GET /reviews/{review_id}": (lambda c: f"/reviews/{c.review.pk}", None, READ),
    "GET /reviews/{review_id}/answers/{code}": (lambda c: f"/reviews/{c.review.pk}/answers/Q_01", None, READ),
    "PUT /reviews/{review_id}/answers/{code}": (
        lambda c: f"/reviews/{c.review.pk}/answers/Q_01",
        lambda c: {"version": 0, "selected": ["q_01_a"]},
        UPDATE,
    ),
    "POST /workloads/{workload_id}/milestones": (
        lambda c: f"/workloads/{c.workload.pk}/milestones",
        lambda c: {"name": "Matrix", "review": c.review.pk},
        CREATE,
    ),
    "GET /workloads/{workload_id}/milestones": (lambda c: f"/workloads/{c.workload.pk}/milestones", None, READ),
    "GET /workloads/{workload_id}/milestones/compare": (
        lambda c: f"/workloads/{c.workload.pk}/milestones/compare?before={c.milestone.pk}&after=now",
        None,
        READ,
    ),
    "GET /reviews/{review_id}/improvement-items": (
        lambda c: f"/reviews/{c.review.pk}/improvement-items",
        None,
        READ,
    ),
    "PATCH /reviews/{review_id}/improvement-items/{item_id}": (
        lambda c: f"/reviews/{c.review.pk}/improvement-items/{c.plan_item.pk}",
        lambda c: {"status": "in_progress", "owner": "carlos"},
        UPDATE,
    ),
    "POST /reviews/{review_id}/findings": (lambda c: f"/reviews/{c.review.pk}/findings", k6_report, CREATE),
    "POST /reviews/{review_id}/reports": (lambda c: f"/reviews/{c.review.pk}/reports", lambda c: {}, MEMBER_REPORT),
    "GET /reports/{report_id}": (lambda c: f"/reports/{c.report.pk}", None, READ),
    "GET /reports/{report_id}/pdf": (lambda c: f"/reports/{c.ready_report.pk}/pdf", None, READ),
    "GET /reviews/{review_id}/evidence": (lambda c: f"/reviews/{c.review.pk}/evidence", None, READ),
    "POST /reviews/{review_id}/evidence": (
        lambda c: f"/reviews/{c.review.pk}/evidence",
        lambda c: {
            "question": "Q_01",
            "practice": "q_01_b",
            "url": "https://example.com/",
            "title": "Dashboard",
            "verified_on": "2026-01-05",
        },
        CREATE,
    ),
    "POST /reviews/{review_id}/evidence/files": (
        lambda c: f"/reviews/{c.review.pk}/evidence/files",
        lambda c: {
            "question": "Q_01",
            "practice": "q_01_b",
            "verified_on": "2026-01-05",
            "file": SimpleUploadedFile("load.csv", b"run,seconds\n1,2\n"),
        },
        CREATE,
    ),
    "DELETE /evidence/{evidence_id}": (lambda c: f"/evidence/{c.evidence_link.pk}", None, REMOVE),
    "GET /evidence/{evidence_id}/file": (lambda c: f"/evidence/{c.evidence_file.pk}/file", None, READ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("entry", sorted(MATRIX))
def test_each_endpoint_answers_each_role_as_expected(api_as, walk_cast, entry, role):
    path, body, expected = MATRIX[entry]
    method = entry.split()[0]
    response = api_as(role).call(method, path(walk_cast), body(walk_cast) if body else None)
    assert response.status_code == expected[role], f"{role} {entry}: {response.content[:300]!r}"
    if response.status_code >= 400:
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert response.json()["message"]
    if role != "anonymous":
        # What a token's owner is sent is never kept by a shared cache or on disk.
        assert "no-store" in response["Cache-Control"]
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.parametrize(
    "entry", sorted(entry for entry, (*_, expected) in MATRIX.items() if expected["outsider"] == 404)
)
def test_an_outsider_gets_the_same_404_as_for_an_object_that_does_not_exist(api_as, walk_cast, entry):
    path, body, _ = MATRIX[entry]
    method = entry.split()[0]
    outsider = api_as("outsider")
    theirs = outsider.call(method, path(walk_cast), body(walk_cast) if body else None)
    # Each id of the cast's objects in the path becomes one that names nothing (at once: replacing them one by one
    # would grow an id already replaced into a number past 64 bits, which is an address of no endpoint).
    pks = {str(obj.pk) for obj in (walk_cast.review, walk_cast.workload, walk_cast.report, walk_cast.ready_report)}
    pks |= {str(walk_cast.evidence_link.pk), str(walk_cast.evidence_file.pk)}
    pks.add(str(walk_cast.plan_item.pk))
    missing_path = re.sub(r"(?<=/)\d+(?=/|\?|$)", lambda id: "2000000000" if id[0] in pks else id[0], path(walk_cast))
    missing_body = body(walk_cast) if body else None
    if missing_body and "team" in missing_body:
        missing_body["team"] = 2000000000
    missing = api_as("owner").call(method, missing_path, missing_body)
    assert (theirs.status_code, missing.status_code) == (404, 404), missing_path
    assert theirs.json() == missing.json() == {"message": NOT_FOUND}


@pytest.mark.parametrize("entry", sorted(MATRIX))
def test_every_endpoint_refuses_the_token_of_a_deactivated_account_with_401(api_as, walk_cast, entry):
    path, body, _ = MATRIX[entry]
    owner = api_as("owner")
    walk_cast.owner.is_active = False
    walk_cast.owner.save(update_fields=["is_active"])
    before = _counts()
    response = owner.call(entry.split()[0], path(walk_cast), body(walk_cast) if body else None)
    assert response.status_code == 401, f"{entry}: {response.content[:300]!r}"
    assert response.json() == {"message": INACTIVE_ACCOUNT}
    assert _counts() == before


def _counts() -> tuple[int, ...]:
    answers = Answer.objects.filter(version__gt=0).count()
    evidence = Evidence.objects.current().count()
    return (Workload.objects.count(), Review.objects.count(), answers, evidence)


def test_the_matrix_covers_every_endpoint_of_the_api():
    schema = api.get_openapi_schema()
    endpoints = {
        f"{method.upper()} {path.removeprefix('/api/v1')}"
        for path, methods in schema["paths"].items()
        for method in methods
    }
    assert endpoints == set(MATRIX), (
        f"missing: {sorted(endpoints - set(MATRIX))}, stale: {sorted(set(MATRIX) - endpoints)}"
    )
