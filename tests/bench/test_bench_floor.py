"""The web benchmark's URLconf: the floor it measures against, and the app it measures."""

import pytest
from django.urls import resolve, reverse

from tests.factories import UserFactory, build_lens
from wareview.reviews.models import Answer
from wareview.reviews.services import review_start
from wareview.teams.services import team_create
from wareview.workloads.models import Workload

pytestmark = [pytest.mark.django_db, pytest.mark.urls("bench.urls")]


@pytest.fixture
def answer() -> Answer:
    user = UserFactory()
    workload = Workload.objects.create(team=team_create(name="Bench team", user=user), name="Bench workload")
    review = review_start(workload=workload, lens=build_lens(questions_per_area=1, areas=1), user=user)
    return review.answers.get()


def test_the_floor_does_one_select_and_one_update(client, django_assert_num_queries, answer):
    with django_assert_num_queries(2) as queries:
        response = client.post("/bench/floor/", {"answer": answer.pk})
    assert response.status_code == 200
    assert [query["sql"].split()[0] for query in queries.captured_queries] == ["SELECT", "UPDATE"]
    answer.refresh_from_db()
    assert answer.updated_at is not None


def test_a_signed_in_floor_reads_no_session_and_no_user(client, django_assert_num_queries, answer):
    """The benchmark's users are signed in: the floor's request carries their session, which nothing on its way
    may load (the privacy headers tell a signed-in person by the cookie alone)."""
    client.force_login(answer.review.created_by)
    with django_assert_num_queries(2):
        response = client.post("/bench/floor/", {"answer": answer.pk})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_the_floor_needs_no_sign_in_but_refuses_a_get_and_a_missing_answer(client):
    assert client.get("/bench/floor/").status_code == 405
    assert client.post("/bench/floor/", {"answer": "x"}).status_code == 400
    assert client.post("/bench/floor/", {"answer": 999_999}).status_code == 404


def test_the_bench_urls_still_serve_the_app():
    assert resolve("/reviews/7/questions/PERF_01/").view_name == "reviews:question"
    assert resolve("/accounts/login/").view_name == "login"
    assert reverse("reviews:question", args=[7, "PERF_01"]) == "/reviews/7/questions/PERF_01/"
    assert reverse("bench_floor") == "/bench/floor/"
