"""Two owners acting on the same team at the same moment, on PostgreSQL: a message for one, never a 500."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.teams.races import at_once, meet_before, need_postgresql
from wareview.teams import services
from wareview.teams.models import Invitation, Membership, Role

pytestmark = pytest.mark.usefixtures("transactional_db")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def two_owners(cast):
    need_postgresql()
    Membership.objects.filter(team=cast.team, user=cast.contributor).update(role=Role.OWNER)
    return cast


def test_two_owners_demoting_each_other_at_once_leave_one_owner(two_owners, monkeypatch):
    cast = two_owners
    olivia, carlos = (Membership.objects.get(team=cast.team, user=user) for user in (cast.owner, cast.contributor))
    meet_before(monkeypatch, services, "member_change_role")

    def demote(by, membership):
        url = reverse("teams:member_update", args=[cast.team.pk, membership.pk])
        return lambda: signed_in(by).post(url, {"role": "viewer"})

    responses = at_once(demote(cast.owner, carlos), demote(cast.contributor, olivia))
    assert sorted(response.status_code for response in responses) == [302, 400]
    refused = next(response for response in responses if response.status_code == 400)
    # The later one, under the lock, finds its sender demoted (or removed) by the earlier one.
    assert "You are no longer an owner of this team" in refused.content.decode()
    owners = Membership.objects.filter(team=cast.team, role=Role.OWNER)
    assert owners.count() == 1
    assert set(Membership.objects.filter(team=cast.team).values_list("role", flat=True)) == {Role.OWNER, Role.VIEWER}


def test_two_owners_removing_each_other_at_once_leave_one_owner(two_owners, monkeypatch):
    cast = two_owners
    olivia, carlos = (Membership.objects.get(team=cast.team, user=user) for user in (cast.owner, cast.contributor))
    meet_before(monkeypatch, services, "member_remove")

    def remove(by, membership):
        url = reverse("teams:member_remove", args=[cast.team.pk, membership.pk])
        return lambda: signed_in(by).post(url)

    responses = at_once(remove(cast.owner, carlos), remove(cast.contributor, olivia))
    assert sorted(response.status_code for response in responses) == [302, 400]
    refused = next(response for response in responses if response.status_code == 400)
    # The later one, under the lock, finds its sender demoted (or removed) by the earlier one.
    assert "You are no longer an owner of this team" in refused.content.decode()
    assert Membership.objects.filter(team=cast.team, role=Role.OWNER).count() == 1


def test_two_owners_inviting_the_same_address_at_once_make_one_invitation(two_owners, monkeypatch, mailoutbox):
    cast = two_owners
    meet_before(monkeypatch, services, "invitation_create")
    url = reverse("teams:invitation_create", args=[cast.team.pk])

    def invite(by, address):
        return lambda: signed_in(by).post(url, {"email": address, "role": "viewer"})

    responses = at_once(invite(cast.owner, "newbie@example.com"), invite(cast.contributor, "NEWBIE@example.com"))
    assert sorted(response.status_code for response in responses) == [302, 400]
    refused = next(response for response in responses if response.status_code == 400)
    assert "already has an invitation waiting" in refused.content.decode()
    assert Invitation.objects.filter(team=cast.team, email__iexact="newbie@example.com").count() == 1
    assert len(mailoutbox) == 1
