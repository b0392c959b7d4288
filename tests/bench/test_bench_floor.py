"""The web benchmark's URLconf: the two floors it measures against, and the app it measures."""

import pytest
from django.conf import settings
from django.urls import resolve, reverse

from tests.factories import UserFactory, build_lens
from wareview.reviews.models import Answer
from wareview.reviews.services import review_start
from wareview.teams.models import Membership, Role
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
    assert reverse("bench_auth_floor") == "/bench/auth-floor/"


# The auth floor: the floor for a signed-in member, as every page of the app starts.

# With Redis the session is read from the cache (settings.py); in the database it costs a query more.
SESSION_QUERIES = 0 if settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db" else 1


def auth_floor(client, answer: Answer, **form):
    return client.post("/bench/auth-floor/", {"answer": answer.pk, "team": answer.review.workload.team_id, **form})


def test_the_auth_floor_reads_the_session_the_user_and_the_membership_then_selects_and_updates(
    client, django_assert_num_queries, answer
):
    client.force_login(answer.review.created_by)
    before = Answer.objects.get(pk=answer.pk).updated_at
    with django_assert_num_queries(SESSION_QUERIES + 4) as queries:
        response = auth_floor(client, answer)
    assert response.status_code == 200 and response.content == f"auth floor {answer.pk}\n".encode()
    tables = [query["sql"].split(" FROM ")[1].split()[0].strip('"') for query in queries.captured_queries[:-1]]
    assert tables[SESSION_QUERIES:] == ["auth_user", "teams_team", "reviews_answer"]
    assert queries.captured_queries[-1]["sql"].startswith('UPDATE "reviews_answer"')
    assert Answer.objects.get(pk=answer.pk).updated_at != before


def test_the_auth_floor_sends_a_signed_out_person_to_sign_in_and_changes_nothing(client, answer):
    before = Answer.objects.get(pk=answer.pk).updated_at
    response = auth_floor(client, answer)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert Answer.objects.get(pk=answer.pk).updated_at == before


@pytest.mark.parametrize(("role", "status"), [(None, 404), (Role.VIEWER, 403), (Role.CONTRIBUTOR, 200)])
def test_the_auth_floor_lets_only_the_team_s_writers_through(client, answer, role, status):
    person = UserFactory()
    if role is not None:
        Membership.objects.create(team=answer.review.workload.team, user=person, role=role)
    client.force_login(person)
    before = Answer.objects.get(pk=answer.pk).updated_at
    assert auth_floor(client, answer).status_code == status
    assert (Answer.objects.get(pk=answer.pk).updated_at == before) is (status != 200)


def test_the_auth_floor_refuses_an_answer_of_another_team_a_get_and_bad_numbers(client, answer):
    person = answer.review.created_by
    elsewhere = Workload.objects.create(team=team_create(name="Elsewhere", user=person), name="Other")
    client.force_login(person)
    assert auth_floor(client, answer, team=elsewhere.team_id).status_code == 404
    assert client.get("/bench/auth-floor/").status_code == 405
    response = auth_floor(client, answer, team="x")
    assert response.status_code == 400 and b"`team`" in response.content
