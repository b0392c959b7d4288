"""What a user submits for a review goes through a form: a clear message for every bad input, nothing changed."""

import pytest
from django.urls import reverse

from wareview.lenses.selectors import question_sheet
from wareview.reviews.forms import AnswerForm
from wareview.reviews.models import Answer, Review

pytestmark = pytest.mark.django_db


def start(client, cast, data):
    return client.post(reverse("reviews:start", args=[cast.workload.pk]), data)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"lens": "abc"}, "That question set does not exist or is not published; choose one from the list."),
        ({"lens": "999999"}, "That question set does not exist or is not published; choose one from the list."),
        ({}, "Choose the question set to review against."),
    ],
)
def test_starting_a_review_with_a_bad_lens_gets_a_400_with_a_message(client, cast, data, message):
    client.force_login(cast.owner)
    response = start(client, cast, data)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert f'href="{reverse("workloads:detail", args=[cast.workload.pk])}"' in body
    assert Review.objects.filter(workload=cast.workload).count() == 1


def test_a_viewer_cannot_start_a_review_even_with_a_bad_lens(client, cast):
    client.force_login(cast.viewer)
    assert start(client, cast, {"lens": "abc"}).status_code == 403


def test_an_outsider_cannot_start_a_review(client, cast):
    client.force_login(cast.outsider)
    assert start(client, cast, {"lens": cast.lens.pk}).status_code == 404


def answer_form(cast, **data) -> AnswerForm:
    answer = Answer.objects.get(review=cast.review, question__code="Q_01")
    return AnswerForm({"version": "0", "reason": "", "notes": "", **data}, sheet=question_sheet(answer.question_id))


def test_the_answer_form_keeps_practices_in_the_question_order_and_drops_a_reason_that_does_not_apply(cast):
    form = answer_form(cast, selected=["q_01_c", "q_01_a"], reason="other")
    assert form.is_valid(), form.errors
    state = form.state()
    assert (state.selected, state.not_applicable, state.reason) == (("q_01_a", "q_01_c"), False, "")


def test_notes_count_a_line_break_as_one_character(cast):
    form = answer_form(cast, notes="x\r\n" * 666 + "xy")  # 2000 characters once CRLF is one
    assert form.is_valid(), form.errors
    assert form.state().notes == "x\n" * 666 + "xy"


def test_a_nul_character_in_the_notes_is_refused_with_words(cast):
    form = answer_form(cast, notes="before\x00after")
    assert not form.is_valid()
    assert form.first_error() == "Text cannot contain a NUL character."


def test_a_negative_version_is_refused_as_a_missing_version(cast):
    form = answer_form(cast, version="-1")
    assert not form.is_valid()
    assert form.first_error() == "The form is missing the answer's version; reload the page."
