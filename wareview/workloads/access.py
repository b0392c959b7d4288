"""Who may see or change a workload: members of its team see it; owners and contributors change it."""

from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import Http404

from wareview.teams.access import NOT_FOUND
from wareview.teams.models import WRITE_ROLES, Role
from wareview.workloads.models import Workload


def get_workload_for(user, pk: int, *, write: bool = False, owner: bool = False) -> Workload:
    """The workload `pk` with `workload.role` set to the user's role in its team.

    Raises Http404 for outsiders; PermissionDenied for a viewer when `write` is asked, and for a non-owner when
    `owner` is asked.
    """
    if not user.is_authenticated:
        raise Http404(NOT_FOUND)
    workload = (
        Workload.objects.select_related("team")
        .filter(pk=pk, team__memberships__user=user)
        .annotate(role=F("team__memberships__role"))
        .first()
    )
    if workload is None:
        raise Http404(NOT_FOUND)
    if write and workload.role not in WRITE_ROLES:
        raise PermissionDenied("Viewers can read this workload but not change it.")
    if owner and workload.role != Role.OWNER:
        raise PermissionDenied("Only the team's owners can do this.")
    return workload
