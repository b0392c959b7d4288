"""A pre-filled answer reads "From template <name> — confirm or change" until a person confirms or changes it;
until then progress does not count it, and the review is complete only once every answer is confirmed."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.review_templates.conftest import answers_of
from wareview.milestones.services import milestone_save
from wareview.portfolio.selectors import portfolio_workloads
from wareview.review_templates.models import ReviewTemplate
from wareview.review_templates.selectors import PrefillSource
from wareview.review_templates.services import review_start_prefilled
from wareview.reviews.models import Answer, AnswerChange, AnswerRisk, Review
from wareview.reviews.selectors import review_outline, workload_reviews, workload_summaries
from wareview.reviews.services import answer_confirm, review_close
from wareview.reviews.signals import review_completed
from wareview.workloads.models import Workload

pytestmark = pytest.mark.django_db

LABEL = "template Payments baseline"


@pytest.fixture
def prefilled(cast) -> Review:
    """A review of a new workload of the team, Q_01…Q_03 pre-filled from a template (Q_01 ticked a and b, Q_02 not
    applying, Q_03 only notes); Q_04 left unanswered."""
    answers = {
        "Q_01": {"selected": ["q_01_a", "q_01_b"]},
        "Q_02": {"not_applicable": True, "reason": "out_of_scope"},
        "Q_03": {"notes": "Ask the platform team."},
    }
    template = ReviewTemplate.objects.create(team=cast.team, lens=cast.lens, name="Payments baseline", answers=answers)
    source = PrefillSource(f"template-{template.pk}", LABEL, cast.lens, template=template)
    workload = Workload.objects.create(team=cast.team, name="Ledger", created_by=cast.owner)
    return review_start_prefilled(workload=workload, lens=cast.lens, source=source, user=cast.owner)


def question_url(review, code="Q_01") -> str:
    return reverse("reviews:question", args=[review.pk, code])


def confirm_url(review, code="Q_01") -> str:
    return reverse("review_templates:confirm", args=[review.pk, code])


def test_the_question_page_says_where_the_answer_came_from_with_a_confirm_button(client, cast, prefilled):
    client.force_login(cast.contributor)
    body = client.get(question_url(prefilled)).content.decode()
    assert f"From {LABEL} — confirm or change." in body
    assert f'action="{confirm_url(prefilled)}"' in body
    # The navigation marks every pre-filled question, and only those.
    assert body.count(f'<span class="prefilled-mark">From {LABEL} — confirm or change</span>') == 3
    body = client.get(question_url(prefilled, "Q_04")).content.decode()
    assert f'action="{confirm_url(prefilled, "Q_04")}"' not in body


def test_a_viewer_reads_where_the_answer_came_from_but_gets_no_confirm_button(client, cast, prefilled):
    client.force_login(cast.viewer)
    body = client.get(question_url(prefilled)).content.decode()
    assert f"From {LABEL} — confirm or change." in body
    assert ">Confirm</button>" not in body


def test_confirming_clears_the_mark_and_keeps_it_in_history(client, cast, prefilled):
    client.force_login(cast.contributor)
    response = client.post(confirm_url(prefilled), follow=True)
    assert response.redirect_chain == [(question_url(prefilled), 302)]
    body = response.content.decode()
    assert "Confirmed: the answer counts as answered." in body
    assert f"From {LABEL} — confirm or change." not in body
    confirmed = Answer.objects.get(review=prefilled, question__code="Q_01")
    assert (confirmed.prefilled_from, confirmed.selected, confirmed.updated_by) == (
        "",
        ["q_01_a", "q_01_b"],
        cast.contributor,
    )
    change = AnswerChange.objects.filter(answer=confirmed).first()
    assert change.note == f"Confirmed the answer pre-filled from {LABEL}"
    assert (change.before, change.changed_by) == (change.after, cast.contributor)


def test_confirming_an_answer_already_confirmed_changes_nothing_and_says_so(client, cast, prefilled):
    client.force_login(cast.contributor)
    client.post(confirm_url(prefilled))
    changes = AnswerChange.objects.count()
    response = client.post(confirm_url(prefilled), follow=True)
    assert "This answer was already confirmed or changed." in response.content.decode()
    assert AnswerChange.objects.count() == changes


@pytest.mark.parametrize(("role", "status"), [("viewer", 403), ("outsider", 404)])
def test_a_viewer_or_an_outsider_cannot_confirm(client, cast, prefilled, role, status):
    client.force_login(cast.user(role))
    assert client.post(confirm_url(prefilled)).status_code == status
    assert Answer.objects.get(review=prefilled, question__code="Q_01").prefilled_from == LABEL


def test_an_answer_of_a_closed_review_cannot_be_confirmed(client, cast, prefilled):
    review_close(review=prefilled)
    client.force_login(cast.owner)
    response = client.post(confirm_url(prefilled))
    assert response.status_code == 403
    assert "This review is closed" in response.content.decode()


def test_confirming_needs_a_post(client, cast, prefilled):
    client.force_login(cast.owner)
    assert client.get(confirm_url(prefilled)).status_code == 405


def test_a_persons_save_confirms_the_answer_and_moves_the_progress(client, cast, prefilled):
    client.force_login(cast.contributor)
    answer = Answer.objects.get(review=prefilled, question__code="Q_01")
    data = {"version": answer.version, "selected": ["q_01_a"], "reason": "", "notes": ""}
    response = client.post(question_url(prefilled), data, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert '<div id="prefilled-Q_01" hx-swap-oob="true"></div>' in body
    assert '<span id="review-count" hx-swap-oob="true">1/4 answered</span>' in body
    saved = Answer.objects.get(pk=answer.pk)
    assert (saved.prefilled_from, saved.selected, saved.risk) == ("", ["q_01_a"], AnswerRisk.MEDIUM)


def test_a_save_that_changes_nothing_still_confirms_the_answer(client, cast, prefilled):
    client.force_login(cast.contributor)
    answer = Answer.objects.get(review=prefilled, question__code="Q_02")
    data = {"version": answer.version, "not_applicable": "on", "reason": "out_of_scope", "notes": ""}
    assert client.post(question_url(prefilled, "Q_02"), data).status_code == 302
    assert Answer.objects.get(pk=answer.pk).prefilled_from == ""


def test_progress_counts_confirmed_answers_only(client, cast, prefilled):
    outline = review_outline(review=prefilled)
    # Q_01 and Q_02 are pre-filled answers, Q_03 pre-filled notes, Q_04 nothing: none counts yet.
    assert (outline.answered, outline.total) == (0, 4)
    assert [area.answered for area in outline.areas] == [0, 0]
    assert outline.walk_start() == "Q_01"
    answer_confirm(answer=Answer.objects.get(review=prefilled, question__code="Q_01"), user=cast.owner)
    outline = review_outline(review=prefilled)  # the kept lens shape's fast path
    assert (outline.answered, [area.answered for area in outline.areas]) == (1, [1, 0])
    assert outline.walk_start() == "Q_02"
    assert review_outline(review=prefilled, answers=True).answered == 1  # read whole


def test_the_workload_page_dashboard_and_portfolio_count_confirmed_answers_only(client, cast, prefilled):
    answer_confirm(answer=Answer.objects.get(review=prefilled, question__code="Q_02"), user=cast.owner)
    [review] = workload_reviews(workload=prefilled.workload)
    assert (review.answered_count, review.question_count) == (1, 4)
    [summary] = workload_summaries(workloads=[prefilled.workload])
    assert (summary.answered_count, summary.question_count) == (1, 4)
    row = portfolio_workloads(user=cast.owner, filters={}).get(pk=prefilled.workload_id)
    assert (row.answered_count, row.completion) == (1, 25)
    client.force_login(cast.viewer)
    body = client.get(reverse("reviews:overview", args=[prefilled.pk])).content.decode()
    assert "1 of 4" in body
    assert "2 pre-filled answers wait for a person to confirm or change them: they count once confirmed." in body
    answer_confirm(answer=Answer.objects.get(review=prefilled, question__code="Q_01"), user=cast.owner)
    body = client.get(reverse("reviews:overview", args=[prefilled.pk])).content.decode()
    assert "1 pre-filled answer waits for a person to confirm or change it: it counts once confirmed." in body


def test_the_review_completes_only_when_every_answer_is_confirmed(cast, prefilled, django_capture_on_commit_callbacks):
    completed = []

    def receive(sender, review_id, user, **kwargs):
        completed.append((review_id, user))

    review_completed.connect(receive)
    try:
        answers = answers_of(prefilled)
        from tests.review_templates.conftest import answer as save

        with django_capture_on_commit_callbacks(execute=True):
            save(prefilled, "Q_04", cast.owner, selected=["q_04_a"])
            save(prefilled, "Q_03", cast.owner, selected=["q_03_a"], notes="Ask the platform team.")
            answer_confirm(answer=answers["Q_01"], user=cast.owner)
        assert completed == []
        with django_capture_on_commit_callbacks(execute=True):
            answer_confirm(answer=answers["Q_02"], user=cast.contributor)
        assert completed == [(prefilled.pk, cast.contributor)]
    finally:
        review_completed.disconnect(receive)


def test_confirming_pre_filled_notes_alone_completes_nothing(cast, prefilled, django_capture_on_commit_callbacks):
    completed = []

    def receive(sender, review_id, user, **kwargs):
        completed.append(review_id)

    review_completed.connect(receive)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            for answer in answers_of(prefilled).values():
                answer_confirm(answer=answer, user=cast.owner)
        assert completed == []
        assert Answer.objects.get(review=prefilled, question__code="Q_03").risk == AnswerRisk.UNANSWERED
    finally:
        review_completed.disconnect(receive)


SESSION_QUERIES = 0 if settings.SESSION_ENGINE.endswith("cached_db") else 1


def test_the_question_page_of_a_pre_filled_answer_takes_the_usual_queries(client, cast, prefilled):
    client.force_login(cast.contributor)
    counts = []
    for review in (cast.review, prefilled):
        client.get(question_url(review))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(question_url(review)).status_code == 200
        counts.append(len(queries))
    assert counts == [5 + SESSION_QUERIES, 5 + SESSION_QUERIES]


def test_confirming_takes_a_fixed_few_queries(client, cast, prefilled):
    client.force_login(cast.contributor)
    client.get(question_url(prefilled))  # the question's practices and rules stay in memory after the first read
    with CaptureQueriesContext(connection) as queries:
        assert client.post(confirm_url(prefilled)).status_code == 302
    # user, the answer with its role, the review's lock, the answer's lock, the update, history, whether any
    # answer is still waiting; the savepoint and its release
    assert len(queries) == 9 + SESSION_QUERIES


def test_the_report_counts_confirmed_answers_and_says_how_many_wait(client, cast, prefilled):
    client.force_login(cast.viewer)
    url = reverse("reports:page", args=[prefilled.pk])
    assert "0 of 4 questions answered; 3 pre-filled answers wait for confirmation" in client.get(url).content.decode()
    answer_confirm(answer=Answer.objects.get(review=prefilled, question__code="Q_01"), user=cast.owner)
    assert "1 of 4 questions answered; 2 pre-filled answers wait for confirmation" in client.get(url).content.decode()
    answer_confirm(answer=Answer.objects.get(review=prefilled, question__code="Q_02"), user=cast.owner)
    assert "2 of 4 questions answered; 1 pre-filled answer waits for confirmation" in client.get(url).content.decode()


def test_a_milestone_counts_the_answers_confirmed_when_it_was_saved_and_says_how_many_waited(client, cast, prefilled):
    answer_confirm(answer=Answer.objects.get(review=prefilled, question__code="Q_01"), user=cast.owner)
    milestone = milestone_save(review=prefilled, name="Kick-off", user=cast.owner)
    assert (milestone.answered_count, milestone.question_count, milestone.percent) == (1, 4, 25)
    answer_confirm(answer=Answer.objects.get(review=prefilled, question__code="Q_02"), user=cast.owner)

    # What was waiting then still reads as waiting at the milestone, whatever was confirmed since.
    client.force_login(cast.viewer)
    body = client.get(reverse("milestones:overview", args=[milestone.pk])).content.decode()
    assert "1 of 4" in body
    assert "2 pre-filled answers were still waiting for a person to confirm or change them" in body
    body = client.get(reverse("reports:milestone_page", args=[milestone.pk])).content.decode()
    assert "1 of 4 questions answered; 2 pre-filled answers wait for confirmation" in body
    assert review_outline(review=prefilled).answered == 2
