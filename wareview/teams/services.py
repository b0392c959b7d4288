"""Writes to teams: creating one, adding members, changing roles. A team always keeps an owner."""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q

from wareview.teams.models import Membership, Role, Team


class TeamError(Exception):
    """A team change that cannot be made, with words for the person who asked."""


@transaction.atomic
def team_create(*, name: str, user) -> Team:
    team = Team.objects.create(name=name.strip())
    Membership.objects.create(team=team, user=user, role=Role.OWNER)
    return team


def member_add(*, team: Team, identifier: str, role: str) -> Membership:
    """Add the user whose username or e-mail is `identifier` to `team` with `role`."""
    identifier = identifier.strip()
    users = get_user_model().objects.filter(Q(username__iexact=identifier) | Q(email__iexact=identifier))
    user = users.first()
    if user is None:
        raise TeamError(f"Nobody with the username or e-mail “{identifier}” has an account here.")
    # The unique constraint decides, so two owners adding the same person at once get one membership and a
    # message, never a 500. The savepoint keeps a caller's transaction usable after the refused insert.
    try:
        with transaction.atomic():
            return Membership.objects.create(team=team, user=user, role=role)
    except IntegrityError:
        if Membership.objects.filter(team=team, user=user).exists():
            raise TeamError(f"{user.get_username()} is already a member of {team.name}.") from None
        raise


@transaction.atomic
def member_change_role(*, membership: Membership, role: str, by) -> Membership:
    """Give `membership` the `role`, as the owner `by`; a team always keeps an owner."""
    _owners_locked(membership, by=by, leaving=role != Role.OWNER)
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def member_remove(*, membership: Membership, by) -> None:
    """Take `membership` out of its team, as the owner `by`; a team always keeps an owner."""
    _owners_locked(membership, by=by, leaving=True)
    membership.delete()


def _owners_locked(membership: Membership, *, by, leaving: bool) -> None:
    """Lock the team's owner rows and check, under the lock, that `by` is still an owner and that the team keeps
    one when `membership` stops being one; call inside the transaction that makes the change.

    Every owner row of the team is locked in primary-key order before looking: concurrent changes then queue
    behind each other instead of deadlocking, and the later one sees the earlier one's result. The roles read
    under the lock decide, not those the caller loaded before the transaction began (its owner may have been
    demoted meanwhile).
    """
    owners = Membership.objects.select_for_update().filter(team_id=membership.team_id, role=Role.OWNER).order_by("pk")
    rows = list(owners.values_list("pk", "user_id"))
    if by.pk not in {user_id for _, user_id in rows}:
        raise TeamError("You are no longer an owner of this team, so you cannot change its members.")
    if leaving and [pk for pk, _ in rows] == [membership.pk]:
        raise TeamError("A team needs at least one owner: make someone else an owner first.")
