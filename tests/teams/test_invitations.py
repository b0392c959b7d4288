"""Owners invite people by e-mail; nobody joins a team without accepting the invitation sent to their address."""

import re
import smtplib
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory
from tests.teams.test_team_page import OWNER_PAGE_QUERIES
from wareview.teams.models import Invitation, Membership, Role, token_hash

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^/\s]+(/invitations/[^/\s]+/)")


class RefusingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPConnectError(421, "Service not available")


def invite(client, cast, email="newbie@example.com", role="viewer"):
    return client.post(reverse("teams:invitation_create", args=[cast.team.pk]), {"email": email, "role": role})


def link_in(message) -> str:
    return LINK.search(message.body).group(1)


def told(response) -> str:
    """The message the response leaves for the next page (earlier ones may still be waiting before it)."""
    return [str(message) for message in get_messages(response.wsgi_request)][-1]


@pytest.fixture
def invited(client, cast, mailoutbox):
    """An invitation from the owner to newbie@example.com as a viewer, and the path of its link."""
    client.force_login(cast.owner)
    invite(client, cast)
    client.logout()
    return Invitation.objects.get(email="newbie@example.com"), link_in(mailoutbox[-1])


# Inviting


def test_an_owner_invites_an_address_with_a_role_and_the_invitee_gets_a_link(client, cast, mailoutbox):
    client.force_login(cast.owner)
    response = invite(client, cast, email="Newbie@Example.com", role="contributor")
    assert response["Location"] == reverse("teams:detail", args=[cast.team.pk])
    (message,) = mailoutbox
    assert message.to == ["Newbie@Example.com"]
    assert message.subject == "Join Payments on wareview"
    assert "olivia invites you to join Payments on wareview as contributor." in message.body
    assert f"within {settings.INVITATION_MAX_AGE_DAYS} days" in message.body
    invitation = Invitation.objects.get(team=cast.team)
    assert (invitation.role, invitation.status, invitation.invited_by) == ("contributor", "pending", cast.owner)
    assert invitation.token_hash == token_hash(link_in(message).split("/")[2])
    # Nobody joined: the invitee has not accepted.
    assert cast.team.memberships.count() == 3


def test_the_owner_is_told_the_same_whether_or_not_the_address_has_an_account(client, cast, mailoutbox):
    UserFactory(username="known", email="known@example.com")
    client.force_login(cast.owner)
    known = told(invite(client, cast, email="known@example.com"))
    unknown = told(invite(client, cast, email="unknown@example.com"))
    assert known == "Sent an invitation to known@example.com as Viewer. Its link works for 7 days."
    assert unknown == "Sent an invitation to unknown@example.com as Viewer. Its link works for 7 days."
    assert not Membership.objects.filter(user__username="known").exists()


def test_a_bad_address_is_refused_with_words_and_nothing_is_sent(client, cast, mailoutbox):
    client.force_login(cast.owner)
    response = invite(client, cast, email="not an address")
    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()
    assert not Invitation.objects.exists() and not mailoutbox


def test_an_unknown_role_is_refused_with_words(client, cast, mailoutbox):
    client.force_login(cast.owner)
    response = invite(client, cast, role="king")
    assert response.status_code == 400
    assert "Select a valid choice. king is not one of the available choices." in response.content.decode()
    assert not Invitation.objects.exists()


def test_inviting_an_address_that_has_an_invitation_waiting_says_so(client, cast, mailoutbox):
    client.force_login(cast.owner)
    invite(client, cast)
    response = invite(client, cast, email="NEWBIE@example.com", role="owner")
    assert response.status_code == 400
    assert (
        "NEWBIE@example.com already has an invitation waiting: send it again or revoke it" in response.content.decode()
    )
    assert Invitation.objects.get().role == Role.VIEWER
    assert len(mailoutbox) == 1


def test_a_mail_server_that_is_down_is_reported_to_the_owner_and_the_invitation_stays(client, cast, settings):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    client.force_login(cast.owner)
    response = invite(client, cast)
    assert response.status_code == 302
    assert told(response) == (
        "The invitation to newbie@example.com is saved, but the e-mail could not be sent. Ask your administrator "
        "to check the e-mail settings, then use “Send again”."
    )
    assert Invitation.objects.get().status == Invitation.Status.PENDING


