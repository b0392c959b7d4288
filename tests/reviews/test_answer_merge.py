"""Two people on one question: saves started from an older version merge what they can (three-way, against the
version the user started from, kept in history); only the same field changed both ways shows the conflict."""

import re
import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.teams.races import need_postgresql
from wareview.reviews.models import Answer, AnswerChange, AnswerRisk

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def question_url(review, code="Q_01") -> str:
    return reverse("reviews:question", args=[review.pk, code])


def answer_of(review, code="Q_01") -> Answer:
    return Answer.objects.get(review=review, question__code=code)


def post(client, review, *, version, htmx=False, **fields):
    data = {"version": version, "reason": "", "notes": "", **fields}
    return client.post(question_url(review), data, headers=HTMX if htmx else {})


@pytest.fixture
def owner_saved_practice_a(client, cast):
    """The owner ticks practice a (version 0 → 1) while the contributor still has version 0 open."""
    client.force_login(cast.owner)
    assert post(client, cast.review, version=0, selected=["q_01_a"]).status_code == 302
    client.force_login(cast.contributor)


def test_practices_ticked_by_two_people_are_both_kept(client, cast, owner_saved_practice_a):
    response = post(client, cast.review, version=0, selected=["q_01_b"])
    assert response.status_code == 302
    answer = answer_of(cast.review)
    assert (answer.selected, answer.risk, answer.version) == (["q_01_a", "q_01_b"], AnswerRisk.NONE, 2)
    page = client.get(response["Location"])
    assert "Saved, together with olivia’s changes." in page.content.decode()


def test_a_practice_marked_as_not_applying_and_another_ticked_by_two_people_are_both_kept(client, cast):
    client.force_login(cast.owner)
    marked = {"practice_not_applicable": ["q_01_b"], "practice_reason-q_01_b": "out_of_scope"}
    assert post(client, cast.review, version=0, **marked).status_code == 302
    client.force_login(cast.contributor)
    assert post(client, cast.review, version=0, selected=["q_01_a"]).status_code == 302
    answer = answer_of(cast.review)
    assert answer.selected == ["q_01_a"]
    assert answer.practices_not_applicable == {"q_01_b": {"reason": "out_of_scope", "note": ""}}
    assert (answer.risk, answer.version) == (AnswerRisk.NONE, 2)


def test_notes_and_practices_from_two_people_are_both_kept(client, cast, owner_saved_practice_a):
    response = post(client, cast.review, version=0, htmx=True, notes="Reads go to a replica.")
    assert response.status_code == 200
    answer = answer_of(cast.review)
    assert (answer.selected, answer.notes) == (["q_01_a"], "Reads go to a replica.")
    history = AnswerChange.objects.filter(answer=answer).order_by("version")
    assert [(change.version, change.after["selected"], change.after["notes"]) for change in history] == [
        (1, ["q_01_a"], ""),
        (2, ["q_01_a"], "Reads go to a replica."),
    ]


def test_a_merged_htmx_save_refreshes_the_practices_the_user_did_not_see(client, cast, owner_saved_practice_a):
    body = post(client, cast.review, version=0, htmx=True, selected=["q_01_b"]).content.decode()
    assert "together with olivia’s changes" in body
    assert '<fieldset id="practices-Q_01" aria-describedby="practices-help-Q_01"  hx-swap-oob="true">' in body
    assert re.search(r'id="choice-q_01_a"\s+checked>', body) and re.search(r'id="choice-q_01_b"\s+checked>', body)
    # Notes and applicability did not change in the merge: the user's own fields are left alone.
    assert 'id="notes-field-Q_01"' not in body and 'id="applicability-Q_01"' not in body
    assert 'id="answer-version-Q_01" name="version" value="2" hx-swap-oob="true"' in body


def test_the_same_change_made_by_both_is_no_conflict(client, cast, owner_saved_practice_a):
    response = post(client, cast.review, version=0, selected=["q_01_a"], notes="Same tick, and a note.")
    assert response.status_code == 302
    answer = answer_of(cast.review)
    assert (answer.selected, answer.notes) == (["q_01_a"], "Same tick, and a note.")


def test_an_unticked_practice_stays_unticked_when_someone_else_ticked_another(client, cast):
    client.force_login(cast.owner)
    post(client, cast.review, version=0, selected=["q_01_a", "q_01_b"])
    client.force_login(cast.contributor)  # opened at version 1 (a, b); meanwhile the owner ticks c
    client_owner = Client()
    client_owner.force_login(cast.owner)
    post(client_owner, cast.review, version=1, selected=["q_01_a", "q_01_b", "q_01_c"])
    assert post(client, cast.review, version=1, selected=["q_01_a"]).status_code == 302  # unticks b
    assert answer_of(cast.review).selected == ["q_01_a", "q_01_c"]


def test_the_same_notes_changed_two_ways_show_the_conflict_and_save_nothing(client, cast):
    client.force_login(cast.owner)
    post(client, cast.review, version=0, selected=["q_01_a"], notes="Owner's view.")
    client.force_login(cast.contributor)
    response = post(client, cast.review, version=0, htmx=True, selected=["q_01_b"], notes="Mine.")
    body = response.content.decode()
    assert response.status_code == 409
    assert "olivia saved this question at" in body
    assert "and changed the notes too" in body
    assert "Their answer: Q_01 practice a. Notes: “Owner&#x27;s view.”" in body
    assert "Yours: Q_01 practice b. Notes: “Mine.”" in body
    assert 'id="save-status-Q_01"' in body
    answer = answer_of(cast.review)
    assert (answer.selected, answer.notes, answer.version) == (["q_01_a"], "Owner's view.", 1)


