from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from wareview.audit.selectors import team_audit_entries
from wareview.audit.services import client_ip
from wareview.lib.http import AuthenticatedHttpRequest, require_post
from wareview.lib.paging import paginate
from wareview.teams import services
from wareview.teams.access import Need, TeamAccess, get_team_for
from wareview.teams.forms import InvitationForm, InvitationSignUpForm, RoleForm, TeamForm
from wareview.teams.models import Invitation, Membership, Team
from wareview.teams.selectors import (
    INVALID_LINK,
    invitation_for_token,
    invitation_refusal,
    team_pending_invitations,
)

INVITATION_PAGE = "teams/invitation.html"
# The backend that checks the password an invitee has just chosen; named, as several backends may be set up.
PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"


@login_required
def team_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TeamForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        team = services.team_create(name=form.cleaned_data["name"], user=request.user, ip=client_ip(request))
        messages.success(request, f"Created {team.name}. You are its owner.")
        return redirect("teams:detail", pk=team.pk)
    teams = Team.objects.for_user(request.user).order_by("name")
    status = 400 if form.errors else 200
    return render(request, "teams/team_list.html", {"teams": teams, "form": form}, status=status)


@login_required
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_team_for(request.user, pk)
    return _render_detail(request, access, InvitationForm())


def _render_detail(
    request: HttpRequest, access: TeamAccess, invite_form: InvitationForm, status: int = 200
) -> HttpResponse:
    """The team page: a page of its workloads and a page of its members, each paged on its own; for owners also
    a page of the invitations waiting to be accepted."""
    team = access.team
    workloads = team.workloads.order_by(Lower("name"), "pk")
    memberships = team.memberships.select_related("user").order_by("user__username", "pk")
    context = {
        "team": team,
        "role": access.role,
        "workloads": paginate(request, workloads, param="workloads_page"),
        "memberships": paginate(request, memberships, param="members_page"),
        "invitations": (
            paginate(request, team_pending_invitations(team=team), param="invitations_page")
            if access.is_owner
            else None
        ),
        "invite_form": invite_form,
        "invitation_days": settings.INVITATION_MAX_AGE_DAYS,
        "role_form": RoleForm(),
        "is_owner": access.is_owner,
        "can_write": access.can_write,
    }
    return render(request, "teams/team_detail.html", context, status=status)


@login_required
@require_post
def invitation_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_team_for(request.user, pk, need=Need.OWNER)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            sent = services.invitation_create(
                team=access.team,
                by=request.user,
                site_url=_site_url(request),
                ip=client_ip(request),
                **form.cleaned_data,
            )
        except services.TeamError as error:
            form.add_error("email", str(error))
        else:
            _tell_sent(request, sent, verb="Sent an invitation")
            return redirect("teams:detail", pk=access.team.pk)
    return _render_detail(request, access, form, status=400)


