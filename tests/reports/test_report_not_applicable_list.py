"""The report's "Not applicable — check these": every question and best practice marked "does not apply", with its
question, its reason and its note, after the recommendations, on the page, in the PDF and in the JSON."""

import html
import json
from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import build_lens
from tests.reports.helpers import answer, start_review
from wareview.reports.data import AreaSection, Practice, PracticeNotApplicable, QuestionFacts, ReportData
from wareview.reports.rendering import report_html
from wareview.reports.selectors import report_data
from wareview.reviews.models import Answer, Review
from wareview.reviews.services import AnswerState, answer_save

pytestmark = pytest.mark.django_db

TITLE = "Not applicable — check these"
# The note the workload profile writes: its reason, then the answers that ruled the practice out.
PROFILE_NOTE = "Not in this workload's profile: Does the workload keep a cache? — No"
NO_CACHE = "Does the workload keep a cache? — No"


def mark(review: Review, code: str, marks: dict, *letters: str) -> Answer:
    current = Answer.objects.get(review=review, question__code=code)
    data = AnswerState(selected=[f"{code.lower()}_{letter}" for letter in letters], practices_not_applicable=marks)
    return answer_save(answer=current, user=review.created_by, data=data, expected_version=current.version)


@pytest.fixture
def marked(review) -> Review:
    """The reports' review (Q_04 not applicable: out of scope, "Batch jobs only."), with Q_02's practice c marked by
    a person and Q_03's practice b by the workload profile."""
    mark(review, "Q_02", {"q_02_c": {"reason": "business_priorities", "note": "No mobile client."}}, "a")
    Answer.objects.filter(review=review, question__code="Q_03").update(
        selected=["q_03_a", "q_03_c"], practices_not_applicable={"q_03_b": {"reason": "profile", "note": PROFILE_NOTE}}
    )
    return review


def rows(data: ReportData) -> list[tuple[str, str, str, str, bool]]:
    return [
        (item.question.code, item.practice.code if item.practice else "", item.reason, item.note, item.by_profile)
        for item in data.not_applicable
    ]


def test_the_report_lists_every_question_and_practice_marked_in_lens_order_with_reason_and_note(marked):
    assert rows(report_data(review=marked)) == [
        ("Q_02", "q_02_c", "Business priorities", "No mobile client.", False),
        ("Q_03", "q_03_b", "Not in this workload's profile", NO_CACHE, True),  # not the reason twice
        ("Q_04", "", "Out of scope", "Batch jobs only.", False),
    ]


def test_a_question_comes_before_its_own_practices():
    practice = Practice(code="p", title="P")
    question = QuestionFacts(
        code="Q",
        title="Q?",
        risk="NOT_APPLICABLE",
        practices=(practice,),
        not_applicable_reason="Other",
        notes="Gone.",
        practices_not_applicable=(PracticeNotApplicable(practice=practice, reason="Other"),),
    )
    data = report_data_of([question])

    assert [(item.practice, item.reason, item.note) for item in data.not_applicable] == [
        (None, "Other", "Gone."),
        (practice, "Other", ""),
    ]


def report_data_of(questions: list[QuestionFacts]) -> ReportData:
    return ReportData(
        review_id=1,
        workload_name="W",
        team_name="T",
        lens_name="L",
        lens_version=1,
        review_owner="",
        generated_at=datetime(2026, 1, 1),
        areas=[AreaSection(name="A", questions=questions)],
        principles=[],
        recommendations=[],
    )


def test_the_report_page_shows_the_section_after_the_recommendations(client, viewer, marked):
    client.force_login(viewer)

    body = html.unescape(client.get(reverse("reports:page", args=[marked.pk])).content.decode())

    assert body.index("Prioritized recommendations") < body.index(TITLE) < body.index("Answers by focus area")
    section = body[body.index(TITLE) : body.index("Answers by focus area")]
    assert "<td>Q_02 practice c</td>" in section
    assert "<td>Business priorities</td>" in section
    assert "<td>No mobile client.</td>" in section
    assert "<td>Not in this workload's profile</td>" in section
    assert f"<td>{NO_CACHE}</td>" in section
    assert "<em>The whole question</em>" in section
    assert "<td>Batch jobs only.</td>" in section
    assert 'href="#not-applicable"' in body


def test_an_outsider_gets_404_and_never_the_list(client, outsider, marked):
    client.force_login(outsider)

    response = client.get(reverse("reports:page", args=[marked.pk]))

    assert response.status_code == 404
    assert "No mobile client." not in response.content.decode()


def test_the_pdf_shows_the_section_after_the_recommendations(marked):
    document = html.unescape(report_html(data=report_data(review=marked)))

    assert document.index("Prioritized recommendations") < document.index(TITLE) < document.index("Answers by focus")
    assert "<td>Not in this workload's profile</td>" in document


def test_a_review_with_nothing_marked_says_so(team, owner):
    review = start_review(team=team, user=owner, name="Everything applies")
    answer(review, "Q_01", "a", "b")

    document = html.unescape(report_html(data=report_data(review=review)))

    assert "Nothing is marked “does not apply”: every question and best practice applies." in document


def test_the_json_export_lists_them(client, owner, marked):
    client.force_login(owner)

    document = json.loads(client.get(reverse("reports:export_json", args=[marked.pk])).content)

    assert document["not_applicable"] == [
        {
            "question_code": "Q_02",
            "question_title": Answer.objects.get(review=marked, question__code="Q_02").question.title,
            "practice_code": "q_02_c",
            "practice_title": "Q_02 practice c",
            "reason": "Business priorities",
            "note": "No mobile client.",
            "by_profile": False,
        },
        {
            "question_code": "Q_03",
            "question_title": Answer.objects.get(review=marked, question__code="Q_03").question.title,
            "practice_code": "q_03_b",
            "practice_title": "Q_03 practice b",
            "reason": "Not in this workload's profile",
            "note": NO_CACHE,
            "by_profile": True,
        },
        {
            "question_code": "Q_04",
            "question_title": Answer.objects.get(review=marked, question__code="Q_04").question.title,
            "practice_code": "",
            "practice_title": "",
            "reason": "Out of scope",
            "note": "Batch jobs only.",
            "by_profile": False,
        },
    ]


def test_the_report_page_takes_as_many_queries_with_every_practice_marked_as_with_none(client, team, owner):
    lens = build_lens(questions_per_area=3)
    plain = start_review(team=team, user=owner, lens=lens, name="Plain")
    waived = start_review(team=team, user=owner, lens=build_lens(questions_per_area=3), name="Waived")
    for question in waived.lens.pillars.get().questions.all():
        code = question.code.lower()
        marks = {f"{code}_{letter}": {"reason": "other", "note": f"Not {letter}."} for letter in "bc"}
        mark(waived, question.code, marks, "a")
    client.force_login(owner)

    def queries(review: Review) -> int:
        with CaptureQueriesContext(connection) as context:
            response = client.get(reverse("reports:page", args=[review.pk]))
        assert response.status_code == 200
        return len(context.captured_queries)

    assert len(report_data(review=waived).not_applicable) == 12
    queries(plain)  # the first request of a session may fill caches
    assert queries(plain) == queries(waived)