def test_the_conflict_names_several_practices_with_one_separator_between_them(client, cast):
    client.force_login(cast.owner)
    post(client, cast.review, version=0, selected=["q_01_a", "q_01_c"], notes="Owner.")
    client.force_login(cast.contributor)
    body = post(client, cast.review, version=0, selected=["q_01_b"], notes="Mine.").content.decode()
    assert "Their answer: Q_01 practice a; Q_01 practice c. Notes:" in body
    assert ";;" not in body and "; ." not in body and "; (" not in body


def test_none_of_these_against_a_practice_ticked_meanwhile_is_a_conflict(client, cast):
    client.force_login(cast.owner)
    post(client, cast.review, version=0, selected=["q_01_no"])
    client.force_login(cast.contributor)
    response = post(client, cast.review, version=0, selected=["q_01_a"])
    assert response.status_code == 409
    assert "“Q_01 practice a”" in response.content.decode()
    assert answer_of(cast.review).selected == ["q_01_no"]


def test_keep_mine_writes_only_the_fields_i_changed(client, cast):
    client.force_login(cast.owner)
    post(client, cast.review, version=0, selected=["q_01_a"], notes="Owner's view.")
    client.force_login(cast.contributor)
    conflict = post(client, cast.review, version=0, htmx=True, selected=["q_01_c"], notes="Mine.")
    body = conflict.content.decode()
    assert conflict.status_code == 409
    assert '<input type="hidden" name="version" value="1">' in body
    assert '<input type="hidden" name="changed" value="notes">' in body
    assert '<input type="hidden" name="changed" value="practice:q_01_c">' in body
    # "Keep mine" sends what the conflict panel holds: my answer, the current version and the fields I changed.
    keep_mine = {
        "version": 1,
        "selected": ["q_01_c"],
        "reason": "",
        "notes": "Mine.",
        "changed": ["notes", "practice:q_01_c"],
    }
    response = client.post(question_url(cast.review), keep_mine, headers=HTMX)
    assert response.status_code == 200
    answer = answer_of(cast.review)
    # The owner's practice a stays: I never touched it.
    assert (answer.selected, answer.notes, answer.version) == (["q_01_a", "q_01_c"], "Mine.", 2)
    body = response.content.decode()
    assert '<span id="nav-risk-Q_01" hx-swap-oob="true"><span class="risk risk-MEDIUM_RISK">Medium</span>' in body
    assert 'id="question-risk-Q_01"' in body and "Medium risk" in body
    assert '<fieldset id="practices-Q_01"' in body  # the form now shows practice a as well


def test_keep_mine_refuses_a_field_that_is_not_part_of_the_answer(client, cast):
    client.force_login(cast.contributor)
    response = post(client, cast.review, version=0, selected=["q_01_a"], changed=["practice:q_02_a"])
    assert response.status_code == 400
    assert "“practice:q_02_a” is not a part of this answer." in response.content.decode()
    assert answer_of(cast.review).version == 0


def test_a_save_from_a_version_older_than_the_kept_history_is_a_conflict(client, cast):
    client.force_login(cast.owner)
    post(client, cast.review, version=0, selected=["q_01_a"])
    AnswerChange.objects.update(version=None)  # history written before versions were kept in it
    client.force_login(cast.contributor)
    response = post(client, cast.review, version=0, selected=["q_01_b"])
    assert response.status_code == 409
    assert answer_of(cast.review).selected == ["q_01_a"]


def test_a_save_on_the_current_version_takes_the_usual_few_queries_and_a_merge_a_few_more(client, cast):
    client.force_login(cast.contributor)
    client.get(question_url(cast.review))
    with CaptureQueriesContext(connection) as usual:
        post(client, cast.review, version=0, htmx=True, selected=["q_01_a"])
    other = Client()
    other.force_login(cast.owner)
    post(other, cast.review, version=1, notes="Owner.")
    with CaptureQueriesContext(connection) as merged:
        response = post(client, cast.review, version=1, htmx=True, selected=["q_01_a", "q_01_b"])
    assert response.status_code == 200
    # The merge adds: the row locked, the base version from history, the update, the name of the other person, and
    # the evidence and failing checks of the practices it refreshes.
    assert len(merged) - len(usual) <= 6
    assert answer_of(cast.review).notes == "Owner."


@pytest.mark.django_db(transaction=True)
def test_two_people_saving_different_practices_at_the_same_moment_both_keep_theirs(cast):
    need_postgresql()
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def save_as(user, practice: str) -> None:
        client = Client()
        client.force_login(user)
        barrier.wait()
        try:
            statuses.append(post(client, cast.review, version=0, htmx=True, selected=[practice]).status_code)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=save_as, args=(cast.owner, "q_01_a")),
        threading.Thread(target=save_as, args=(cast.contributor, "q_01_b")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200, 200]
    answer = answer_of(cast.review)
    assert (answer.selected, answer.version, answer.risk) == (["q_01_a", "q_01_b"], 2, AnswerRisk.NONE)


def test_my_own_save_sent_on_the_way_out_merges_with_my_earlier_one_without_naming_me(client, cast):
    # A save still on its way when the page closed, and the form sent again as a beacon from the same version.
    client.force_login(cast.contributor)
    post(client, cast.review, version=0, htmx=True, selected=["q_01_a"])
    response = post(client, cast.review, version=0, selected=["q_01_a"], notes="Typed just before leaving.")
    assert response.status_code == 302
    assert "together with" not in client.get(response["Location"]).content.decode()
    answer = answer_of(cast.review)
    assert (answer.selected, answer.notes, answer.version) == (["q_01_a"], "Typed just before leaving.", 2)
