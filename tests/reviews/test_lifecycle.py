"""Where a review's walk starts, which questions need attention first, and closing and reopening a review."""

import re

import pytest
from django.urls import reverse

from tests.factories import build_lens
from tests.reports.helpers import answer
from wareview.reviews.models import Answer, Review
from wareview.reviews.services import review_start

pytestmark = pytest.mark.django_db


def overview(client, review) -> str:
    return client.get(reverse("reviews:overview", args=[review.pk])).content.decode()


def walk_link(body: str) -> str:
    return re.search(r'href="[^"]*/questions/(Q_\d+)/">Walk through the questions', body).group(1)


def test_walk_through_the_questions_opens_the_first_unanswered_question(client, cast):
    client.force_login(cast.viewer)
    assert walk_link(overview(client, cast.review)) == "Q_01"
    answer(cast.review, "Q_01", "a")
    answer(cast.review, "Q_03", "a")
    assert walk_link(overview(client, cast.review)) == "Q_02"
    answer(cast.review, "Q_02", "a")
    assert walk_link(overview(client, cast.review)) == "Q_04"


def test_walk_through_the_questions_opens_the_first_question_when_all_are_answered(client, cast):
    for code in ("Q_01", "Q_02", "Q_03", "Q_04"):
        answer(cast.review, code, "a", "b")
    client.force_login(cast.viewer)
    assert walk_link(overview(client, cast.review)) == "Q_01"


def test_questions_that_need_attention_come_worst_first_then_in_lens_order(client, cast):
    answer(cast.review, "Q_01", "a")  # medium
    answer(cast.review, "Q_02", "no")  # high
    answer(cast.review, "Q_03", "a")  # medium
    answer(cast.review, "Q_04", "b")  # high
    client.force_login(cast.viewer)
    body = overview(client, cast.review)
    section = body[body.index("Questions that need attention") :]
    assert re.findall(r"/questions/(Q_\d+)/\">", section) == ["Q_02", "Q_04", "Q_01", "Q_03"]


def close(client, review):
    return client.post(reverse("reviews:close", args=[review.pk]))


def test_a_closed_review_is_read_only_for_everyone_until_reopened(client, cast):
    client.force_login(cast.contributor)
    assert close(client, cast.review).status_code == 302
    body = overview(client, cast.review)
    assert "This review is closed" in body and "Reopen the review" in body and "Close the review" not in body
    question = client.get(reverse("reviews:question", args=[cast.review.pk, "Q_01"])).content.decode()
    assert "This review is closed: its answers are kept as they are." in question
    assert "<fieldset" in question and "disabled" in question and "Save answer" not in question
    data = {"version": 0, "selected": ["q_01_a"], "reason": "", "notes": ""}
    refused = client.post(reverse("reviews:question", args=[cast.review.pk, "Q_01"]), data)
    assert refused.status_code == 403
    assert "This review is closed, so it cannot change. Reopen it from its overview first." in refused.content.decode()
    assert Answer.objects.get(review=cast.review, question__code="Q_01").selected == []
    assert client.post(reverse("reviews:reopen", args=[cast.review.pk])).status_code == 302
    assert client.post(reverse("reviews:question", args=[cast.review.pk, "Q_01"]), data).status_code == 302


def test_a_closed_review_frees_its_lens_for_a_new_review_and_cannot_be_reopened_beside_it(client, cast):
    client.force_login(cast.owner)
    close(client, cast.review)
    response = client.post(reverse("reviews:start", args=[cast.workload.pk]), {"lens": cast.lens.pk})
    assert response.status_code == 302
    refused = client.post(reverse("reviews:reopen", args=[cast.review.pk]))
    assert refused.status_code == 409
    assert "Checkout has another open review on" in refused.content.decode()
    cast.review.refresh_from_db()
    assert cast.review.status == Review.Status.CLOSED


def test_a_closed_review_shows_as_closed_on_the_workload_page(client, cast):
    answer(cast.review, "Q_01", "no")
    client.force_login(cast.owner)
    close(client, cast.review)
    workload = client.get(reverse("workloads:detail", args=[cast.workload.pk])).content.decode()
    assert "<td>Closed</td>" in workload


def test_a_viewer_can_neither_close_nor_reopen(client, cast):
    client.force_login(cast.viewer)
    assert "Close the review" not in overview(client, cast.review)
    assert close(client, cast.review).status_code == 403
    cast.review.refresh_from_db()
    assert not cast.review.is_closed


def test_the_plan_of_a_closed_review_is_read_only(client, cast):
    from tests.plans.helpers import edit, item_of, plan_url

    answer(cast.review, "Q_01", "a")
    client.force_login(cast.owner)
    client.get(plan_url(cast.review))
    close(client, cast.review)
    assert 'class="item-form"' not in client.get(plan_url(cast.review)).content.decode()
    response = edit(client, item_of(cast.review, "q_01_b"), status="done")
    assert response.status_code == 403
    assert item_of(cast.review, "q_01_b").status == "open"


def test_a_second_review_of_another_lens_is_untouched_by_closing_the_first(client, cast):
    other = review_start(workload=cast.workload, lens=build_lens(), user=cast.owner)
    client.force_login(cast.owner)
    close(client, cast.review)
    other.refresh_from_db()
    assert not other.is_closed


def test_an_autosave_on_a_review_closed_meanwhile_says_it_was_not_saved(client, cast):
    client.force_login(cast.contributor)
    close(client, cast.review)
    data = {"version": 0, "selected": ["q_01_a"], "reason": "", "notes": ""}

    refused = client.post(reverse("reviews:question", args=[cast.review.pk, "Q_01"]), data, HTTP_HX_REQUEST="true")

    assert refused.status_code == 403
    body = refused.content.decode()
    assert 'id="save-status-Q_01" class="save-status" role="status" aria-live="polite" hx-swap-oob="innerHTML"' in body
    assert "Not saved: This review is closed, so it cannot change. Reopen it from its overview first." in body
    assert "<html" not in body
    assert Answer.objects.get(review=cast.review, question__code="Q_01").selected == []
