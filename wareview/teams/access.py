"""Who may see or change a team. Outsiders get 404, so they cannot even learn that a team exists."""

from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import Http404

from wareview.teams.models import Role, Team

# The one 404 of every team-owned object, whether it does not exist or belongs to a team the user is not in, so
# that the answer tells an outsider nothing.
NOT_FOUND = "There is nothing here, or it belongs to a team you are not in."


def get_team_for(user, pk: int, *, owner: bool = False) -> Team:
    """The team `pk` if `user` belongs to it, with `team.role` set to the user's role.

    Raises Http404 for anyone outside the team and PermissionDenied when `owner` is asked and the user isn't one.
    """
    if not user.is_authenticated:
        raise Http404(NOT_FOUND)
    team = Team.objects.filter(pk=pk, memberships__user=user).annotate(role=F("memberships__role")).first()
    if team is None:
        raise Http404(NOT_FOUND)
    if owner and team.role != Role.OWNER:
        raise PermissionDenied("Only the team's owners can do this.")
    return team
