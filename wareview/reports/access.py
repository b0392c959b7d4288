"""Who may see a report: the members of its review's team, whatever their role. Outsiders get 404. The helper's
shape is described in `wareview/teams/access.py`."""

from dataclasses import dataclass

from wareview.reports.models import Report
from wareview.reviews.access import VIEWER_REFUSAL
from wareview.teams.access import Access, Need, member_row


@dataclass(frozen=True, kw_only=True)
class ReportAccess(Access):
    report: Report


def get_report_for(user, pk: int, *, need: Need = Need.READ) -> ReportAccess:
    """The report `pk` with its review (workload, team, lens) in one query; Http404 for anyone outside the team.
    Every member may do all a report offers, so the views ask for no more than `Need.READ`."""
    report, role = member_row(
        Report.objects.select_related("review__workload__team", "review__lens", "milestone__lens").filter(pk=pk),
        user,
        memberships="review__workload__team__memberships",
        need=need,
        refusal=VIEWER_REFUSAL,
    )
    return ReportAccess(report=report, role=role)
