from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from wareview.audit.selectors import team_audit_entries
from wareview.lib.paging import paginate
from wareview.teams.access import Need, get_team_for

ENTRIES_PER_PAGE = 50


@login_required
@require_safe
def team_log(request: HttpRequest, pk: int) -> HttpResponse:
    """The team's audit log, newest first, for its owners."""
    team = get_team_for(request.user, pk, need=Need.OWNER).team
    entries = paginate(request, team_audit_entries(team_id=team.pk), per_page=ENTRIES_PER_PAGE)
    return render(request, "audit/team_log.html", {"team": team, "entries": entries})
