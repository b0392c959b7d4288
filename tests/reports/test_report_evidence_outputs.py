"""Evidence in what people take away: the PDF (read back with pdftotext), the CSV and JSON exports and the report
page; the people outside the team still get nothing."""

import csv
import io
import json
import shutil
import subprocess

import pytest
from django.urls import reverse

from tests.conftest import need_service
from tests.reports.evidence_helpers import MAX_AGE_DAYS, backed, days_ago
from tests.reports.test_report_exports import HEADER
from wareview.evidence.models import Evidence
from wareview.milestones.services import milestone_save
from wareview.reports.rendering import pdf_from_html, report_html
from wareview.reports.selectors import report_data
from wareview.reviews.models import Answer

pytestmark = pytest.mark.django_db

OLD_COLUMNS = HEADER[: HEADER.index("practices_not_applicable") + 1]


def test_the_pdf_shows_each_practices_evidence_and_ends_with_the_evidence_to_refresh_oldest_first(
    review, owner, tmp_path
):
    need_service(bool(shutil.which("pdftotext")), "pdftotext (poppler-utils) is not installed")
    backed(review)
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(pdf_from_html(report_html(data=report_data(review=review))))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    words = " ".join(text.split())  # layout breaks lines where it likes

    summary = words[words.index("Executive summary") : words.index("Design principles")]
    assert "Evidence behind the answers" in summary
    assert "2 of 4 ticked practices verified, 1 with evidence expired" in summary
    assert "1 of 1 ticked practice verified" in summary  # the first focus area
    assert f"at most {MAX_AGE_DAYS} days old" in summary

    answers = words[words.index("Answers by focus area") : words.index("Appendix: all questions")]
    assert "⚠ Evidence expired" in answers and "Not verified" in answers and "Verified" in answers
    assert "Load-test runbook: https://wiki.example.com/q_02/a" in answers
    assert f"verified on {days_ago(10).isoformat()}, added by {owner.username}" in answers
    assert "Alert rules: file alerts.json" in answers
    assert "Removed diagram" not in words

    last = words[words.rindex("Evidence to refresh") :]
    assert "Appendix: all questions" not in last  # the last section
    oldest, newer = last.index("Old capacity sheet"), last.index("Capacity plan 2024")
    assert oldest < newer
    assert days_ago(500).isoformat() in last and "500 days" in last and "400 days" in last


def test_the_pdf_of_a_review_whose_evidence_is_all_fresh_says_nothing_has_expired(review, tmp_path):
    need_service(bool(shutil.which("pdftotext")), "pdftotext (poppler-utils) is not installed")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(pdf_from_html(report_html(data=report_data(review=review))))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "0 of 4 ticked practices verified" in text
    assert "No evidence has expired." in text[text.rindex("Evidence to refresh") :]


def csv_rows(response) -> tuple[list[str], list[dict]]:
    text = response.content.decode("utf-8-sig")
    return next(csv.reader(io.StringIO(text))), list(csv.DictReader(io.StringIO(text)))


def test_the_csv_keeps_its_columns_and_adds_each_questions_evidence_after_them(client, viewer, review, owner):
    backed(review)
    client.force_login(viewer)
    header, rows = csv_rows(client.get(reverse("reports:export_csv", args=[review.pk])))
    assert header[: len(OLD_COLUMNS)] == OLD_COLUMNS
    assert header[len(OLD_COLUMNS) :] == ["verified_practices", "expired_practices", "unverified_practices", "evidence"]
    q03 = rows[2]
    assert q03["selected_practices"] == "Q_03 practice a; Q_03 practice b; Q_03 practice c"  # as before
    assert (q03["verified_practices"], q03["expired_practices"], q03["unverified_practices"]) == (
        "Q_03 practice c",
        "Q_03 practice a",
        "Q_03 practice b",
    )
    by = f"by {owner.username}"
    assert q03["evidence"].split("; ") == [
        f"Q_03 practice a: Capacity plan 2024 (https://wiki.example.com/q_03/a), verified {days_ago(400)} {by}",
        f"Q_03 practice a: Old capacity sheet (capacity.csv), verified {days_ago(500)} {by}",
        f"Q_03 practice c: Alert rules (alerts.json), verified {days_ago(30)} {by}",
    ]
    assert rows[0]["evidence"] == "" and rows[0]["unverified_practices"] == ""  # "None of these" ticks nothing


