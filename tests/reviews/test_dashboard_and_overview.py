import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wareview.reviews.models import Answer, AnswerRisk
from wareview.workloads.models import Workload

pytestmark = pytest.mark.django_db


def set_risks(review, risks: dict[str, str]) -> None:
    for code, risk in risks.items():
        Answer.objects.filter(review=review, question__code=code).update(risk=risk)


def test_the_dashboard_shows_completion_and_risk_counts_of_my_workloads(client, cast):
    set_risks(cast.review, {"Q_01": AnswerRisk.HIGH, "Q_02": AnswerRisk.HIGH, "Q_03": AnswerRisk.MEDIUM})
    client.force_login(cast.viewer)
    body = client.get(reverse("reviews:dashboard")).content.decode()
    assert "Checkout" in body
    assert '<progress max="4" value="3" aria-label="Completion of Checkout">75%</progress>' in body
    assert "<td>2</td>" in body and "<td>1</td>" in body


def test_the_dashboard_hides_workloads_of_other_teams(client, cast):
    client.force_login(cast.outsider)
    assert "Checkout" not in client.get(reverse("reviews:dashboard")).content.decode()


def test_the_dashboard_uses_the_same_queries_for_one_or_many_workloads(client, cast):
    from wareview.reviews.services import review_start

    client.force_login(cast.owner)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("reviews:dashboard"))
    for number in range(5):
        workload = Workload.objects.create(team=cast.team, name=f"Service {number}")
        review_start(workload=workload, lens=cast.lens, user=cast.owner)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("reviews:dashboard"))
    assert response.content.decode().count("<progress") == 6
    # User, the workloads' count and page, their open reviews' answers counted, the teams a new workload may go
    # to; plus the session where it is not cached.
    session_queries = 0 if settings.SESSION_ENGINE.endswith("cached_db") else 1
    assert len(many) == len(few) == 5 + session_queries


def test_the_dashboard_shows_a_page_of_workloads_at_a_time_with_the_same_queries(client, cast):
    from wareview.lib.paging import PAGE_SIZE as DASHBOARD_PAGE_SIZE

    Workload.objects.bulk_create(
        Workload(team=cast.team, name=f"Service {number:03d}") for number in range(DASHBOARD_PAGE_SIZE * 2)
    )
    client.force_login(cast.viewer)
    with CaptureQueriesContext(connection) as first_page:
        first = client.get(reverse("reviews:dashboard")).content.decode()
    with CaptureQueriesContext(connection) as last_page:
        last = client.get(reverse("reviews:dashboard"), {"page": "3"}).content.decode()
    assert len(first_page) == len(last_page)
    assert "Page 1 of 3" in first and 'href="/?page=2" rel="next"' in first
    assert first.count('<th scope="row">') == DASHBOARD_PAGE_SIZE
    assert "Checkout" in first and "Service 049" not in first
    assert "Page 3 of 3" in last and "Service 049" in last and 'rel="next"' not in last
    assert "Checkout" not in last


def test_a_dashboard_page_number_out_of_range_or_not_a_number_shows_a_page_that_exists(client, cast):
    client.force_login(cast.viewer)
    for page in ("99", "abc", "-1"):
        response = client.get(reverse("reviews:dashboard"), {"page": page})
        assert response.status_code == 200
        assert "Checkout" in response.content.decode()


def test_the_dashboard_counts_only_open_reviews(client, cast):
    from wareview.reviews.models import Review

    set_risks(cast.review, {"Q_01": AnswerRisk.HIGH})
    Review.objects.filter(pk=cast.review.pk).update(status=Review.Status.CLOSED)
    client.force_login(cast.viewer)
    body = client.get(reverse("reviews:dashboard")).content.decode()
    assert "No open review" in body


def test_the_overview_counts_risks_per_level_and_focus_area_and_lists_what_needs_attention(client, cast):
    set_risks(cast.review, {"Q_01": AnswerRisk.HIGH, "Q_03": AnswerRisk.MEDIUM, "Q_04": AnswerRisk.NOT_APPLICABLE})
    client.force_login(cast.contributor)
    body = client.get(reverse("reviews:overview", args=[cast.review.pk])).content.decode()
    assert "75% complete (3 of 4 questions)" in body
    attention = body.split("Questions that need attention")[1]
    assert attention.index("Q_01") < attention.index("Q_03")
    assert "Q_02" not in attention and "Q_04" not in attention


def test_the_overview_takes_a_fixed_number_of_queries(client, cast, django_assert_max_num_queries):
    client.force_login(cast.contributor)
    # Session, user, review with its access check, navigation, newer lens versions, the ticks and the evidence;
    # the lens's profile questions (none here).
    with django_assert_max_num_queries(7):
        client.get(reverse("reviews:overview", args=[cast.review.pk]))


def test_the_overview_draws_the_risk_by_focus_area_chart(client, cast):
    set_risks(cast.review, {"Q_01": AnswerRisk.HIGH})
    client.force_login(cast.viewer)
    body = client.get(reverse("reviews:overview", args=[cast.review.pk])).content.decode()
    chart = body.split('<figure class="chart">')[1].split("</figure>")[0]
    assert "<svg" in chart and "<title" in chart
    for area in cast.lens.pillars.get().focus_areas.all():
        assert area.name in chart


def test_the_dashboard_offers_a_new_workload_in_each_team_the_person_writes_to_and_a_new_team(client, cast):
    from wareview.teams.services import team_create

    team_create(name="Search", user=cast.contributor)
    client.force_login(cast.contributor)
    body = client.get(reverse("reviews:dashboard")).content.decode()
    assert f'href="{reverse("workloads:create", args=[cast.team.pk])}">New workload<span class=""> in Payments' in body
    assert '>New workload<span class=""> in Search' in body
    assert f'href="{reverse("teams:list")}#new-team">New team</a>' in body


def test_a_viewer_is_offered_no_new_workload_and_an_empty_dashboard_says_what_to_do(client, cast):
    client.force_login(cast.viewer)
    assert "New workload" not in client.get(reverse("reviews:dashboard")).content.decode()
    client.force_login(cast.outsider)
    Workload.objects.filter(team__memberships__user=cast.outsider).delete()
    body = client.get(reverse("reviews:dashboard")).content.decode()
    assert "No workloads yet. Add the first with “New workload”" in body
