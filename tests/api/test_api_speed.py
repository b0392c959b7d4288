"""The API reads a review and saves an answer in a fixed number of queries, whatever the size of the lens, within
the budgets of the browser's pages (tests/reviews/test_answer_save.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import build_lens
from wareview.reviews.services import review_start

pytestmark = pytest.mark.django_db

# The token with its user, the review with its access check, the outline with the answers, their versions.
REVIEW_READ_QUERIES = 4
# The token with its user (in place of the page's user), the answer with its access check, the compare-and-swap
# update, the history insert, the improvement plan's items of the practices ticked (wareview/plans follows the
# ticks), and the save's savepoint and release: the autosave's budget (8) less the progress counts, which the
# API does not send.
ANSWER_SAVE_QUERIES = 7


@pytest.fixture
def reviews(cast):
    """Reviews of 5 and of 50 questions."""
    small = review_start(workload=cast.workload, lens=build_lens(questions_per_area=5, areas=1), user=cast.owner)
    large = review_start(workload=cast.workload, lens=build_lens(questions_per_area=25, areas=2), user=cast.owner)
    return small, large


def counted(call):
    with CaptureQueriesContext(connection) as queries:
        response = call()
    return response, len(queries)


def test_reading_a_review_takes_the_same_few_queries_for_5_and_50_questions(api_as, reviews):
    owner = api_as("owner")
    owner.get("/lenses")  # the token's first use is noted once a minute: warm it
    counts = []
    for review, size in zip(reviews, (5, 50), strict=True):
        response, queries = counted(lambda review=review: owner.get(f"/reviews/{review.pk}"))
        assert response.json()["question_count"] == size
        counts.append(queries)
    assert counts == [REVIEW_READ_QUERIES, REVIEW_READ_QUERIES]


def test_saving_an_answer_takes_the_same_few_queries_for_5_and_50_questions(api_as, reviews):
    owner = api_as("contributor")
    counts = []
    for review in reviews:
        # A first save notes the token's use and keeps the question's practices and rules in memory.
        owner.put(f"/reviews/{review.pk}/answers/Q_01", {"version": 0, "selected": ["q_01_a"]})
        body = {"version": 1, "selected": ["q_01_a", "q_01_b"]}
        response, queries = counted(
            lambda review=review, body=body: owner.put(f"/reviews/{review.pk}/answers/Q_01", body)
        )
        assert response.status_code == 200
        counts.append(queries)
    assert counts == [ANSWER_SAVE_QUERIES, ANSWER_SAVE_QUERIES]