# The list of waiting invitations


def test_owners_see_the_waiting_invitations_with_send_again_and_revoke(client, cast, invited):
    client.force_login(cast.owner)
    body = client.get(reverse("teams:detail", args=[cast.team.pk])).content.decode()
    invitation, _ = invited
    assert "<td>newbie@example.com</td>" in body
    assert f'action="{reverse("teams:invitation_resend", args=[cast.team.pk, invitation.pk])}"' in body
    assert f'action="{reverse("teams:invitation_revoke", args=[cast.team.pk, invitation.pk])}"' in body
    assert "Works until" in body


@pytest.mark.parametrize("role", ["contributor", "viewer"])
def test_members_who_are_not_owners_see_no_invitations(client, cast, invited, role):
    client.force_login(cast.user(role))
    body = client.get(reverse("teams:detail", args=[cast.team.pk])).content.decode()
    assert "newbie@example.com" not in body
    assert "Invite someone" not in body


def test_an_expired_invitation_is_listed_as_expired(client, cast, invited):
    invitation, _ = invited
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now() - timedelta(days=8))
    client.force_login(cast.owner)
    body = client.get(reverse("teams:detail", args=[cast.team.pk])).content.decode()
    assert "Expired on" in body


def test_sending_again_mails_a_new_link_and_the_old_one_stops_working(client, cast, invited, mailoutbox):
    invitation, old_link = invited
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now() - timedelta(days=8))
    client.force_login(cast.owner)
    response = client.post(reverse("teams:invitation_resend", args=[cast.team.pk, invitation.pk]))
    assert told(response) == "Sent the invitation again to newbie@example.com as Viewer. Its link works for 7 days."
    new_link = link_in(mailoutbox[-1])
    assert new_link != old_link
    invitation.refresh_from_db()
    assert not invitation.is_expired
    assert client.get(old_link).status_code == 404
    assert client.get(new_link).status_code == 403  # the owner is not the invitee; the link itself works


def test_revoking_stops_the_link_and_the_invitee_is_told(client, cast, invited):
    invitation, link = invited
    client.force_login(cast.owner)
    response = client.post(reverse("teams:invitation_revoke", args=[cast.team.pk, invitation.pk]))
    assert told(response) == "Revoked the invitation to newbie@example.com: its link no longer works."
    client.logout()
    page = client.get(link)
    assert page.status_code == 410
    assert "This invitation to Payments was withdrawn by the team&#x27;s owners." in page.content.decode()


@pytest.mark.parametrize("action", ["invitation_resend", "invitation_revoke"])
def test_an_invitation_no_longer_waiting_is_neither_sent_again_nor_revoked(client, cast, invited, mailoutbox, action):
    invitation, _ = invited
    Invitation.objects.filter(pk=invitation.pk).update(status=Invitation.Status.REVOKED)
    client.force_login(cast.owner)
    sent = len(mailoutbox)
    response = client.post(reverse(f"teams:{action}", args=[cast.team.pk, invitation.pk]))
    assert response.status_code == 400
    assert "The invitation to newbie@example.com was" in response.content.decode()
    assert len(mailoutbox) == sent


def test_an_invitation_of_another_team_cannot_be_revoked_through_this_one(client, cast, invited):
    invitation, _ = invited
    other_team = Membership.objects.get(user=cast.outsider).team
    client.force_login(cast.outsider)
    response = client.post(reverse("teams:invitation_revoke", args=[other_team.pk, invitation.pk]))
    assert response.status_code == 404
    assert Invitation.objects.get(pk=invitation.pk).status == Invitation.Status.PENDING


# Accepting


