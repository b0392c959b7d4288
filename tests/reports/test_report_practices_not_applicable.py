"""Best practices marked "does not apply" in the report and the exports: listed apart, never missing nor
recommended."""

import csv
import io
import json

import pytest
from django.urls import reverse

from wareview.reports.data import Practice, PracticeNotApplicable, QuestionFacts, principle_support
from wareview.reports.recommendations import recommendations_prioritize
from wareview.reports.rendering import report_html
from wareview.reports.selectors import report_data
from wareview.reviews.models import Answer, AnswerRisk
from wareview.reviews.services import AnswerState, answer_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def marked(review) -> Answer:
    """Q_02 follows practice a; practice c does not apply (b is still missing: medium risk)."""
    current = Answer.objects.get(review=review, question__code="Q_02")
    data = AnswerState(
        selected=["q_02_a"],
        notes="Only the first practice so far.",
        practices_not_applicable={"q_02_c": {"reason": "business_priorities", "note": "No mobile client."}},
    )
    return answer_save(answer=current, user=review.created_by, data=data, expected_version=current.version)


def facts(data, code="Q_02") -> QuestionFacts:
    return next(question for question in data.questions if question.code == code)


def test_a_practice_that_does_not_apply_is_listed_apart_and_never_missing(review, marked):
    assert marked.risk == AnswerRisk.MEDIUM
    question = facts(report_data(review=review))
    assert [item.label for item in question.practices_not_applicable] == [
        "Q_02 practice c — Business priorities: No mobile client."
    ]
    assert [practice.code for practice in question.missing] == ["q_02_b"]


def test_the_practices_followed_count_leaves_out_a_practice_that_does_not_apply(review, marked):
    question = facts(report_data(review=review))
    assert (len(question.followed), question.practice_total) == (1, 2)  # a of a and b; c does not apply


def test_a_practice_that_does_not_apply_is_never_recommended(review, marked):
    recommended = [(item.question.code, item.practice.code) for item in report_data(review=review).recommendations]
    assert ("Q_02", "q_02_b") in recommended
    assert ("Q_02", "q_02_c") not in recommended


def test_the_report_shows_the_practice_under_does_not_apply_with_its_reason(review, marked):
    html = report_html(data=report_data(review=review))
    assert "<li>Does not apply: Q_02 practice c — Business priorities (No mobile client.)</li>" in html


def test_the_csv_and_json_exports_carry_the_practices_that_do_not_apply(client, owner, review, marked):
    client.force_login(owner)
    response = client.get(reverse("reports:export_csv", args=[review.pk]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1]["practices_not_applicable"] == "Q_02 practice c — Business priorities: No mobile client."
    assert rows[1]["missing_practices"] == "Q_02 practice b"
    document = json.loads(client.get(reverse("reports:export_json", args=[review.pk])).content)
    q02 = document["questions"][1]
    assert q02["practices_not_applicable"] == ["Q_02 practice c — Business priorities: No mobile client."]
    assert "q_02_c" not in [item["practice_code"] for item in document["recommendations"]]


def test_a_practice_that_does_not_apply_leaves_the_principles_it_supports_out_of_the_count():
    a = Practice(code="a", title="A", principles=frozenset({"p"}))
    b = Practice(code="b", title="B", order=1, principles=frozenset({"p"}))
    question = QuestionFacts(
        code="Q",
        title="Q",
        risk="NO_RISK",
        practices=(a, b),
        selected=frozenset({"a"}),
        practices_not_applicable=(PracticeNotApplicable(practice=b, reason="Other"),),
    )
    [support] = principle_support(principles=[("p", "P", "")], questions=[question])
    assert (support.followed, support.total) == (1, 1)
    assert recommendations_prioritize(questions=[question]) == []
