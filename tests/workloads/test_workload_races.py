"""Two members saving the same workload name at the same moment, on PostgreSQL: a form error, never a 500."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.teams.races import at_once, meet_before, need_postgresql
from wareview.workloads import services
from wareview.workloads.models import Workload

pytestmark = pytest.mark.usefixtures("transactional_db")

FIELDS = {"name": "Search API", "environment": "production"}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_two_members_creating_the_same_workload_at_once_make_one(cast, monkeypatch):
    need_postgresql()
    # Both requests pass the form's name check before either saves: only the database can tell them apart.
    meet_before(monkeypatch, services, "workload_create")
    url = reverse("workloads:create", args=[cast.team.pk])

    def create(by, name):
        return lambda: signed_in(by).post(url, {**FIELDS, "name": name})

    responses = at_once(create(cast.owner, "Search API"), create(cast.contributor, "search api"))
    assert sorted(response.status_code for response in responses) == [302, 400]
    refused = next(response for response in responses if response.status_code == 400)
    assert "The team already has a workload called “" in refused.content.decode()
    assert Workload.objects.filter(team=cast.team, name__iexact="search api").count() == 1


def test_two_workloads_renamed_to_the_same_name_at_once_keep_distinct_names(cast, monkeypatch):
    need_postgresql()
    other = Workload.objects.create(team=cast.team, name="Billing", created_by=cast.owner)
    meet_before(monkeypatch, services, "workload_update")

    def rename(by, workload):
        url = reverse("workloads:edit", args=[workload.pk])
        return lambda: signed_in(by).post(url, FIELDS)

    responses = at_once(rename(cast.owner, cast.workload), rename(cast.contributor, other))
    assert sorted(response.status_code for response in responses) == [302, 400]
    refused = next(response for response in responses if response.status_code == 400)
    assert "The team already has a workload called “Search API”." in refused.content.decode()
    names = sorted(Workload.objects.filter(team=cast.team).values_list("name", flat=True))
    assert names in (["Billing", "Search API"], ["Checkout", "Search API"])
