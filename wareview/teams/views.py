from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from wareview.lib.http import require_post
from wareview.lib.paging import paginate
from wareview.teams import services
from wareview.teams.access import Need, TeamAccess, get_team_for
from wareview.teams.forms import MemberAddForm, RoleForm, TeamForm
from wareview.teams.models import Membership, Team


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
    access = get_team_for(request.user, pk)
    return _render_detail(request, access, MemberAddForm())


def _render_detail(
    request: HttpRequest, access: TeamAccess, add_form: MemberAddForm, status: int = 200
) -> HttpResponse:
    """The team page: a page of its workloads and a page of its members, each paged on its own."""
    team = access.team
    workloads = team.workloads.order_by(Lower("name"), "pk")
    memberships = team.memberships.select_related("user").order_by("user__username", "pk")
    context = {
        "team": team,
        "role": access.role,
        "workloads": paginate(request, workloads, param="workloads_page"),
        "memberships": paginate(request, memberships, param="members_page"),
        "add_form": add_form,
        "role_form": RoleForm(),
        "is_owner": access.is_owner,
        "can_write": access.can_write,
    }
    return render(request, "teams/team_detail.html", context, status=status)


@login_required
@require_post
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_team_for(request.user, pk, need=Need.OWNER)
    team = access.team
    form = MemberAddForm(request.POST)
    if form.is_valid():
        try:
            membership = services.member_add(team=team, **form.cleaned_data)
        except services.TeamError as error:
            form.add_error("identifier", str(error))
        else:
            messages.success(request, f"Added {membership.user.get_username()} as {membership.get_role_display()}.")
            return redirect("teams:detail", pk=team.pk)
    return _render_detail(request, access, form, status=400)


@login_required
@require_post
def member_update(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    access = get_team_for(request.user, pk, need=Need.OWNER)
    team = access.team
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=member_pk, team=team)
    form = RoleForm(request.POST)
    if not form.is_valid():
        return _refuse(request, access, "Choose a role: owner, contributor or viewer.")
    try:
        services.member_change_role(membership=membership, role=form.cleaned_data["role"], by=request.user)
    except services.TeamError as error:
        return _refuse(request, access, str(error))
    messages.success(request, f"{membership.user.get_username()} is now {membership.get_role_display()}.")
    return redirect("teams:detail", pk=team.pk)


@login_required
@require_post
def member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    access = get_team_for(request.user, pk, need=Need.OWNER)
    team = access.team
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=member_pk, team=team)
    try:
        services.member_remove(membership=membership, by=request.user)
    except services.TeamError as error:
        return _refuse(request, access, str(error))
    messages.success(request, f"Removed {membership.user.get_username()} from {team.name}.")
    return redirect("teams:detail", pk=team.pk)


def _refuse(request: HttpRequest, access: TeamAccess, message: str) -> HttpResponse:
    messages.error(request, message)
    return _render_detail(request, access, MemberAddForm(), status=400)