@login_required
@require_post
def invitation_resend(request: AuthenticatedHttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    access = get_team_for(request.user, pk, need=Need.OWNER)
    invitation = get_object_or_404(Invitation, pk=invitation_pk, team=access.team)
    try:
        sent = services.invitation_resend(
            invitation=invitation, by=request.user, site_url=_site_url(request), ip=client_ip(request)
        )
    except services.TeamError as error:
        return _refuse(request, access, str(error))
    _tell_sent(request, sent, verb="Sent the invitation again")
    return redirect("teams:detail", pk=access.team.pk)


@login_required
@require_post
def invitation_revoke(request: AuthenticatedHttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    access = get_team_for(request.user, pk, need=Need.OWNER)
    invitation = get_object_or_404(Invitation, pk=invitation_pk, team=access.team)
    try:
        services.invitation_revoke(invitation=invitation, by=request.user, ip=client_ip(request))
    except services.TeamError as error:
        return _refuse(request, access, str(error))
    messages.success(request, f"Revoked the invitation to {invitation.email}: its link no longer works.")
    return redirect("teams:detail", pk=access.team.pk)


def _site_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _tell_sent(request: HttpRequest, sent: services.InvitationSent, *, verb: str) -> None:
    # The same words whether or not the address has an account here.
    invitation = sent.invitation
    if sent.delivered:
        messages.success(
            request,
            f"{verb} to {invitation.email} as {invitation.get_role_display()}. "
            f"Its link works for {settings.INVITATION_MAX_AGE_DAYS} days.",
        )
    else:
        messages.error(
            request,
            f"The invitation to {invitation.email} is saved, but the e-mail could not be sent. Ask your "
            "administrator to check the e-mail settings, then use “Send again”.",
        )


@never_cache  # the link's page is nobody's to keep, signed in or not
@require_http_methods(["GET", "HEAD", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link of an invitation e-mail: a signed-in invitee accepts with a button; someone signed out signs in,
    or creates an account with the invitation's address, right here."""
    invitation = invitation_for_token(token=token)
    if invitation is None:
        return render(request, INVITATION_PAGE, {"refusal": INVALID_LINK}, status=404)
    refusal = invitation_refusal(invitation=invitation, user=request.user)
    if refusal is not None:
        context = {"invitation": invitation, "refusal": refusal.message}
        return render(request, INVITATION_PAGE, context, status=refusal.status)
    if not request.user.is_authenticated:
        return _sign_up(request, invitation)
    if request.method == "POST":
        try:
            accepted = services.invitation_accept(invitation=invitation, user=request.user, ip=client_ip(request))
        except services.TeamError as error:
            return render(request, INVITATION_PAGE, {"invitation": invitation, "refusal": str(error)}, status=409)
        _tell_accepted(request, accepted)
        return redirect("teams:detail", pk=invitation.team_id)
    return render(request, INVITATION_PAGE, {"invitation": invitation})


def _sign_up(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    form = InvitationSignUpForm(request.POST if request.method == "POST" else None, email=invitation.email)
    if form.is_valid():
        try:
            accepted = services.invitation_sign_up(
                invitation=invitation,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
                ip=client_ip(request),
            )
        except services.TeamError as error:
            form.add_error(None, str(error))
        else:
            login(request, accepted.membership.user, backend=PASSWORD_BACKEND)
            _tell_accepted(request, accepted)
            return redirect("teams:detail", pk=invitation.team_id)
    context = {
        "invitation": invitation,
        "form": form,
        "login_url": f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': request.path})}",
    }
    return render(request, INVITATION_PAGE, context, status=400 if form.errors else 200)


def _tell_accepted(request: HttpRequest, accepted: services.Accepted) -> None:
    membership = accepted.membership
    if accepted.already_member:
        messages.info(
            request,
            f"You are already a member of {membership.team.name}, as {membership.get_role_display()}: your role "
            "stays as it is.",
        )
    else:
        messages.success(request, f"Welcome to {membership.team.name}: you joined as {membership.get_role_display()}.")


@login_required
@require_post
def member_update(request: AuthenticatedHttpRequest, pk: int, member_pk: int) -> HttpResponse:
    access = get_team_for(request.user, pk, need=Need.OWNER)
    team = access.team
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=member_pk, team=team)
    form = RoleForm(request.POST)
    if not form.is_valid():
        return _refuse(request, access, "Choose a role: owner, contributor or viewer.")
    try:
        services.member_change_role(
            membership=membership, role=form.cleaned_data["role"], by=request.user, ip=client_ip(request)
        )
    except services.TeamError as error:
        return _refuse(request, access, str(error))
    messages.success(request, f"{membership.user.get_username()} is now {membership.get_role_display()}.")
    return redirect("teams:detail", pk=team.pk)


@login_required
@require_post
def member_remove(request: AuthenticatedHttpRequest, pk: int, member_pk: int) -> HttpResponse:
    access = get_team_for(request.user, pk, need=Need.OWNER)
    team = access.team
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=member_pk, team=team)
    try:
        services.member_remove(membership=membership, by=request.user, ip=client_ip(request))
    except services.TeamError as error:
        return _refuse(request, access, str(error))
    messages.success(request, f"Removed {membership.user.get_username()} from {team.name}.")
    return redirect("teams:detail", pk=team.pk)


def _refuse(request: HttpRequest, access: TeamAccess, message: str) -> HttpResponse:
    messages.error(request, message)
    return _render_detail(request, access, InvitationForm(), status=400)


AUDIT_ENTRIES_PER_PAGE = 50


@login_required
@require_safe
def team_audit_log(request: HttpRequest, pk: int) -> HttpResponse:
    """The team's audit log, newest first, for its owners."""
    team = get_team_for(request.user, pk, need=Need.OWNER).team
    entries = paginate(request, team_audit_entries(team_id=team.pk), per_page=AUDIT_ENTRIES_PER_PAGE)
    return render(request, "teams/audit_log.html", {"team": team, "entries": entries})
