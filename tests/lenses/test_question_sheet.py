"""question_sheet: a published lens's sheet stays in memory; a draft's is read afresh, whoever changed it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import build_lens
from wareview.lenses.models import Choice, Lens, Question, RiskRule
from wareview.lenses.selectors import question_sheet
from wareview.lenses.services import lens_publish

pytestmark = pytest.mark.django_db


def first_question(lens: Lens) -> Question:
    return Question.objects.filter(pillar__lens=lens).order_by("order").first()


def test_a_draft_question_changed_by_another_process_is_seen_at_once():
    question = first_question(build_lens(status=Lens.Status.DRAFT))
    question_sheet(question.pk)

    # Another process's writes send no signal here: a queryset update sends none either.
    Choice.objects.filter(question=question, code="q_01_a").update(title="Renamed elsewhere")
    RiskRule.objects.filter(question=question, order=3).update(risk="MEDIUM_RISK")

    sheet = question_sheet(question.pk)
    assert "Renamed elsewhere" in [choice.title for choice in sheet.choices]
    assert sheet.rules[-1] == ("default", "MEDIUM_RISK")


def test_a_published_question_is_read_once_and_then_kept_in_memory():
    question = first_question(build_lens())

    with CaptureQueriesContext(connection) as first_read:
        first = question_sheet(question.pk)
    with CaptureQueriesContext(connection) as second_read:
        second = question_sheet(question.pk)

    assert len(first_read) == 3  # the question, its choices, its rules
    assert len(second_read) == 0
    assert second is first
    assert first.codes == ["q_01_a", "q_01_b", "q_01_c", "q_01_no"]
    assert first.question == question


def test_a_draft_read_before_publishing_is_kept_once_published():
    draft = build_lens(status=Lens.Status.DRAFT)
    question = first_question(draft)
    question_sheet(question.pk)
    lens_publish(lens=draft)

    question_sheet(question.pk)
    with CaptureQueriesContext(connection) as read:
        question_sheet(question.pk)

    assert len(read) == 0


def test_a_published_question_without_rules_is_kept_too():
    draft = build_lens(status=Lens.Status.DRAFT)
    question = first_question(draft)
    RiskRule.objects.filter(question=question).delete()
    lens_publish(lens=draft)

    assert question_sheet(question.pk).rules == ()
    with CaptureQueriesContext(connection) as read:
        question_sheet(question.pk)

    assert len(read) == 0
