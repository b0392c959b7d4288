import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import build_lens
from wareview.reviews.models import Answer, AnswerChange, AnswerRisk
from wareview.reviews.services import review_start

pytestmark = pytest.mark.django_db


def question_url(review, code="Q_01") -> str:
    return reverse("reviews:question", args=[review.pk, code])


def answer_of(review, code="Q_01") -> Answer:
    return Answer.objects.get(review=review, question__code=code)


def save(client, review, code="Q_01", htmx=False, **fields):
    data = {"version": answer_of(review, code).version, "reason": "", "notes": "", **fields}
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(question_url(review, code), data, headers=headers)


def test_a_contributor_saves_practices_and_the_risk_follows_the_rules(client, cast):
    client.force_login(cast.contributor)
    response = save(client, cast.review, selected=["q_01_a"])
    assert response.status_code == 302
    assert answer_of(cast.review).risk == AnswerRisk.MEDIUM  # _a followed, _b missing
    save(client, cast.review, selected=["q_01_a", "q_01_b"])
    assert answer_of(cast.review).risk == AnswerRisk.NONE
    save(client, cast.review, selected=["q_01_no"])
    assert answer_of(cast.review).risk == AnswerRisk.HIGH


def test_the_plain_form_redirects_back_to_the_question_with_a_message(client, cast):
    client.force_login(cast.contributor)
    response = save(client, cast.review, selected=["q_01_a"])
    assert response["Location"] == question_url(cast.review)
    page = client.get(response["Location"])
    assert "Saved." in page.content.decode()
    assert 'value="q_01_a" id="choice-q_01_a"' in page.content.decode()


def test_an_htmx_save_answers_with_out_of_band_badge_progress_status_and_version(client, cast):
    client.force_login(cast.contributor)
    response = save(client, cast.review, htmx=True, selected=["q_01_a", "q_01_b"])
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    risk = '<span id="question-risk-Q_01" class="question-risk" hx-swap-oob="true"><span class="risk risk-NO_RISK">'
    assert risk in body
    assert '<progress id="review-progress" max="4" value="1"' in body
    assert 'id="save-status-Q_01"' in body and "Saved at" in body
    assert 'id="answer-version-Q_01" name="version" value="1" hx-swap-oob="true"' in body


def test_marking_a_question_not_applicable_keeps_the_reason(client, cast):
    client.force_login(cast.owner)
    save(client, cast.review, not_applicable="on", reason="business_priorities")
    answer = answer_of(cast.review)
    assert (answer.risk, answer.reason) == (AnswerRisk.NOT_APPLICABLE, "business_priorities")


def test_every_change_is_kept_in_history_with_who_before_and_after(client, cast):
    client.force_login(cast.contributor)
    save(client, cast.review, selected=["q_01_a"])
    save(client, cast.review, selected=["q_01_a"], notes="Checked with the platform team.")
    changes = list(AnswerChange.objects.filter(answer=answer_of(cast.review)).order_by("pk"))
    assert [change.changed_by for change in changes] == [cast.contributor, cast.contributor]
    assert changes[0].before["selected"] == [] and changes[0].after["risk"] == AnswerRisk.MEDIUM
    assert changes[1].after["notes"] == "Checked with the platform team."
    page = client.get(reverse("reviews:history", args=[cast.review.pk, "Q_01"]))
    assert page.content.decode().count("carlos") >= 2


