"""Importing a tool's report into a review: passing mapped checks become evidence, failing ones findings, and
no tick ever changes by itself."""

import re

import pytest
from django.core.management import CommandError, call_command

from tests.evidence.findings_helpers import case, check, junit, result, run, sarif
from tests.evidence.helpers import answer_of
from wareview.evidence.findings.reports import report_read
from wareview.evidence.findings.services import FindingsImportError, findings_import
from wareview.evidence.models import Evidence, Finding, FindingsImport
from wareview.reviews.models import Answer, AnswerChange
from wareview.reviews.services import review_close

pytestmark = pytest.mark.django_db


@pytest.fixture
def mapped(cast):
    check(cast.lens, "q_01_a", "checkov", rule="CKV_AWS_50")
    check(cast.lens, "q_01_b", "checkov", rule="CKV_AWS_66")
    check(cast.lens, "q_02_a", "junit", test="http_req_duration* - p(95)<*")
    return cast


def do_import(cast, data: bytes, user=None):
    return findings_import(review=cast.review, report=report_read(data=data), user=user or cast.owner)


def ticks(review) -> dict:
    return dict(Answer.objects.filter(review=review).values_list("question__code", "selected"))


SCAN = sarif(run(results=[result("CKV_AWS_50", "note"), result("CKV_AWS_66", "error", text="no retention")]))


def test_a_passing_mapped_check_becomes_evidence_and_a_failing_one_a_finding(mapped):
    done = do_import(mapped, SCAN)

    item = Evidence.objects.get()
    assert (item.answer, item.practice, item.kind, item.source_tool, item.source_check) == (
        answer_of(mapped.review),
        "q_01_a",
        "check",
        "checkov",
        "CKV_AWS_50",
    )
    assert item.title == "checkov: CKV_AWS_50 passed" and item.added_by == mapped.owner
    finding = Finding.objects.get()
    assert (finding.practice, finding.tool, finding.check_name, finding.message) == (
        "q_01_b",
        "checkov",
        "CKV_AWS_66",
        "no retention",
    )
    assert (done.tools, done.passed, done.failed, done.unmapped) == ("checkov", 1, 1, 0)


def test_an_import_never_ticks_or_unticks_a_practice(mapped, client):
    client.force_login(mapped.owner)
    answer = answer_of(mapped.review)
    answer.selected = ["q_01_b"]
    answer.save()
    before = ticks(mapped.review)

    do_import(mapped, SCAN)

    assert ticks(mapped.review) == before
    assert answer_of(mapped.review).selected == ["q_01_b"]


def test_importing_the_same_report_again_adds_no_evidence_or_finding(mapped):
    do_import(mapped, SCAN)
    do_import(mapped, SCAN)

    assert Evidence.objects.count() == 1 and Finding.objects.count() == 1
    assert FindingsImport.objects.count() == 2


def test_a_later_report_of_the_tool_replaces_its_findings_and_removes_evidence_that_no_longer_holds(mapped):
    do_import(mapped, SCAN)
    do_import(mapped, sarif(run(results=[result("CKV_AWS_50", "error"), result("CKV_AWS_66", "none")])))

    assert list(Finding.objects.values_list("practice", "check_name")) == [("q_01_a", "CKV_AWS_50")]
    assert list(Evidence.objects.current().values_list("practice", "source_check")) == [("q_01_b", "CKV_AWS_66")]
    removed = Evidence.objects.get(removed_at__isnull=False)
    assert removed.source_check == "CKV_AWS_50" and removed.removed_by == mapped.owner


def test_a_run_that_found_nothing_clears_its_tools_findings_but_not_another_tools(mapped):
    do_import(mapped, SCAN)
    do_import(mapped, junit(case("http_req_duration - p(95)<300", "failure")))
    do_import(mapped, sarif(run()))

    assert list(Finding.objects.values_list("tool", "practice")) == [("junit", "q_02_a")]


def test_several_results_on_one_rule_fail_the_practice_when_any_fails(mapped):
    do_import(mapped, sarif(run(results=[result("CKV_AWS_50", "note"), result("CKV_AWS_50", "error")])))

    assert Finding.objects.get().check_name == "CKV_AWS_50" and not Evidence.objects.exists()


def test_a_junit_check_matches_test_names_by_glob_and_counts_what_no_practice_maps(mapped):
    done = do_import(
        mapped,
        junit(case("http_req_duration{scenario:checkout} - p(95)<300"), case("checks - rate>0.99", "failure")),
    )

    assert Evidence.objects.get().source_check == "http_req_duration{scenario:checkout} - p(95)<300"
    assert (done.passed, done.failed, done.unmapped) == (1, 0, 1) and not Finding.objects.exists()


def test_the_answers_history_says_which_evidence_an_import_added(mapped):
    do_import(mapped, SCAN)

    note = AnswerChange.objects.get(answer=answer_of(mapped.review)).note
    assert note == "findings imported: evidence added to “Q_01 practice a”: checkov CKV_AWS_50"


def test_a_closed_review_takes_no_import(mapped):
    review_close(review=mapped.review)
    with pytest.raises(FindingsImportError, match="closed"):
        do_import(mapped, SCAN)
    assert not Evidence.objects.exists() and not Finding.objects.exists()


def test_the_command_imports_a_file_detecting_its_format(mapped, tmp_path, capsys):
    path = tmp_path / "results.sarif"
    path.write_bytes(SCAN)

    call_command("import_findings", str(mapped.review.pk), str(path), "--user", "olivia")

    assert "1 passing checks as evidence, 1 failing checks as findings" in capsys.readouterr().out
    assert Finding.objects.get().imported_by == mapped.owner


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        (["{review}", "{bad}"], "neither SARIF (a JSON object) nor JUnit XML"),
        (["{review}", "{good}", "--format", "junit"], "not JUnit XML, the format given"),
        (["999999", "{good}"], "There is no review 999999."),
        (["{review}", "{missing}"], "cannot read it"),
        (["{review}", "{good}", "--user", "nobody"], "There is no user named 'nobody'."),
    ],
)
def test_the_command_refuses_what_it_cannot_import_and_changes_nothing(mapped, tmp_path, arguments, words):
    (tmp_path / "good.sarif").write_bytes(SCAN)
    (tmp_path / "bad.txt").write_bytes(b"hello")
    paths = {"review": mapped.review.pk, "good": tmp_path / "good.sarif", "bad": tmp_path / "bad.txt"}
    paths["missing"] = tmp_path / "missing.xml"
    with pytest.raises(CommandError, match=re.escape(words)):
        call_command("import_findings", *[argument.format(**paths) for argument in arguments])
    assert not Evidence.objects.exists() and not Finding.objects.exists() and not FindingsImport.objects.exists()
