import pytest
from django.urls import reverse

from tests.factories import UserFactory
from wareview.teams.models import Membership, Role, Team

pytestmark = pytest.mark.django_db


def test_a_signed_in_user_creates_a_team_and_becomes_its_owner(client):
    user = UserFactory(username="ana")
    client.force_login(user)
    response = client.post(reverse("teams:list"), {"name": "Platform"})
    team = Team.objects.get(name="Platform")
    assert response["Location"] == reverse("teams:detail", args=[team.pk])
    assert Membership.objects.get(team=team, user=user).role == Role.OWNER


def test_an_owner_changes_a_role(client, cast):
    membership = Membership.objects.get(team=cast.team, user=cast.viewer)
    client.force_login(cast.owner)
    client.post(reverse("teams:member_update", args=[cast.team.pk, membership.pk]), {"role": "contributor"})
    membership.refresh_from_db()
    assert membership.role == Role.CONTRIBUTOR


def test_the_last_owner_can_neither_step_down_nor_be_removed(client, cast):
    membership = Membership.objects.get(team=cast.team, user=cast.owner)
    client.force_login(cast.owner)
    demote = client.post(reverse("teams:member_update", args=[cast.team.pk, membership.pk]), {"role": "viewer"})
    remove = client.post(reverse("teams:member_remove", args=[cast.team.pk, membership.pk]))
    for response in (demote, remove):
        assert response.status_code == 400
        assert "A team needs at least one owner" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.OWNER


def test_an_owner_may_step_down_once_another_owner_exists(client, cast):
    Membership.objects.filter(team=cast.team, user=cast.contributor).update(role=Role.OWNER)
    membership = Membership.objects.get(team=cast.team, user=cast.owner)
    client.force_login(cast.owner)
    client.post(reverse("teams:member_remove", args=[cast.team.pk, membership.pk]))
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_an_unknown_role_is_refused_with_a_message(client, cast):
    membership = Membership.objects.get(team=cast.team, user=cast.viewer)
    client.force_login(cast.owner)
    response = client.post(reverse("teams:member_update", args=[cast.team.pk, membership.pk]), {"role": "king"})
    assert response.status_code == 400
    assert "Choose a role: owner, contributor or viewer." in response.content.decode()


def test_a_member_of_another_team_cannot_be_changed_through_this_team(client, cast):
    other = Membership.objects.get(user=cast.outsider)
    client.force_login(cast.owner)
    response = client.post(reverse("teams:member_update", args=[cast.team.pk, other.pk]), {"role": "viewer"})
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.role == Role.OWNER


def test_a_viewer_refused_a_change_is_told_why(client, cast):
    client.force_login(cast.viewer)
    response = client.post(
        reverse("teams:invitation_create", args=[cast.team.pk]), {"email": "x@example.com", "role": "viewer"}
    )
    assert response.status_code == 403
    assert "Only the team&#x27;s owners can do this." in response.content.decode()
    assert not cast.team.invitations.exists()


def test_a_team_needs_a_name(client):
    client.force_login(UserFactory(username="ana"))
    response = client.post(reverse("teams:list"), {"name": ""})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not Team.objects.exists()


def test_an_empty_team_form_is_refused_with_a_message(client):
    client.force_login(UserFactory(username="ana"))
    response = client.post(reverse("teams:list"), {})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not Team.objects.exists()


@pytest.mark.parametrize("name", ["teams:invitation_create", "teams:member_update", "teams:member_remove"])
def test_opening_a_form_only_address_says_to_use_the_buttons_and_changes_nothing(client, cast, name):
    membership = Membership.objects.get(team=cast.team, user=cast.viewer)
    args = [cast.team.pk] if name == "teams:invitation_create" else [cast.team.pk, membership.pk]
    client.force_login(cast.owner)
    response = client.get(reverse(name, args=args))
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "This address only takes a submitted form." in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.VIEWER


def test_an_owner_demoted_while_their_change_was_on_its_way_cannot_change_members(cast):
    # The view let the request in while its sender was an owner; under the lock the service sees the demotion.
    from wareview.teams import services

    second_owner = UserFactory(username="otto")
    Membership.objects.create(team=cast.team, user=second_owner, role=Role.OWNER)
    Membership.objects.filter(team=cast.team, user=second_owner).update(role=Role.CONTRIBUTOR)
    viewer = Membership.objects.get(team=cast.team, user=cast.viewer)
    with pytest.raises(services.TeamError, match="no longer an owner"):
        services.member_change_role(membership=viewer, role=Role.OWNER, by=second_owner)
    with pytest.raises(services.TeamError, match="no longer an owner"):
        services.member_remove(membership=viewer, by=second_owner)
    assert Membership.objects.get(pk=viewer.pk).role == Role.VIEWER
