"""Who may see a report: the members of its review's team, whatever their role. Outsiders get 404."""

from django.http import Http404

from wareview.reports.models import Report
from wareview.reviews.access import get_review_for
from wareview.teams.access import NOT_FOUND


def get_report_for(user, pk: int) -> Report:
    """The report `pk` with its review (and `review.role`) loaded; Http404 for anyone outside the team."""
    if not user.is_authenticated:
        raise Http404(NOT_FOUND)
    report = Report.objects.filter(pk=pk).first()
    if report is None:
        raise Http404(NOT_FOUND)
    report.review = get_review_for(user, report.review_id)
    return report
