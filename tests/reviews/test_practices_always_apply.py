"""Rules that cannot be waived silently: a practice that always applies cannot be marked "does not apply", and the
reason "Not in this workload's profile" is the profile's, never a person's."""

import html

import pytest
from django.urls import reverse

from tests.factories import build_lens
from wareview.lenses.models import Choice, Lens
from wareview.lenses.selectors import question_sheet
from wareview.lenses.services import lens_publish
from wareview.reviews.forms import AnswerForm, profile_marked_codes
from wareview.reviews.models import Answer, AnswerRisk, Review
from wareview.reviews.services import review_start

pytestmark = pytest.mark.django_db

TARGETS = "Performance targets are agreed"
ALWAYS = f"“{TARGETS}” always applies: it cannot be marked “does not apply”."
PROFILE_ONLY = "“Not in this workload's profile” is given by the workload profile only"


@pytest.fixture
def review(cast) -> Review:
    """A review of the cast's workload on a lens whose Q_01 practice b always applies."""
    lens = build_lens(status=Lens.Status.DRAFT)
    Choice.objects.filter(question__pillar__lens=lens, code="q_01_b").update(always_applies=True, title=TARGETS)
    return review_start(workload=cast.workload, lens=lens_publish(lens=lens), user=cast.owner)


def answer_of(review: Review) -> Answer:
    return Answer.objects.get(review=review, question__code="Q_01")


def question_url(review: Review) -> str:
    return reverse("reviews:question", args=[review.pk, "Q_01"])


def marking(code: str, reason: str = "out_of_scope", **fields: object) -> dict:
    return {
        "version": "0",
        "reason": "",
        "notes": "",
        "selected": ["q_01_a"],
        "practice_not_applicable": [code],
        f"practice_reason-{code}": reason,
        f"practice_note-{code}": "We think not.",
        **fields,
    }


def form_for(review: Review, data: dict, profile_marked: frozenset[str] = frozenset()) -> AnswerForm:
    return AnswerForm(data, sheet=question_sheet(answer_of(review).question_id), profile_marked=profile_marked)


def test_the_form_refuses_marking_a_practice_that_always_applies(review):
    form = form_for(review, marking("q_01_b"))

    assert not form.is_valid()
    assert form.first_error() == ALWAYS


def test_the_form_still_lets_another_practice_be_marked(review):
    form = form_for(review, marking("q_01_c"))

    assert form.is_valid(), form.errors


def test_the_question_page_refuses_the_mark_with_words_and_changes_nothing(client, cast, review):
    client.force_login(cast.contributor)

    response = client.post(question_url(review), marking("q_01_b"))

    assert response.status_code == 400
    assert ALWAYS in response.content.decode()
    answer = answer_of(review)
    assert (answer.version, answer.practices_not_applicable, answer.risk) == (0, {}, AnswerRisk.UNANSWERED)


def test_an_htmx_save_is_refused_with_the_words_in_the_status_fragment(client, cast, review):
    client.force_login(cast.contributor)

    response = client.post(question_url(review), marking("q_01_b"), headers={"HX-Request": "true"})

    assert response.status_code == 400
    body = response.content.decode()
    assert ALWAYS in body
    assert "<html" not in body
    assert answer_of(review).version == 0


def test_the_question_page_offers_no_does_not_apply_control_for_a_practice_that_always_applies(client, cast, review):
    client.force_login(cast.viewer)

    body = client.get(question_url(review)).content.decode()

    assert 'id="practice-na-q_01_b"' not in body
    assert 'name="practice_reason-q_01_b"' not in body
    assert "Always applies: it cannot be marked “does not apply”." in body
    assert 'id="practice-na-q_01_a"' in body
    assert 'id="practice-na-q_01_c"' in body


def test_a_viewer_is_refused_before_the_form_is_read(client, cast, review):
    client.force_login(cast.viewer)

    assert client.post(question_url(review), marking("q_01_b")).status_code == 403
    assert answer_of(review).version == 0


# The profile's reason


def test_a_person_cannot_give_the_profile_s_reason_to_a_practice(review):
    form = form_for(review, marking("q_01_c", reason="profile"))

    assert not form.is_valid()
    assert form.first_error() == (f"{PROFILE_ONLY}; choose another reason why “Q_01 practice c” does not apply.")


def test_a_person_cannot_give_the_profile_s_reason_to_the_question(review):
    form = form_for(review, {"version": "0", "notes": "", "not_applicable": "on", "reason": "profile"})

    assert not form.is_valid()
    assert form.first_error() == f"{PROFILE_ONLY}; choose another reason why the question does not apply."


def test_a_mark_the_profile_set_may_be_sent_back_as_it_is(review):
    form = form_for(review, marking("q_01_c", reason="profile"), profile_marked=frozenset({"q_01_c"}))

    assert form.is_valid(), form.errors
    assert form.state().practices_not_applicable == {"q_01_c": {"reason": "profile", "note": "We think not."}}


def test_the_page_refuses_the_profile_s_reason_but_keeps_a_mark_the_profile_set(client, cast, review):
    answer = answer_of(review)
    Answer.objects.filter(pk=answer.pk).update(
        practices_not_applicable={"q_01_c": {"reason": "profile", "note": "No cache"}}
    )
    client.force_login(cast.contributor)

    refused = client.post(question_url(review), marking("q_01_a", reason="profile", selected=[]))
    assert refused.status_code == 400
    assert f"{PROFILE_ONLY}; choose another reason why “Q_01 practice a” does not apply." in html.unescape(
        refused.content.decode()
    )
    assert answer_of(review).version == 0

    kept = marking("q_01_c", reason="profile", **{"practice_note-q_01_c": "No cache"})
    assert client.post(question_url(review), kept).status_code == 302
    saved = answer_of(review)
    assert saved.version == 1
    assert saved.practices_not_applicable == {"q_01_c": {"reason": "profile", "note": "No cache"}}


def test_profile_marked_codes_are_the_marks_with_the_profile_s_reason():
    marks = {"a": {"reason": "profile", "note": ""}, "b": {"reason": "other", "note": "x"}, "c": {}}

    assert profile_marked_codes(marks) == frozenset({"a"})


def test_the_page_offers_the_profile_s_reason_only_on_a_mark_the_profile_set(client, cast, review):
    answer = answer_of(review)
    Answer.objects.filter(pk=answer.pk).update(
        practices_not_applicable={
            "q_01_c": {"reason": "profile", "note": "No cache"},
            "q_01_a": {"reason": "other", "note": "Later."},
        }
    )
    client.force_login(cast.contributor)

    body = client.get(question_url(review)).content.decode()

    def select(name: str) -> str:
        start = body.index(f'<select name="{name}"')
        return body[start : body.index("</select>", start)]

    assert '<option value="profile" selected>' in select("practice_reason-q_01_c")
    assert 'value="profile"' not in select("practice_reason-q_01_a")
    assert 'value="profile"' not in select("reason")
    assert 'value="out_of_scope"' in select("reason")
