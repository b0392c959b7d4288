"""A best practice marked "does not apply", with a reason and a note: the form's checks, the risk rule, history and
the question page."""

import pytest
from django.urls import reverse

from wareview.lenses.risk import HIGH_RISK, MEDIUM_RISK, NO_RISK
from wareview.reviews.models import Answer, AnswerChange, AnswerRisk
from wareview.reviews.services import risk_for

pytestmark = pytest.mark.django_db

RULES = [("q_no || !q_a", HIGH_RISK), ("!q_b", MEDIUM_RISK), ("default", NO_RISK)]


def question_url(review, code="Q_01") -> str:
    return reverse("reviews:question", args=[review.pk, code])


def answer_of(review, code="Q_01") -> Answer:
    return Answer.objects.get(review=review, question__code=code)


def save(client, review, htmx=False, **fields):
    data = {"version": answer_of(review).version, "reason": "", "notes": "", **fields}
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(question_url(review), data, headers=headers)


def mark_b(client, review, htmx=False, **fields):
    """Follow practice a and mark practice b as not applying."""
    data = {
        "selected": ["q_01_a"],
        "practice_not_applicable": ["q_01_b"],
        "practice_reason-q_01_b": "architecture_constraints",
        "practice_note-q_01_b": "No second region in this country.",
    }
    return save(client, review, htmx=htmx, **(data | fields))


def test_a_practice_that_does_not_apply_counts_as_followed_by_the_rules():
    assert risk_for(rules=RULES, selected=["q_a"], not_applicable=False) == MEDIUM_RISK
    assert risk_for(rules=RULES, selected=["q_a"], not_applicable=False, practices_not_applicable=["q_b"]) == NO_RISK
    assert risk_for(rules=RULES, selected=[], not_applicable=False, practices_not_applicable=["q_a"]) == MEDIUM_RISK


def test_nothing_ticked_and_nothing_marked_is_unanswered_and_a_question_that_does_not_apply_stays_so():
    assert risk_for(rules=RULES, selected=[], not_applicable=False) == AnswerRisk.UNANSWERED
    marked = risk_for(rules=RULES, selected=["q_a"], not_applicable=True, practices_not_applicable=["q_b"])
    assert marked == AnswerRisk.NOT_APPLICABLE


def test_marking_a_required_practice_as_not_applying_stores_it_and_lowers_the_risk(client, cast):
    client.force_login(cast.contributor)
    save(client, cast.review, selected=["q_01_a"])
    assert answer_of(cast.review).risk == AnswerRisk.MEDIUM
    response = mark_b(client, cast.review)
    assert response.status_code == 302
    answer = answer_of(cast.review)
    assert answer.risk == AnswerRisk.NONE
    assert answer.selected == ["q_01_a"]
    assert answer.practices_not_applicable == {
        "q_01_b": {"reason": "architecture_constraints", "note": "No second region in this country."}
    }


def test_unmarking_the_practice_brings_the_risk_back(client, cast):
    client.force_login(cast.contributor)
    mark_b(client, cast.review)
    save(client, cast.review, selected=["q_01_a"])
    answer = answer_of(cast.review)
    assert (answer.risk, answer.practices_not_applicable) == (AnswerRisk.MEDIUM, {})


def test_an_htmx_save_of_a_mark_answers_with_the_new_risk_badge(client, cast):
    client.force_login(cast.contributor)
    save(client, cast.review, selected=["q_01_a"])
    body = mark_b(client, cast.review, htmx=True).content.decode()
    assert (
        '<span id="question-risk-Q_01" class="question-risk" hx-swap-oob="true"><span class="risk risk-NO_RISK">'
        in body
    )
    assert '<span id="nav-risk-Q_01" hx-swap-oob="true"><span class="risk risk-NO_RISK">' in body


