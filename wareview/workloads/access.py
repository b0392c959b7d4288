"""Who may see or change a workload: members of its team see it; owners and contributors change it; owners
delete it. The helper's shape is described in `wareview/teams/access.py`."""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User

from wareview.teams.access import Access, Need, member_row
from wareview.workloads.models import Workload


@dataclass(frozen=True, kw_only=True)
class WorkloadAccess(Access):
    workload: Workload


def get_workload_for(user: User | AnonymousUser, pk: int, *, need: Need = Need.READ) -> WorkloadAccess:
    """The workload `pk` with its team, and the user's role in the team, in one query; Http404 for outsiders,
    PermissionDenied for a role short of `need`."""
    workload, role = member_row(
        Workload.objects.select_related("team").filter(pk=pk),
        user,
        memberships="team__memberships",
        need=need,
        refusal="Viewers can read this workload but not change it.",
    )
    return WorkloadAccess(workload=workload, role=role)