def test_saving_the_same_answer_again_adds_no_history(client, cast):
    client.force_login(cast.contributor)
    save(client, cast.review, selected=["q_01_a"])
    save(client, cast.review, selected=["q_01_a"])
    assert AnswerChange.objects.filter(answer=answer_of(cast.review)).count() == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"selected": ["q_01_zz"]}, "“q_01_zz” is not a best practice of this question."),
        ({"selected": ["q_02_a"]}, "“q_02_a” is not a best practice of this question."),
        ({"selected": ["q_01_a", "q_01_no"]}, "“None of these” cannot be chosen together with a best practice."),
        ({"notes": "x" * 2001}, "Notes can be at most 2000 characters; these have 2001."),
        ({"not_applicable": "on", "reason": "bored"}, "“bored” is not one of the reasons a question may not apply."),
        ({"not_applicable": "on", "reason": ""}, "Say why the question does not apply."),
        ({"version": "abc"}, "The form is missing the answer&#x27;s version; reload the page."),
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_bad_input_gets_a_400_with_a_message_and_changes_nothing(client, cast, fields, message, htmx):
    client.force_login(cast.contributor)
    response = save(client, cast.review, htmx=htmx, **fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    answer = answer_of(cast.review)
    assert (answer.version, answer.selected, answer.notes) == (0, [], "")
    assert not AnswerChange.objects.exists()


def test_a_question_of_another_lens_is_not_found_in_this_review(client, cast):
    other = build_lens()
    other_code = other.pillars.get().questions.order_by("order").first().code
    assert other_code == "Q_01"  # same code, other lens: only this review's questions are reachable
    client.force_login(cast.contributor)
    response = client.post(question_url(cast.review, "Q_99"), {"version": 0, "selected": ["q_01_a"]})
    assert response.status_code == 404


def test_a_stale_save_is_refused_with_the_current_answer_and_who_made_it(client, cast):
    client.force_login(cast.owner)
    save(client, cast.review, selected=["q_01_a", "q_01_b"], notes="Owner's view.")
    client.force_login(cast.contributor)
    response = client.post(
        question_url(cast.review), {"version": 0, "selected": ["q_01_c"], "reason": "", "notes": "Mine."}
    )
    body = response.content.decode()
    assert response.status_code == 409
    assert "olivia saved this question" in body
    assert "Owner&#x27;s view." in body
    assert "Keep mine" in body and "Take theirs" in body
    answer = answer_of(cast.review)
    assert answer.selected == ["q_01_a", "q_01_b"]


def test_selected_practices_are_stored_in_the_question_order(client, cast):
    client.force_login(cast.contributor)
    save(client, cast.review, selected=["q_01_c", "q_01_a"])
    assert answer_of(cast.review).selected == ["q_01_a", "q_01_c"]


# A question's best practices and rules stay in memory after their first read (published lenses never change),
# so each test warms them with one page view first.
# With Redis, sessions are read from the cache; without it, from the database (one more query).
SESSION_QUERIES = 0 if settings.SESSION_ENGINE.endswith("cached_db") else 1
# Autosave that ticks or unticks a practice: user, answer with its access check, update, history insert, the
# improvement plan's items of those practices (wareview/plans follows the ticks), progress counts; plus the save's
# two transaction statements (BEGIN and COMMIT on SQLite; SAVEPOINT and RELEASE on PostgreSQL, where the test
# already runs inside a transaction). A save that changes no tick (notes, applicability) leaves the plan alone.
# A save that answers an unanswered question also locks the review's row and asks whether any question is left
# unanswered (the save that answers the last one completes the review: reviews.signals.review_completed).
COMPLETION_QUERIES = 2
AUTOSAVE_QUERIES = 8 + COMPLETION_QUERIES + SESSION_QUERIES
# Question page: user, answer with its access check, navigation, every practice's evidence and every practice's
# failing checks of the team's tools (wareview/evidence).
QUESTION_PAGE_QUERIES = 5 + SESSION_QUERIES


@pytest.fixture
def large_review(cast):
    lens = build_lens(questions_per_area=6, areas=4)
    return review_start(workload=cast.workload, lens=lens, user=cast.owner)


def test_an_autosave_takes_the_same_few_queries_on_a_small_and_a_large_lens(client, cast, large_review):
    client.force_login(cast.contributor)
    counts = []
    for review in (cast.review, large_review):
        client.get(question_url(review))
        data = {"version": 0, "selected": ["q_01_a"], "reason": "", "notes": ""}
        with CaptureQueriesContext(connection) as queries:
            response = client.post(question_url(review), data, headers={"HX-Request": "true"})
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts == [AUTOSAVE_QUERIES, AUTOSAVE_QUERIES]


def test_the_question_page_takes_the_same_few_queries_on_a_small_and_a_large_lens(client, cast, large_review):
    client.force_login(cast.contributor)
    counts = []
    for review in (cast.review, large_review):
        client.get(question_url(review, "Q_02"))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(question_url(review, "Q_02"))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts == [QUESTION_PAGE_QUERIES, QUESTION_PAGE_QUERIES]


def test_a_save_that_keeps_the_question_answered_leaves_progress_alone_and_skips_counting(client, cast):
    client.force_login(cast.contributor)
    save(client, cast.review, htmx=True, selected=["q_01_a"])
    data = {"version": 1, "selected": ["q_01_a", "q_01_b"], "reason": "", "notes": "More."}
    with CaptureQueriesContext(connection) as queries:
        response = client.post(question_url(cast.review), data, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert '<span class="risk risk-NO_RISK">No risk</span>' in body
    assert "review-progress" not in body
    assert len(queries) == AUTOSAVE_QUERIES - COMPLETION_QUERIES - 1


def test_a_save_of_the_notes_alone_does_not_read_the_improvement_plan(client, cast):
    client.force_login(cast.contributor)
    save(client, cast.review, htmx=True, selected=["q_01_a"])
    data = {"version": 1, "selected": ["q_01_a"], "reason": "", "notes": "Only the notes change."}
    with CaptureQueriesContext(connection) as queries:
        response = client.post(question_url(cast.review), data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert len(queries) == AUTOSAVE_QUERIES - COMPLETION_QUERIES - 2  # neither the plan's items nor the progress
    assert not [query for query in queries.captured_queries if "plans_improvementitem" in query["sql"]]


def test_unticking_everything_moves_the_progress_back(client, cast):
    client.force_login(cast.contributor)
    save(client, cast.review, htmx=True, selected=["q_01_a"])
    response = save(client, cast.review, htmx=True)
    assert '<progress id="review-progress" max="4" value="0"' in response.content.decode()


def switch(client, review, *, came_from: str, to: str):
    headers = {"HX-Request": "true", "HX-Current-URL": f"http://testserver{question_url(review, came_from)}"}
    return client.get(question_url(review, to), headers=headers)


def test_switching_questions_sends_the_panel_and_only_the_two_navigation_entries_that_change(client, cast):
    client.force_login(cast.contributor)
    save(client, cast.review, htmx=True, selected=["q_01_a"])
    response = switch(client, cast.review, came_from="Q_01", to="Q_02")
    body = response.content.decode()
    assert 'id="question-panel"' in body and 'id="review-nav"' not in body
    assert re.findall(r'<li id="nav-item-(Q_\d+)" hx-swap-oob="true">', body) == ["Q_01", "Q_02"]
    # The question left shows its fresh badge and is no longer the current one; the one opened is.
    left = body[body.index('id="nav-item-Q_01"') : body.index('id="nav-item-Q_02"')]
    assert "aria-current" not in left and "Medium" in left
    assert 'aria-current="page"' in body[body.index('id="nav-item-Q_02"') :]
    assert "HX-Current-URL" in response["Vary"]


def test_a_question_switch_does_not_grow_with_the_number_of_questions(client, cast, large_review):
    client.force_login(cast.contributor)
    sizes = [len(switch(client, review, came_from="Q_01", to="Q_02").content) for review in (cast.review, large_review)]
    assert abs(sizes[0] - sizes[1]) < 200  # the same panel and two entries; only ids and names differ


def test_opening_a_question_with_htmx_from_elsewhere_sends_the_whole_navigation(client, cast):
    client.force_login(cast.contributor)
    body = client.get(question_url(cast.review, "Q_02"), headers={"HX-Request": "true"}).content.decode()
    assert '<nav id="review-nav" class="review-nav" aria-label="Questions of the review" hx-swap-oob="true">' in body


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize("version", [2, 1_000_000_000, 2**70])
def test_a_save_from_a_version_the_answer_never_had_is_refused_with_words_and_changes_nothing(
    client, cast, version, htmx
):
    client.force_login(cast.contributor)
    save(client, cast.review, notes="Carlos was here")
    client.force_login(cast.owner)
    response = save(client, cast.review, htmx=htmx, version=version, notes="Olivia's notes")
    assert response.status_code == 400
    words = f"This answer is at version 1, so it cannot be saved from version {version}"
    assert words in response.content.decode()
    answer = answer_of(cast.review)
    assert (answer.version, answer.notes, answer.updated_by) == (1, "Carlos was here", cast.contributor)
