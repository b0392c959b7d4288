"""Who may see or change a team, and the shape every access helper shares.

Each team-owned object has one helper, `get_<object>_for(user, pk, *, need=Need.READ)`, that reads the object
and the user's role in one query and returns a small frozen result (`TeamAccess`, `WorkloadAccess`,
`ReviewAccess`, …) holding both; views ask it `can_write` or `is_owner` and never compare roles themselves.
Outsiders get 404, so they cannot even learn that an object exists; a member whose role falls short of `need`
gets 403 with the reason.

This module is the one place that says who may read or write what: every helper hands its queryset (with the
related rows its pages show) to `member_row`, which adds the membership and reads the role. No helper joins the
memberships itself, in the ORM or in SQL.
"""

from dataclasses import dataclass
from enum import IntEnum
from typing import TypeVar

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import F, Model, QuerySet
from django.http import Http404

from wareview.teams.models import Role, Team

# The one 404 of every team-owned object, whether it does not exist or belongs to a team the user is not in, so
# that the answer tells an outsider nothing.
NOT_FOUND = "There is nothing here, or it belongs to a team you are not in."
OWNERS_ONLY = "Only the team's owners can do this."


class Need(IntEnum):
    """What a request needs of the user's role, lowest first: every member reads, contributors also write."""

    READ = 1
    WRITE = 2
    OWNER = 3


LEVEL = {Role.VIEWER: Need.READ, Role.CONTRIBUTOR: Need.WRITE, Role.OWNER: Need.OWNER}


@dataclass(frozen=True, kw_only=True)
class Access:
    """The user's role beside the object an access helper loaded."""

    role: Role

    def allows(self, need: Need) -> bool:
        return LEVEL[self.role] >= need

    @property
    def can_write(self) -> bool:
        return self.allows(Need.WRITE)

    @property
    def is_owner(self) -> bool:
        return self.allows(Need.OWNER)


@dataclass(frozen=True, kw_only=True)
class TeamAccess(Access):
    team: Team


M = TypeVar("M", bound=Model)
# The role is read beside the row under this name, and taken off it again (`_role_checked`).
_ROLE = "access_role"


def member_row(
    queryset: QuerySet[M], user: User | AnonymousUser, *, memberships: str, need: Need, refusal: str
) -> tuple[M, Role]:
    """The single row of `queryset` whose team (`memberships`: the lookup path to its memberships) has `user` as
    a member, with the user's role, in one query.

    Raises Http404 (`NOT_FOUND`) for anyone outside the team, anonymous users included, and PermissionDenied
    when the role falls short of `need`: `refusal` for a viewer, `OWNERS_ONLY` when owners are needed.
    """
    if not user.is_authenticated:
        raise Http404(NOT_FOUND)
    row = (
        queryset.filter(**{f"{memberships}__user": user})
        .annotate(**{_ROLE: F(f"{memberships}__role")})
        .order_by()
        .first()  # unordered, so by primary key: the lowest id wins should the filter match several rows
    )
    return _role_checked(row, need=need, refusal=refusal)


def _role_checked(row: M | None, *, need: Need, refusal: str) -> tuple[M, Role]:
    if row is None:
        raise Http404(NOT_FOUND)
    # The role belongs to the result, not to the model instance: take the annotation off the row.
    role = Role(vars(row).pop(_ROLE))
    if LEVEL[role] < need:
        raise PermissionDenied(OWNERS_ONLY if need is Need.OWNER else refusal)
    return row, role


def get_team_for(user: User | AnonymousUser, pk: int, *, need: Need = Need.READ) -> TeamAccess:
    """The team `pk` and the user's role in it; see `member_row` for who is refused. Writing to a team means
    adding workloads to it."""
    team, role = member_row(
        Team.objects.filter(pk=pk),
        user,
        memberships="memberships",
        need=need,
        refusal="Viewers cannot create workloads.",
    )
    return TeamAccess(team=team, role=role)


def teams_for(user: User, *, need: Need = Need.READ) -> QuerySet[Team]:
    """The teams in which the user's role allows `need`, by name."""
    roles = [role for role, level in LEVEL.items() if level >= need]
    return Team.objects.filter(memberships__user=user, memberships__role__in=roles).order_by("name", "pk")
