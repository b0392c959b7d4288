"""POST /reviews/{id}/findings: a report imported as on the review's "Findings" page, with the same rules."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.api.conftest import ApiClient, Multipart
from tests.evidence.findings_helpers import case, check, junit, result, run, sarif
from wareview.api.auth import READ_ONLY_TOKEN
from wareview.api.models import Scope
from wareview.api.services import token_create
from wareview.evidence.models import Evidence, Finding, FindingsImport
from wareview.reviews.models import Answer

pytestmark = pytest.mark.django_db

K6 = junit(case("http_req_duration - p(95)<300", "failure"), case("http_req_failed - rate<0.01"))


@pytest.fixture
def mapped(cast):
    check(cast.lens, "q_01_a", "junit", test="http_req_duration* - p(9?)<*")
    check(cast.lens, "q_01_b", "junit", test="http_req_failed* - rate<*")
    check(cast.lens, "q_02_a", "checkov", rule="CKV_AWS_50")
    return cast


def report(data: bytes, name: str = "k6.xml", format: str = "") -> Multipart:
    return Multipart(file=SimpleUploadedFile(name, data), format=format)


def test_a_contributor_imports_a_report_and_gets_its_counts_and_findings(api_as, mapped):
    selected = list(Answer.objects.filter(review=mapped.review).values_list("selected", flat=True))

    response = api_as("contributor").post(f"/reviews/{mapped.review.pk}/findings", report(K6))

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["review"], body["tools"], body["file_name"]) == (mapped.review.pk, ["junit"], "k6.xml")
    assert (body["passed"], body["failed"], body["unmapped"]) == (1, 1, 0)
    assert body["findings"] == [
        {
            "question": "Q_01",
            "practice": "q_01_a",
            "tool": "junit",
            "check": "http_req_duration - p(95)<300",
            "message": "failed",
        }
    ]
    assert Evidence.objects.get().source_check == "http_req_failed - rate<0.01"
    assert list(Answer.objects.filter(review=mapped.review).values_list("selected", flat=True)) == selected


def test_the_same_report_twice_adds_nothing_more(api_as, mapped):
    api = api_as("owner")
    first = api.post(
        f"/reviews/{mapped.review.pk}/findings", report(sarif(run(results=[result("CKV_AWS_50", "note")])))
    )
    again = api.post(
        f"/reviews/{mapped.review.pk}/findings", report(sarif(run(results=[result("CKV_AWS_50", "note")])))
    )
    assert (first.status_code, again.status_code) == (201, 201)
    assert Evidence.objects.count() == 1 and not Finding.objects.exists()


def test_a_read_only_token_is_refused_and_nothing_is_imported(client, mapped):
    api = ApiClient(client, token_create(user=mapped.owner, name="dashboards", scope=Scope.READ, days=30).secret)

    response = api.post(f"/reviews/{mapped.review.pk}/findings", report(K6))

    assert (response.status_code, response.json()) == (403, {"message": READ_ONLY_TOKEN})
    assert not FindingsImport.objects.exists()


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (report(b"hello"), "The file is neither SARIF (a JSON object) nor JUnit XML"),
        (report(K6, format="sarif"), "The file is not SARIF (a JSON object), the format given."),
        (report(b"<testsuite><testcase/></testsuite>"), "testsuite/testcase[1]: a test case needs a name."),
        (report(K6, format="pdf"), "format: Select a valid choice. pdf is not one of the available choices."),
        (report(b""), "file: The submitted file is empty."),
        (Multipart(format="junit"), "file"),
    ],
)
def test_a_bad_upload_is_a_400_with_words_and_changes_nothing(api_as, mapped, body, words):
    response = api_as("owner").post(f"/reviews/{mapped.review.pk}/findings", body)

    assert response.status_code == 400, response.content
    assert words in response.json()["message"]
    assert not Evidence.objects.exists() and not Finding.objects.exists() and not FindingsImport.objects.exists()


def test_a_json_body_is_refused_with_words(api_as, mapped):
    response = api_as("owner").post(f"/reviews/{mapped.review.pk}/findings", {"file": "x"})
    assert response.status_code == 400 and "file" in response.json()["message"]
