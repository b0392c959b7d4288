"""The team page shows its workloads and its members a page at a time, each list paged on its own."""

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import UserFactory
from wareview.teams.models import Invitation, Membership, Role, token_hash
from wareview.workloads.models import Workload

pytestmark = pytest.mark.django_db

# With Redis, sessions are read from the cache; without it, from the database (one more query).
SESSION_QUERIES = 0 if settings.SESSION_ENGINE.endswith("cached_db") else 1
# User, team with the member's role, then a count and a page for each of workloads and members.
TEAM_PAGE_QUERIES = 6 + SESSION_QUERIES
# Owners also see a page of the invitations waiting to be accepted: a count and the page.
OWNER_PAGE_QUERIES = TEAM_PAGE_QUERIES + 2


def add_workloads(team, number: int, *, first: int = 0) -> None:
    # "Checkout" is already there; these sort after it.
    Workload.objects.bulk_create(Workload(team=team, name=f"Service {n:03}") for n in range(first, first + number))


def add_members(team, number: int) -> None:
    users = [UserFactory(username=f"member{n:03}") for n in range(number)]
    Membership.objects.bulk_create(Membership(team=team, user=user, role=Role.VIEWER) for user in users)


def team_page(client, team, **query):
    return client.get(reverse("teams:detail", args=[team.pk]), query)


def workload_names(body: str) -> list[str]:
    return re.findall(r'<li><a href="/workloads/\d+/">([^<]+)</a></li>', body)


def test_the_team_page_shows_the_first_25_workloads_and_says_how_many_pages_there_are(client, cast):
    add_workloads(cast.team, 29)
    client.force_login(cast.viewer)
    body = team_page(client, cast.team).content.decode()
    assert workload_names(body) == ["Checkout", *(f"Service {n:03}" for n in range(24))]
    workloads = body.split('aria-label="Pages of workloads"')[1].split("</nav>")[0]
    assert "Page 1 of 2" in workloads
    assert f'href="/teams/{cast.team.pk}/?workloads_page=2" rel="next">Next' in workloads
    assert "Previous" not in workloads


def test_the_last_page_of_workloads_shows_the_rest_and_links_back(client, cast):
    add_workloads(cast.team, 29)
    client.force_login(cast.viewer)
    body = team_page(client, cast.team, workloads_page=2).content.decode()
    assert workload_names(body) == [f"Service {n:03}" for n in range(24, 29)]
    workloads = body.split('aria-label="Pages of workloads"')[1].split("</nav>")[0]
    assert "Page 2 of 2" in workloads
    assert f'href="/teams/{cast.team.pk}/?workloads_page=1" rel="prev">Previous' in workloads


def test_a_team_with_few_workloads_and_members_shows_no_page_links(client, cast):
    client.force_login(cast.owner)
    body = team_page(client, cast.team).content.decode()
    assert 'class="pager"' not in body
    assert "Your role: Owner" in body


@pytest.mark.parametrize(("asked", "shown"), [("abc", 1), ("0", 2), ("-3", 2), ("99", 2), ("1.5", 1), ("", 1)])
def test_a_page_number_that_is_no_page_shows_the_first_or_the_last_page(client, cast, asked, shown):
    add_workloads(cast.team, 29)
    client.force_login(cast.contributor)
    response = team_page(client, cast.team, workloads_page=asked)
    assert response.status_code == 200
    assert f"Page {shown} of 2" in response.content.decode()


def test_members_are_paged_on_their_own_and_their_links_keep_the_page_of_workloads(client, cast):
    add_workloads(cast.team, 29)
    add_members(cast.team, 30)  # with the cast's three: 33 members
    client.force_login(cast.owner)
    body = team_page(client, cast.team, workloads_page=2).content.decode()
    members = body.split('aria-label="Pages of members"')[1].split("</nav>")[0]
    assert "Page 1 of 2" in members
    assert f'href="/teams/{cast.team.pk}/?workloads_page=2&amp;members_page=2" rel="next">Next' in members
    assert "Page 2 of 2" in body.split('aria-label="Pages of workloads"')[1].split("</nav>")[0]
    second = team_page(client, cast.team, members_page=2).content.decode()
    assert "Remove vera" in second and "Remove member000" not in second


def test_the_page_links_name_the_list_they_move_through_for_screen_readers(client, cast):
    add_workloads(cast.team, 29)
    client.force_login(cast.viewer)
    body = team_page(client, cast.team).content.decode()
    assert 'Next<span class="visually-hidden"> workloads</span></a>' in body


def test_an_outsider_asking_for_a_page_of_a_team_gets_the_404(client, cast):
    client.force_login(cast.outsider)
    response = team_page(client, cast.team, workloads_page=2)
    assert response.status_code == 404
    assert "There is nothing here, or it belongs to a team you are not in." in response.content.decode()


def count_queries(client, team) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert team_page(client, team).status_code == 200
    return len(queries)


def add_invitations(team, number: int, *, first: int = 0) -> None:
    Invitation.objects.bulk_create(
        Invitation(team=team, email=f"invitee{n}@example.com", token_hash=token_hash(f"t{n}"))
        for n in range(first, first + number)
    )


@pytest.mark.parametrize(("role", "queries"), [("owner", OWNER_PAGE_QUERIES), ("viewer", TEAM_PAGE_QUERIES)])
def test_the_team_page_takes_the_same_queries_for_3_and_60_workloads_members_and_invitations(
    client, cast, role, queries
):
    client.force_login(cast.user(role))
    add_workloads(cast.team, 2)
    add_invitations(cast.team, 1)
    team_page(client, cast.team)  # the session is in the cache from here on
    few = count_queries(client, cast.team)
    add_workloads(cast.team, 57, first=2)
    add_members(cast.team, 57)
    add_invitations(cast.team, 59, first=1)
    many = count_queries(client, cast.team)
    assert few == many == queries
