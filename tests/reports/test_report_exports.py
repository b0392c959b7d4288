"""CSV and JSON exports of a review."""

import csv
import io
import json

import pytest
from django.urls import reverse

from tests.reports.helpers import answer

pytestmark = pytest.mark.django_db

HEADER = [
    "focus_area",
    "question_code",
    "question_title",
    "risk",
    "selected_practices",
    "missing_practices",
    "notes",
    "not_applicable_reason",
    "practices_not_applicable",
    # Added after the columns above, which keep their names and places.
    "verified_practices",
    "expired_practices",
    "unverified_practices",
    "evidence",
]


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_has_a_header_and_one_row_per_question(client, owner, review):
    client.force_login(owner)
    response = client.get(reverse("reports:export_csv", args=[review.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="wareview-checkout-service-review-{review.pk}.csv"'
    assert next(csv.reader(io.StringIO(response.content.decode("utf-8-sig")))) == HEADER
    rows = csv_rows(response)
    assert [row["question_code"] for row in rows] == ["Q_01", "Q_02", "Q_03", "Q_04"]
    q02 = rows[1]
    assert (q02["risk"], q02["selected_practices"]) == ("MEDIUM_RISK", "Q_02 practice a")
    assert q02["missing_practices"] == "Q_02 practice b; Q_02 practice c"
    assert q02["notes"] == "Only the first practice so far."
    assert rows[3]["not_applicable_reason"] == "Out of scope"


def test_a_csv_cell_that_a_spreadsheet_would_run_as_a_formula_stays_text(client, owner, review):
    answer(review, "Q_03", "a", "b", "c", notes='=HYPERLINK("http://evil.test")')
    client.force_login(owner)
    rows = csv_rows(client.get(reverse("reports:export_csv", args=[review.pk])))
    assert rows[2]["notes"] == '\'=HYPERLINK("http://evil.test")'


@pytest.mark.parametrize("notes", [" =1+2", "\n=1+2", 'Later; =HYPERLINK("http://evil.test")'])
def test_a_formula_after_spaces_a_line_break_or_a_semicolon_never_starts_a_cell(client, owner, review, notes):
    answer(review, "Q_03", "a", "b", "c", notes=notes)
    client.force_login(owner)
    text = client.get(reverse("reports:export_csv", args=[review.pk])).content.decode("utf-8-sig")
    for delimiter in (",", ";"):  # also as a spreadsheet set to split on semicolons reads it
        cells = [cell for row in csv.reader(io.StringIO(text), delimiter=delimiter) for cell in row]
        assert not [cell for cell in cells if cell.lstrip(' \n"').startswith(("=", "+", "@"))], delimiter


def test_the_json_has_the_review_its_questions_and_the_recommendations_in_order(client, owner, review):
    client.force_login(owner)
    response = client.get(reverse("reports:export_json", args=[review.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    document = json.loads(response.content)
    assert set(document) == {"review", "questions", "recommendations", "evidence_to_refresh", "not_applicable"}
    assert document["review"]["workload"] == "Checkout service"
    assert document["review"]["risk_counts"] == {"HIGH_RISK": 1, "MEDIUM_RISK": 1, "NO_RISK": 1, "NOT_APPLICABLE": 1}
    assert document["questions"][1]["missing_practices"] == ["Q_02 practice b", "Q_02 practice c"]
    recommended = [(item["position"], item["practice_code"]) for item in document["recommendations"]]
    assert recommended == [(1, "q_01_a"), (2, "q_01_b"), (3, "q_01_c"), (4, "q_02_b"), (5, "q_02_c")]
    assert document["recommendations"][0]["improvement_url"] == "https://example.com/guide"
    assert (document["recommendations"][0]["effort"], document["recommendations"][0]["impact"]) == ("", "")
