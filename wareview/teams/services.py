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
def member_change_role(*, membership: Membership, role: str) -> Membership:
    if role != Role.OWNER:
        _keep_an_owner(membership)
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def member_remove(*, membership: Membership) -> None:
    _keep_an_owner(membership)
    membership.delete()


def _keep_an_owner(leaving: Membership) -> None:
    """Refuse when `leaving` is the team's only owner; call inside the transaction that demotes or removes it.

    Locks every owner row of the team, in primary-key order, before looking: concurrent demotions then queue
    behind each other instead of deadlocking, and the later one sees the earlier one's result. The roles read
    under the lock decide, not the `leaving.role` the caller loaded before the transaction began.
    """
    owners = Membership.objects.select_for_update().filter(team_id=leaving.team_id, role=Role.OWNER).order_by("pk")
    if list(owners.values_list("pk", flat=True)) == [leaving.pk]:
        raise TeamError("A team needs at least one owner: make someone else an owner first.")
