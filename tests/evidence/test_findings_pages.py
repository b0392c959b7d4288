"""The review's "Findings" page (import a report, read what it said) and the failing checks on the question page;
the sample reports of docs/examples/ imported into the demo review."""

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from tests.evidence.findings_helpers import case, check, junit
from tests.evidence.helpers import answer_of
from wareview.evidence.models import Evidence, Finding, FindingsImport
from wareview.reviews.models import Answer, Review
from wareview.reviews.services import review_close

pytestmark = pytest.mark.django_db

EXAMPLES = Path(settings.BASE_DIR) / "docs" / "examples"
K6 = junit(case("http_req_duration - p(95)<300", "failure"), case("http_req_failed - rate<0.01"))


@pytest.fixture
def mapped(cast):
    check(cast.lens, "q_01_a", "junit", test="http_req_duration* - p(9?)<*")
    check(cast.lens, "q_01_b", "junit", test="http_req_failed* - rate<*")
    return cast


def findings_url(review) -> str:
    return reverse("evidence:findings", args=[review.pk])


def upload(data: bytes, name: str = "k6.xml", format: str = "") -> dict:
    return {"file": SimpleUploadedFile(name, data, content_type="application/octet-stream"), "format": format}


def test_a_contributor_imports_a_report_and_the_page_lists_its_failing_checks(client, mapped):
    client.force_login(mapped.contributor)
    response = client.post(findings_url(mapped.review), upload(K6))

    assert response.status_code == 302 and response.url == findings_url(mapped.review)
    page = client.get(response.url).content.decode()
    assert "Imported junit: 1 passing checks added as evidence, 1 failing checks shown on their practices" in page
    assert "No tick was changed." in page
    assert "Q_01 practice a" in page and "junit http_req_duration - p(95)&lt;300" in page
    assert "k6.xml" in page and "1 passing, 1 failing, 0 not mapped; by carlos" in page
    assert 'id="import-findings"' in page


def test_a_viewer_reads_the_findings_without_the_import_form_and_cannot_import(client, mapped):
    client.force_login(mapped.owner)
    client.post(findings_url(mapped.review), upload(K6))
    client.force_login(mapped.viewer)

    page = client.get(findings_url(mapped.review)).content.decode()
    refused = client.post(findings_url(mapped.review), upload(K6))

    assert "junit http_req_duration - p(95)&lt;300" in page and 'id="import-findings"' not in page
    assert "only the team's owners and contributors import reports" in page
    assert refused.status_code == 403 and FindingsImport.objects.count() == 1


def test_an_outsider_gets_the_same_404_as_for_a_missing_review(client, mapped):
    client.force_login(mapped.outsider)
    assert client.get(findings_url(mapped.review)).status_code == 404
    assert client.post(findings_url(mapped.review), upload(K6)).status_code == 404


@pytest.mark.parametrize(
    ("data", "format", "words"),
    [
        (b"hello", "", "neither SARIF (a JSON object) nor JUnit XML"),
        (K6, "sarif", "The file is not SARIF (a JSON object), the format given."),
        (b'{"version": "2.1.0", "runs": [{"tool": {}}]}', "", "runs[0].tool.driver: must be a JSON object."),
        (b"<testsuite><testcase name='a'></testsuite>", "", "line 1, column 33: not well-formed XML (mismatched tag)."),
    ],
)
def test_a_bad_report_is_refused_with_words_and_nothing_changes(client, mapped, data, format, words):
    client.force_login(mapped.contributor)
    response = client.post(findings_url(mapped.review), upload(data, format=format))

    assert response.status_code == 400
    assert words in response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')
    assert not Evidence.objects.exists() and not Finding.objects.exists() and not FindingsImport.objects.exists()


def test_a_report_over_the_size_limit_is_refused_with_both_sizes(client, mapped, settings):
    settings.EVIDENCE_MAX_BYTES = 100
    client.force_login(mapped.contributor)
    response = client.post(findings_url(mapped.review), upload(K6))
    assert response.status_code == 400 and "a report may be at most 100" in response.content.decode()


