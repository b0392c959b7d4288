from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from wareview.lib.http import require_post
from wareview.teams import services
from wareview.teams.access import get_team_for
from wareview.teams.forms import MemberAddForm, RoleForm, TeamForm
from wareview.teams.models import WRITE_ROLES, Membership, Role, Team


@login_required
def team_list(request: HttpRequest) -> HttpResponse:
    form = TeamForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        team = services.team_create(name=form.cleaned_data["name"], user=request.user)
        messages.success(request, f"Created {team.name}. You are its owner.")
        return redirect("teams:detail", pk=team.pk)
    teams = Team.objects.for_user(request.user).order_by("name")
    status = 400 if form.errors else 200
    return render(request, "teams/team_list.html", {"teams": teams, "form": form}, status=status)


@login_required
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_team_for(request.user, pk)
    return _render_detail(request, team, MemberAddForm())


def _render_detail(request: HttpRequest, team: Team, add_form: MemberAddForm, status: int = 200) -> HttpResponse:
    context = {
        "team": team,
        "memberships": team.memberships.select_related("user").order_by("user__username"),
        "workloads": team.workloads.all(),
        "add_form": add_form,
        "role_form": RoleForm(),
        "is_owner": team.role == Role.OWNER,
        "can_write": team.role in WRITE_ROLES,
    }
    return render(request, "teams/team_detail.html", context, status=status)


@login_required
@require_post
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_team_for(request.user, pk, owner=True)
    form = MemberAddForm(request.POST)
    if form.is_valid():
        try:
            membership = services.member_add(team=team, **form.cleaned_data)
        except services.TeamError as error:
            form.add_error("identifier", str(error))
        else:
            messages.success(request, f"Added {membership.user.get_username()} as {membership.get_role_display()}.")
            return redirect("teams:detail", pk=team.pk)
    return _render_detail(request, team, form, status=400)


@login_required
@require_post
def member_update(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    team = get_team_for(request.user, pk, owner=True)
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=member_pk, team=team)
    form = RoleForm(request.POST)
    if not form.is_valid():
        return _refuse(request, team, "Choose a role: owner, contributor or viewer.")
    try:
        services.member_change_role(membership=membership, role=form.cleaned_data["role"])
    except services.TeamError as error:
        return _refuse(request, team, str(error))
    messages.success(request, f"{membership.user.get_username()} is now {membership.get_role_display()}.")
    return redirect("teams:detail", pk=team.pk)


@login_required
@require_post
def member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    team = get_team_for(request.user, pk, owner=True)
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=member_pk, team=team)
    try:
        services.member_remove(membership=membership)
    except services.TeamError as error:
        return _refuse(request, team, str(error))
    messages.success(request, f"Removed {membership.user.get_username()} from {team.name}.")
    return redirect("teams:detail", pk=team.pk)


def _refuse(request: HttpRequest, team: Team, message: str) -> HttpResponse:
    messages.error(request, message)
    return _render_detail(request, team, MemberAddForm(), status=400)
