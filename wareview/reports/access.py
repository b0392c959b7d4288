"""Who may see a report: the members of its review's team, whatever their role. Outsiders get 404. The helper's
shape is described in `wareview/teams/access.py`."""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.http import Http404

from wareview.reports.models import PortfolioReport, Report
from wareview.reviews.access import VIEWER_REFUSAL
from wareview.teams.access import NOT_FOUND, Access, Need, member_row


@dataclass(frozen=True, kw_only=True)
class ReportAccess(Access):
    report: Report


def get_report_for(user: User | AnonymousUser, pk: int, *, need: Need = Need.READ) -> ReportAccess:
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


def get_portfolio_report_for(user: User | AnonymousUser, pk: int) -> PortfolioReport:
    """The PDF of several workloads `pk`, for the person who asked for it and nobody else (it shows what they
    selected among what they can see); Http404 (`NOT_FOUND`, as every access helper) for anyone else. One query."""
    report = PortfolioReport.objects.filter(pk=pk, requested_by_id=user.pk).first() if user.is_authenticated else None
    if report is None:
        raise Http404(NOT_FOUND)
    return report