def test_history_keeps_the_mark_before_and_after_and_shows_it(client, cast):
    client.force_login(cast.contributor)
    save(client, cast.review, selected=["q_01_a"])
    mark_b(client, cast.review)
    change = AnswerChange.objects.filter(answer=answer_of(cast.review)).order_by("pk").last()
    assert change.before["practices_not_applicable"] == {}
    assert change.after["practices_not_applicable"]["q_01_b"]["reason"] == "architecture_constraints"
    assert (change.before["risk"], change.after["risk"]) == (AnswerRisk.MEDIUM, AnswerRisk.NONE)
    page = client.get(reverse("reviews:history", args=[cast.review.pk, "Q_01"])).content.decode()
    assert "practices that do not apply none → q_01_b" in page


def test_changing_only_the_note_of_a_mark_is_a_change_in_history(client, cast):
    client.force_login(cast.contributor)
    mark_b(client, cast.review)
    mark_b(client, cast.review, **{"practice_note-q_01_b": "Reviewed again."})
    answer = answer_of(cast.review)
    assert answer.practices_not_applicable["q_01_b"]["note"] == "Reviewed again."
    assert AnswerChange.objects.filter(answer=answer).count() == 2


def test_a_reason_and_note_sent_for_a_practice_that_is_not_marked_are_not_kept(client, cast):
    client.force_login(cast.contributor)
    save(client, cast.review, selected=["q_01_a"], **{"practice_reason-q_01_b": "other", "practice_note-q_01_b": "x"})
    assert answer_of(cast.review).practices_not_applicable == {}


BAD_MARKS = [
    (
        {"practice_not_applicable": ["q_01_zz"]},
        "“q_01_zz” is not a best practice of this question; it cannot be marked.",
    ),
    ({"practice_not_applicable": ["q_01_no"]}, "“None of these” cannot be marked as not applying."),
    (
        {"practice_not_applicable": ["q_01_a"], "practice_reason-q_01_a": "other", "selected": ["q_01_a"]},
        "“Q_01 practice a” cannot be both followed and marked as not applying; choose one.",
    ),
    ({"practice_not_applicable": ["q_01_b"]}, "Say why “Q_01 practice b” does not apply."),
    (
        {"practice_not_applicable": ["q_01_b"], "practice_reason-q_01_b": "bored"},
        "“bored” is not one of the reasons “Q_01 practice b” may not apply.",
    ),
    (
        {"practice_not_applicable": ["q_01_b"], "practice_reason-q_01_b": "other", "practice_note-q_01_b": "x" * 201},
        "The note on why “Q_01 practice b” does not apply can be at most 200 characters; it has 201.",
    ),
]


@pytest.mark.parametrize(("fields", "message"), BAD_MARKS)
@pytest.mark.parametrize("htmx", [False, True])
def test_a_bad_mark_gets_a_400_with_a_message_and_changes_nothing(client, cast, fields, message, htmx):
    client.force_login(cast.contributor)
    response = save(client, cast.review, htmx=htmx, **fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    answer = answer_of(cast.review)
    assert (answer.version, answer.selected, answer.practices_not_applicable) == (0, [], {})
    assert not AnswerChange.objects.exists()


def test_a_viewer_cannot_mark_a_practice(client, cast):
    client.force_login(cast.viewer)
    assert mark_b(client, cast.review).status_code == 403
    assert answer_of(cast.review).practices_not_applicable == {}


def test_the_question_page_offers_a_labelled_mark_for_each_practice_but_none_of_these(client, cast):
    client.force_login(cast.contributor)
    body = client.get(question_url(cast.review)).content.decode()
    for code in ("q_01_a", "q_01_b", "q_01_c"):
        assert f'name="practice_not_applicable" value="{code}" id="practice-na-{code}"' in body
        assert f'<label for="practice-na-{code}">Does not apply</label>' in body
        assert f'<label for="practice-reason-{code}">Reason</label>' in body
        assert f'<label for="practice-note-{code}">Note (optional)</label>' in body
    assert 'id="practice-na-q_01_no"' not in body
    assert "it then counts as followed when the question’s risk is worked out" in body


def test_the_question_page_shows_a_stored_mark(client, cast):
    client.force_login(cast.contributor)
    mark_b(client, cast.review)
    body = client.get(question_url(cast.review)).content.decode()
    assert 'value="q_01_b" id="practice-na-q_01_b" checked' in body
    assert '<option value="architecture_constraints" selected>' in body
    assert 'value="No second region in this country."' in body