def test_the_invitee_signed_in_accepts_with_a_button_and_joins_with_the_role(client, cast, invited):
    invitation, link = invited
    newbie = UserFactory(username="newbie", email="NewBie@example.com")
    client.force_login(newbie)
    page = client.get(link)
    assert page.status_code == 200
    assert "olivia invites newbie@example.com to join <strong>Payments</strong> as viewer." in page.content.decode()
    assert '<button type="submit" class="button primary">Accept invitation</button>' in page.content.decode()
    assert not Membership.objects.filter(user=newbie).exists()  # opening the link is not accepting
    response = client.post(link)
    assert response["Location"] == reverse("teams:detail", args=[cast.team.pk])
    assert told(response) == "Welcome to Payments: you joined as Viewer."
    assert Membership.objects.get(user=newbie, team=cast.team).role == Role.VIEWER
    invitation.refresh_from_db()
    assert (invitation.status, invitation.accepted_by) == (Invitation.Status.ACCEPTED, newbie)


def test_a_used_link_says_it_was_used(client, cast, invited):
    _, link = invited
    client.force_login(UserFactory(username="newbie", email="newbie@example.com"))
    client.post(link)
    again = client.post(link)
    assert again.status_code == 410
    assert "This invitation to Payments has already been used." in again.content.decode()


def test_an_expired_link_says_when_it_expired_and_joins_nobody(client, cast, invited):
    invitation, link = invited
    sent = timezone.now() - timedelta(days=settings.INVITATION_MAX_AGE_DAYS, minutes=1)
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=sent)
    newbie = UserFactory(username="newbie", email="newbie@example.com")
    client.force_login(newbie)
    response = client.post(link)
    assert response.status_code == 410
    assert "This invitation to Payments expired on" in response.content.decode()
    assert "Ask the team&#x27;s owners to send it again." in response.content.decode()
    assert not Membership.objects.filter(user=newbie).exists()


def test_the_link_works_for_the_configured_number_of_days(client, cast, invited, settings):
    invitation, link = invited
    settings.INVITATION_MAX_AGE_DAYS = 30
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now() - timedelta(days=20))
    client.force_login(UserFactory(username="newbie", email="newbie@example.com"))
    assert client.get(link).status_code == 200


def test_someone_signed_in_with_another_address_is_refused_and_told_what_to_do(client, cast, invited):
    _, link = invited
    client.force_login(cast.outsider)
    for response in (client.get(link), client.post(link)):
        assert response.status_code == 403
        body = response.content.decode()
        assert (
            "This invitation was sent to newbie@example.com, but you are signed in as oscar (oscar@example.com). "
            "Sign out, then open the link again" in body
        )
        assert f'<input type="hidden" name="next" value="{link}">' in body
    assert not Membership.objects.filter(user=cast.outsider, team=cast.team).exists()


def test_a_member_accepting_is_told_so_and_keeps_their_role(client, cast, mailoutbox):
    client.force_login(cast.owner)
    invite(client, cast, email=cast.viewer.email, role="owner")
    client.force_login(cast.viewer)
    response = client.post(link_in(mailoutbox[-1]))
    assert response.status_code == 302
    assert told(response) == "You are already a member of Payments, as Viewer: your role stays as it is."
    assert Membership.objects.get(team=cast.team, user=cast.viewer).role == Role.VIEWER
    assert Invitation.objects.get().status == Invitation.Status.ACCEPTED


def test_a_link_that_matches_no_invitation_says_so(client, cast):
    client.force_login(cast.outsider)
    response = client.get(reverse("teams:invitation_accept", args=["not-a-token"]))
    assert response.status_code == 404
    assert "This invitation link is not valid." in response.content.decode()


def test_a_link_resent_while_the_invitee_was_accepting_is_refused(cast, invited):
    from wareview.teams import services

    invitation, _ = invited
    newbie = UserFactory(username="newbie", email="newbie@example.com")
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=token_hash("newer"))
    with pytest.raises(services.TeamError, match="used or withdrawn a moment ago"):
        services.invitation_accept(invitation=invitation, user=newbie)
    assert not Membership.objects.filter(user=newbie).exists()


# Signed out: sign in, or create the account


def test_someone_signed_out_is_offered_to_sign_in_or_to_create_an_account(client, cast, invited):
    _, link = invited
    response = client.get(link)
    assert response.status_code == 200
    body = response.content.decode()
    assert f'href="{reverse("login")}?next={link.replace("/", "%2F")}">Sign in to accept</a>' in body
    assert "Your account's e-mail address will be newbie@example.com." in body
    assert "Create account and accept" in body


