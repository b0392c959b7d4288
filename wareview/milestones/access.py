"""Who may see a milestone: the members of its workload's team, whatever their role (a milestone is only read).
Outsiders get 404. The helper's shape is described in `wareview/teams/access.py`."""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User

from wareview.milestones.models import Milestone
from wareview.teams.access import Access, Need, member_row

VIEWER_REFUSAL = "Viewers can read this workload's milestones but not save one."


@dataclass(frozen=True, kw_only=True)
class MilestoneAccess(Access):
    milestone: Milestone


def get_milestone_for(user: User | AnonymousUser, pk: int, *, need: Need = Need.READ) -> MilestoneAccess:
    """The milestone `pk` with its workload (and team), its review (with what a report of it reads), the lens it
    answered and who saved it, in one query; Http404 for outsiders, PermissionDenied short of `need`."""
    related = ("workload__team", "review__workload__team", "review__lens", "lens", "created_by")
    milestone, role = member_row(
        Milestone.objects.select_related(*related).filter(pk=pk),
        user,
        memberships="workload__team__memberships",
        need=need,
        refusal=VIEWER_REFUSAL,
    )
    return MilestoneAccess(milestone=milestone, role=role)