def test_a_closed_review_takes_no_import(client, mapped):
    review_close(review=mapped.review)
    client.force_login(mapped.owner)
    assert client.post(findings_url(mapped.review), upload(K6)).status_code == 403
    assert "This review is closed" in client.get(findings_url(mapped.review)).content.decode()


def test_the_question_page_shows_a_ticked_practices_failing_check_and_leaves_the_tick_to_the_person(client, mapped):
    answer = answer_of(mapped.review)
    answer.selected = ["q_01_a", "q_01_b"]
    answer.save()
    client.force_login(mapped.owner)
    client.post(findings_url(mapped.review), upload(K6))

    page = client.get(reverse("reviews:question", args=[mapped.review.pk, "Q_01"])).content.decode()

    assert "<strong>Failing:</strong> junit http_req_duration - p(95)&lt;300 (failed)." in page
    assert "If Q_01 practice a no longer holds, untick it" in page
    assert answer_of(mapped.review).selected == ["q_01_a", "q_01_b"]
    assert 'value="q_01_a" id="choice-q_01_a" checked' in page


def test_the_overview_links_to_the_findings_page_as_import_for_writers_only(client, mapped):
    overview = reverse("reviews:overview", args=[mapped.review.pk])
    client.force_login(mapped.contributor)
    assert ">Import findings</a>" in client.get(overview).content.decode()
    client.force_login(mapped.viewer)
    assert ">Findings from your tools</a>" in client.get(overview).content.decode()


def ticks(review) -> dict:
    return dict(Answer.objects.filter(review=review).values_list("question__code", "selected"))


def test_the_sample_reports_import_into_the_demo_review_and_hit_mapped_practices(capsys):
    call_command("load_question_sets", stdout=StringIO())
    call_command("demo_setup", on_any_database=True)
    review = Review.objects.get()
    assert review.lens.version == 3  # the demo review starts on the newest published version
    before = ticks(review)

    call_command("import_findings", str(review.pk), str(EXAMPLES / "checkov.sarif"))
    call_command("import_findings", str(review.pk), str(EXAMPLES / "k6-junit.xml"), "--format", "junit")

    out = capsys.readouterr().out
    assert "checkov into review" in out and "1 rules or tests no practice maps" in out
    evidence = set(Evidence.objects.filter(answer__review=review).values_list("practice", "source_check"))
    assert evidence == {
        ("perf02_sized_from_data", "CKV_K8S_12"),
        ("perf03_autoscaling", "CKV2_AWS_16"),
        ("perf09_alert_actions", "CKV_AWS_319"),
        ("perf10_generation", "CKV_AWS_126"),
        ("perf10_tracing", "CKV_AWS_50"),
        ("perf10_tracing", "CKV_AWS_73"),
        ("perf13_slow_queries", "CKV_AWS_353"),
        ("perf07_auto_perf_tests", "http_req_duration - p(95)<500"),
        ("perf07_auto_perf_tests", "http_req_failed - rate<0.01"),
    }
    findings = set(Finding.objects.filter(answer__review=review).values_list("practice", "check_name"))
    assert findings == {
        ("perf02_noisy_neighbours", "CKV_K8S_13"),
        ("perf10_retention", "CKV_AWS_66"),
        ("perf07_auto_perf_tests", "http_req_duration{scenario:checkout} - p(95)<300"),
        ("perf01_requirements", "http_req_duration{scenario:checkout} - p(95)<300"),
    }
    assert ticks(review) == before


def test_a_passing_checks_evidence_is_listed_on_the_practice_page_without_a_link(client, mapped):
    client.force_login(mapped.owner)
    client.post(findings_url(mapped.review), upload(K6))

    page = client.get(reverse("evidence:practice", args=[mapped.review.pk, "Q_01", "q_01_b"])).content.decode()

    assert (
        'junit: http_req_failed - rate&lt;0.01 passed <span class="muted">(imported from a junit report)</span>' in page
    )
    assert 'href=""' not in page