def test_signing_in_from_the_invitation_comes_back_to_it(client, cast, invited):
    _, link = invited
    UserFactory(username="newbie", email="newbie@example.com")
    response = client.post(reverse("login"), {"login": "newbie", "password": "a-long-test-password", "next": link})
    assert response["Location"] == link
    assert "Accept invitation" in client.get(link).content.decode()


def test_a_new_person_creates_an_account_on_the_invitation_and_joins(client, cast, invited):
    invitation, link = invited
    response = client.post(
        link, {"username": "newbie", "password1": "a-fine-long-secret", "password2": "a-fine-long-secret"}
    )
    assert response["Location"] == reverse("teams:detail", args=[cast.team.pk])
    newbie = get_user_model().objects.get(username="newbie")
    assert newbie.email == "newbie@example.com"
    assert newbie.check_password("a-fine-long-secret")
    # The link proved the address: it is confirmed, so two-factor and password resets work for it at once.
    address = EmailAddress.objects.get(user=newbie)
    assert (address.email, address.verified, address.primary) == ("newbie@example.com", True, True)
    assert Membership.objects.get(user=newbie, team=cast.team).role == Role.VIEWER
    # Signed in as the new account, which sees its team.
    assert client.get(reverse("teams:detail", args=[cast.team.pk])).status_code == 200
    invitation.refresh_from_db()
    assert invitation.accepted_by == newbie


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        (
            {"username": "vera", "password1": "a-fine-long-secret", "password2": "a-fine-long-secret"},
            "A user with that username already exists.",
        ),
        (
            {"username": "newbie", "password1": "a-fine-long-secret", "password2": "another-secret"},
            "The two password fields didn’t match.",
        ),
        ({"username": "newbie", "password1": "short", "password2": "short"}, "This password is too short."),
        ({}, "This field is required."),
    ],
)
def test_a_bad_new_account_is_refused_with_words_and_nobody_joins(client, cast, invited, fields, words):
    _, link = invited
    response = client.post(link, fields)
    assert response.status_code == 400
    assert words in response.content.decode().replace("&#x27;", "'")
    assert not get_user_model().objects.filter(email="newbie@example.com").exists()
    assert cast.team.memberships.count() == 3


def test_an_address_that_has_an_account_must_sign_in_instead_of_creating_another(client, cast, invited):
    _, link = invited
    UserFactory(username="newbie", email="NEWBIE@example.com")
    response = client.post(
        link, {"username": "newbie2", "password1": "a-fine-long-secret", "password2": "a-fine-long-secret"}
    )
    assert response.status_code == 400
    assert "An account with the address newbie@example.com already exists: sign in with it" in response.content.decode()
    assert not get_user_model().objects.filter(username="newbie2").exists()


# Cost


def test_the_owners_team_page_takes_the_same_queries_with_1_and_30_invitations(client, cast, django_assert_num_queries):
    client.force_login(cast.owner)
    url = reverse("teams:detail", args=[cast.team.pk])
    client.get(url)  # the session is in the cache from here on
    owner_queries = OWNER_PAGE_QUERIES
    Invitation.objects.create(team=cast.team, email="one@example.com", token_hash=token_hash("one"))
    with django_assert_num_queries(owner_queries):
        client.get(url)
    Invitation.objects.bulk_create(
        Invitation(team=cast.team, email=f"n{n}@example.com", token_hash=token_hash(f"n{n}")) for n in range(29)
    )
    with django_assert_num_queries(owner_queries):
        body = client.get(url, {"invitations_page": 2}).content.decode()
    assert "Page 2 of 2" in body.split('aria-label="Pages of invitations"')[1]


def test_staff_see_invitations_in_the_admin_without_their_token(client, cast, invited):
    invitation, link = invited
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    listing = client.get(reverse("admin:teams_invitation_changelist")).content.decode()
    assert "newbie@example.com" in listing
    page = client.get(reverse("admin:teams_invitation_change", args=[invitation.pk])).content.decode()
    assert invitation.token_hash not in page and link.split("/")[2] not in page
    assert client.get(reverse("admin:teams_invitation_add")).status_code == 403
