"""Reads for teams: the team page's lists and what an invitation link leads to."""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet
from django.utils import formats

from wareview.teams.models import Invitation, Team, token_hash

INVALID_LINK = (
    "This invitation link is not valid. Check that you opened the whole address from the e-mail, or ask the "
    "team's owners to send the invitation again."
)


def team_pending_invitations(*, team: Team) -> QuerySet[Invitation]:
    return team.invitations.pending().order_by("-sent_at", "pk")


def invitation_for_token(*, token: str) -> Invitation | None:
    """The invitation whose link carries `token`, with its team and who sent it, whatever its state."""
    return Invitation.objects.select_related("team", "invited_by").filter(token_hash=token_hash(token)).first()


@dataclass(frozen=True)
class Refusal:
    """Why an invitation cannot be accepted (by this account), in words, with the status of the page saying so."""

    status: int
    message: str


def invitation_refusal(*, invitation: Invitation, user: User | AnonymousUser) -> Refusal | None:
    """What stands between `user` (signed in or not) and accepting `invitation`, or None.

    An invitation is for an e-mail address: a signed-in account whose address differs is refused, and told to
    sign out and sign in with (or create) the account of that address.
    """
    team = invitation.team.name
    if invitation.status == Invitation.Status.REVOKED:
        return Refusal(410, f"This invitation to {team} was withdrawn by the team's owners. Ask them for a new one.")
    if invitation.status == Invitation.Status.ACCEPTED:
        return Refusal(
            410,
            f"This invitation to {team} has already been used. If it was you, find {team} on your Teams page; "
            "otherwise ask the team's owners for a new invitation.",
        )
    if invitation.is_expired:
        expired = formats.date_format(invitation.expires_at, "DATE_FORMAT")
        return Refusal(410, f"This invitation to {team} expired on {expired}. Ask the team's owners to send it again.")
    if user.is_authenticated and user.email.casefold() != invitation.email.casefold():
        return Refusal(
            403,
            f"This invitation was sent to {invitation.email}, but you are signed in as {user.get_username()}"
            f"{f' ({user.email})' if user.email else ''}. Sign out, then open the link again to sign in with the "
            "account of that address, or to create one.",
        )
    return None
