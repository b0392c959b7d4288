"""Reading tools' reports: SARIF 2.1.0 and JUnit XML, and the words for a file that cannot be read."""

import json

import pytest

from tests.evidence.findings_helpers import case, junit, result, run, sarif
from wareview.evidence.findings.reports import ReportError, ReportFormat, ToolResult, report_read


def verdicts(data: bytes, expected=None) -> list[tuple[str, str, bool]]:
    return [(r.tool, r.check, r.passed) for r in report_read(data=data, expected=expected).results]


def test_sarif_errors_and_warnings_fail_while_notes_none_and_passes_pass():
    data = sarif(
        run(
            "Checkov",
            [
                result("CKV_AWS_1", "error"),
                result("CKV_AWS_2", "warning"),
                result("CKV_AWS_3", "note"),
                result("CKV_AWS_4", "none"),
                result("CKV_AWS_5", None, kind="pass"),
            ],
        )
    )
    assert verdicts(data) == [
        ("checkov", "CKV_AWS_1", False),
        ("checkov", "CKV_AWS_2", False),
        ("checkov", "CKV_AWS_3", True),
        ("checkov", "CKV_AWS_4", True),
        ("checkov", "CKV_AWS_5", True),
    ]


def test_a_sarif_result_without_a_level_takes_its_rules_default_and_else_fails_as_a_warning():
    document = run("tfsec", [result("a", None), result("b", None)])
    document["tool"]["driver"]["rules"] = [{"id": "a", "defaultConfiguration": {"level": "note"}}, {"id": "b"}]
    assert verdicts(sarif(document)) == [("tfsec", "a", True), ("tfsec", "b", False)]


@pytest.mark.parametrize("kind", ["notApplicable", "open", "review", "informational"])
def test_sarif_results_that_are_no_verdict_are_left_out(kind):
    assert verdicts(sarif(run(results=[result("CKV_AWS_1", None, kind=kind)]))) == []


def test_rules_listed_without_results_pass_only_when_the_run_says_it_succeeded():
    listed = dict(results=[result("CKV_AWS_1")], rules=["CKV_AWS_1", "CKV_AWS_2"])
    assert verdicts(sarif(run(**listed, ran=True))) == [("checkov", "CKV_AWS_1", False), ("checkov", "CKV_AWS_2", True)]
    assert verdicts(sarif(run(**listed, ran=False))) == [("checkov", "CKV_AWS_1", False)]
    assert verdicts(sarif(run(**listed))) == [("checkov", "CKV_AWS_1", False)]


def test_a_result_may_name_its_rule_by_index_and_a_run_without_results_still_names_its_tool():
    document = run("cfn-lint", [{"ruleIndex": 1, "level": "error", "message": {"text": "x"}}], rules=["E1", "W2"])
    report = report_read(data=sarif(document, run("checkov")))
    assert [(r.check, r.passed) for r in report.results] == [("W2", False)]
    assert report.tools == {"cfn-lint", "checkov"}


def test_junit_failures_and_errors_fail_skipped_is_left_out_and_the_rest_pass():
    data = junit(
        case("http_req_duration - p(95)<300"),
        case("http_req_failed - rate<0.01", "failure"),
        case("checks - rate>0.99", "error"),
        case("iteration_duration - avg<1000", "skipped"),
    )
    assert report_read(data=data).results == [
        ToolResult(tool="junit", check="http_req_duration - p(95)<300", passed=True),
        ToolResult(tool="junit", check="http_req_failed - rate<0.01", passed=False, message="failed"),
        ToolResult(tool="junit", check="checks - rate>0.99", passed=False, message="boom"),
    ]


def test_a_single_testsuite_and_nested_suites_are_read():
    nested = (
        b'<testsuites><testsuite name="a"><testsuite name="b"><testcase name="t1"/></testsuite></testsuite>'
        b"</testsuites>"
    )
    single = b'<testsuite name="a"><testcase name="t2"/></testsuite>'
    assert verdicts(nested) == [("junit", "t1", True)]
    assert verdicts(single) == [("junit", "t2", True)]


def test_the_format_is_detected_from_the_content_and_a_wrong_one_given_is_refused():
    assert report_read(data=b"\xef\xbb\xbf  " + junit(case("t"))).tools == {"junit"}
    with pytest.raises(ReportError, match="not JUnit XML, the format given"):
        report_read(data=sarif(run()), expected=ReportFormat.JUNIT)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "The file is empty."),
        (b"hello", "neither SARIF (a JSON object) nor JUnit XML"),
        (b'{"version": "2.1.0", "runs": [', "line 1, column 31: not valid JSON"),
        (json.dumps({"version": "2.0.0", "runs": []}).encode(), "version: this is SARIF '2.0.0'"),
        (json.dumps({"version": "2.1.0"}).encode(), "runs: required but missing."),
        (json.dumps({"version": "2.1.0", "runs": []}).encode(), "the report has no run"),
        (sarif({"tool": {"driver": {}}}), "runs[0].tool.driver.name: the tool's name is missing."),
        (sarif(run(results=[{"level": "error"}])), "runs[0].results[0]: the result names no rule"),
        (sarif(run(results=[result("x", "fatal")])), "runs[0].results[0].level: 'fatal' is not a SARIF level"),
        (sarif(run(results=[result("x", kind="maybe")])), "runs[0].results[0].kind: 'maybe' is not a SARIF result"),
        (b"<testsuites><testcase name='a'></testsuites>", "line 1, column 34: not well-formed XML (mismatched tag)"),
        (b"<report/>", "report: the root element of a JUnit report is testsuites or testsuite."),
        (b"<testsuite><testcase/></testsuite>", "testsuite/testcase[1]: a test case needs a name."),
        (b'{"version": "\xff"}', "byte 14: the file is not UTF-8 text."),
    ],
)
def test_a_report_that_cannot_be_read_says_what_is_wrong_and_where(data, words):
    with pytest.raises(ReportError) as refused:
        report_read(data=data)
    assert words in str(refused.value)


def test_xml_declaring_entities_is_refused_before_anything_expands():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        b'<testsuite><testcase name="&b;"/></testsuite>'
    )
    with pytest.raises(ReportError, match="declares a DTD or entities"):
        report_read(data=bomb)


def test_names_and_messages_are_made_storable_nul_and_lone_surrogates_dropped_or_replaced_and_cut():
    document = run("check\u0000ov", [result("CKV_\u0000AWS_1\ud800", "error", text="x" * 5000)])
    document["tool"]["driver"]["name"] = "t" * 300
    (found,) = report_read(data=sarif(document)).results
    assert (found.tool, found.check, len(found.message)) == ("t" * 100, "CKV_AWS_1?", 1000)