def test_the_json_gives_each_ticked_practices_state_and_items_the_counts_and_what_to_refresh(
    client, viewer, review, owner
):
    backed(review)
    client.force_login(viewer)
    body = json.loads(client.get(reverse("reports:export_json", args=[review.pk])).content)
    assert body["review"]["evidence"] == {
        "max_age_days": MAX_AGE_DAYS,
        "ticked_practices": 4,
        "verified": 2,
        "expired": 1,
        "not_verified": 1,
        "by_focus_area": [
            {
                "focus_area": body["questions"][0]["focus_area"],
                "ticked_practices": 1,
                "verified": 1,
                "expired": 0,
                "not_verified": 0,
            },
            {
                "focus_area": body["questions"][2]["focus_area"],
                "ticked_practices": 3,
                "verified": 1,
                "expired": 1,
                "not_verified": 1,
            },
        ],
    }
    q03 = body["questions"][2]
    assert q03["selected_practices"] == ["Q_03 practice a", "Q_03 practice b", "Q_03 practice c"]
    assert [(item["practice_code"], item["state"], item["state_label"]) for item in q03["evidence"]] == [
        ("q_03_a", "expired", "Evidence expired"),
        ("q_03_b", "not_verified", "Not verified"),
        ("q_03_c", "verified", "Verified"),
    ]
    assert q03["evidence"][2]["items"] == [
        {
            "title": "Alert rules",
            "kind": "file",
            "url": "",
            "file_name": "alerts.json",
            "verified_on": days_ago(30).isoformat(),
            "added_by": owner.username,
        }
    ]
    assert q03["expired_practices"] == ["Q_03 practice a"]
    assert [
        (item["title"], item["question_code"], item["practice_code"], item["age_days"])
        for item in body["evidence_to_refresh"]
    ] == [
        ("Old capacity sheet", "Q_03", "q_03_a", 500),
        ("Capacity plan 2024", "Q_03", "q_03_a", 400),
    ]


def test_a_milestones_exports_say_it_keeps_no_evidence(client, owner, review):
    backed(review)
    milestone = milestone_save(review=review, name="Baseline", user=owner)
    client.force_login(owner)
    body = json.loads(client.get(reverse("reports:milestone_export_json", args=[milestone.pk])).content)
    assert body["review"]["evidence"] is None and body["evidence_to_refresh"] == []
    assert all(question["evidence"] == [] for question in body["questions"])
    header, rows = csv_rows(client.get(reverse("reports:milestone_export_csv", args=[milestone.pk])))
    assert header == HEADER and all(row["evidence"] == "" for row in rows)


def test_the_report_page_shows_the_evidence_to_every_member(client, viewer, review):
    backed(review)
    client.force_login(viewer)
    body = client.get(reverse("reports:page", args=[review.pk])).content.decode()
    assert "2 of 4 ticked practices verified, 1 with evidence expired" in body
    assert '<a href="#refresh">Evidence to refresh</a>' in body
    assert 'href="https://wiki.example.com/q_02/a" rel="noopener noreferrer"' in body


def test_a_check_a_tool_passed_is_named_by_its_tool_and_check_not_an_empty_link(client, viewer, review):
    answer = Answer.objects.get(review=review, question__code="Q_02")
    Evidence.objects.create(
        answer=answer,
        practice="q_02_a",
        kind=Evidence.Kind.CHECK,
        title="checkov: CKV_AWS_50 passed",
        source_tool="checkov",
        source_check="CKV_AWS_50",
        verified_on=days_ago(1),
    )
    client.force_login(viewer)
    body = client.get(reverse("reports:page", args=[review.pk])).content.decode()
    assert "checkov: CKV_AWS_50 passed: checkov check CKV_AWS_50" in body
    assert 'href=""' not in body


@pytest.mark.parametrize("name", ["reports:page", "reports:export_csv", "reports:export_json", "reviews:overview"])
def test_someone_outside_the_team_gets_404_and_no_evidence(client, outsider, review, name):
    backed(review)
    client.force_login(outsider)
    response = client.get(reverse(name, args=[review.pk]))
    assert response.status_code == 404
    assert b"Capacity plan" not in response.content and b"ticked practices" not in response.content
