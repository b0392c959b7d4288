"""Writes to teams: creating or deleting one, inviting people, accepting an invitation, changing roles, removing
members.

Nobody joins a team without accepting an invitation sent to their e-mail address, and a team always keeps an
owner. Every change is recorded in the audit log.
"""

import logging
import secrets
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from wareview.audit.models import Action
from wareview.audit.services import audit_record
from wareview.teams.models import Invitation, Membership, Role, Team, token_hash

logger = logging.getLogger(__name__)


class TeamError(Exception):
    """A team change that cannot be made, with words for the person who asked."""


@transaction.atomic
def team_delete(*, team: Team, by: User, ip: str | None = None) -> None:
    """Delete `team` with its memberships, invitations and workloads (their reviews, milestones, plans and PDFs go
    with them), as the staff member `by`. The log keeps the team and each of its workloads by name."""
    workloads = list(team.workloads.annotate(review_count=Count("reviews")).values_list("name", "review_count"))
    for name, reviews in workloads:
        audit_record(
            action=Action.WORKLOAD_DELETED,
            actor=by,
            team=team,
            target=name,
            details={"reviews": reviews, "with_the_team": True},
            ip=ip,
        )
    audit_record(
        action=Action.TEAM_DELETED,
        actor=by,
        team=team,
        target=team.name,
        details={"members": team.memberships.count(), "workloads": len(workloads)},
        ip=ip,
    )
    team.delete()


@transaction.atomic
def team_create(*, name: str, user: User, ip: str | None = None) -> Team:
    team = Team.objects.create(name=name.strip())
    Membership.objects.create(team=team, user=user, role=Role.OWNER)
    audit_record(
        action=Action.MEMBER_ADDED,
        actor=user,
        team=team,
        target=user.get_username(),
        details={"role": Role.OWNER.value, "how": "created the team"},
        ip=ip,
    )
    return team


@dataclass(frozen=True)
class InvitationSent:
    invitation: Invitation
    # False when the e-mail could not be handed to the mail server; the invitation stands and can be sent again.
    delivered: bool


def invitation_create(
    *, team: Team, email: str, role: str, by: User, site_url: str, ip: str | None = None
) -> InvitationSent:
    """Invite `email` to `team` with `role`, as the owner `by`, and e-mail them the link (under `site_url`).

    Whether the address has an account here is never looked up: the owner learns nothing about it.
    """
    token = secrets.token_urlsafe(32)
    # The partial unique constraint decides between two owners inviting the same address at once; the savepoint
    # keeps a caller's transaction usable after the refusal.
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                team=team, email=email, role=role, invited_by=by, token_hash=token_hash(token)
            )
    except IntegrityError:
        if team.invitations.pending().filter(email__iexact=email).exists():
            raise TeamError(
                f"{email} already has an invitation waiting: send it again or revoke it in the list below."
            ) from None
        raise
    return _sent(invitation, token=token, by=by, site_url=site_url, ip=ip, action=Action.INVITATION_SENT)


def invitation_resend(*, invitation: Invitation, by: User, site_url: str, ip: str | None = None) -> InvitationSent:
    """E-mail a new link for a waiting invitation; the old link stops working and the new one works for
    INVITATION_MAX_AGE_DAYS from now."""
    token = secrets.token_urlsafe(32)
    invitation.sent_at = timezone.now()
    renewed = Invitation.objects.pending().filter(pk=invitation.pk)
    if not renewed.update(token_hash=token_hash(token), sent_at=invitation.sent_at):
        raise TeamError(f"The invitation to {invitation.email} was accepted or revoked meanwhile: nothing was sent.")
    return _sent(invitation, token=token, by=by, site_url=site_url, ip=ip, action=Action.INVITATION_RESENT)


def invitation_revoke(*, invitation: Invitation, by: User, ip: str | None = None) -> None:
    """Withdraw a waiting invitation: its link stops working."""
    now = timezone.now()
    with transaction.atomic():
        if (
            not Invitation.objects.pending()
            .filter(pk=invitation.pk)
            .update(status=Invitation.Status.REVOKED, closed_at=now)
        ):
            raise TeamError(f"The invitation to {invitation.email} was already accepted or revoked.")
        audit_record(
            action=Action.INVITATION_REVOKED, actor=by, team=invitation.team_id, target=invitation.email, ip=ip
        )


def _sent(
    invitation: Invitation, *, token: str, by: User, site_url: str, ip: str | None, action: Action
) -> InvitationSent:
    delivered = _mail_invitation(invitation, token=token, by=by, site_url=site_url)
    audit_record(
        action=action,
        actor=by,
        team=invitation.team_id,
        target=invitation.email,
        details={"role": invitation.role, "e-mail sent": delivered},
        ip=ip,
    )
    return InvitationSent(invitation=invitation, delivered=delivered)


def _mail_invitation(invitation: Invitation, *, token: str, by: User, site_url: str) -> bool:
    context = {
        "invitation": invitation,
        "team": invitation.team,
        "inviter": by.get_username(),
        "url": site_url.rstrip("/") + reverse("teams:invitation_accept", args=[token]),
        "days": settings.INVITATION_MAX_AGE_DAYS,
    }
    try:
        send_mail(
            subject=f"Join {invitation.team.name} on wareview",
            message=render_to_string("teams/invitation_email.txt", context),
            from_email=None,
            recipient_list=[invitation.email],
        )
    except Exception:  # any mail backend's failure: the owner is told and may send it again
        logger.exception("Could not send the invitation e-mail to %s", invitation.email)
        return False
    return True


@dataclass(frozen=True)
class Accepted:
    membership: Membership
    # True when the account was already a member: the invitation is used up and the role stays as it was.
    already_member: bool


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User, ip: str | None = None) -> Accepted:
    """Join `user` to the invitation's team with its role. The caller has checked that the invitation is for
    `user` (selectors.invitation_refusal); under the row's lock this checks it is still waiting."""
    locked = Invitation.objects.select_for_update().filter(pk=invitation.pk).first()
    if locked is None or locked.status != Invitation.Status.PENDING or locked.token_hash != invitation.token_hash:
        raise TeamError("This invitation was used or withdrawn a moment ago.")
    existing = Membership.objects.filter(team_id=locked.team_id, user=user).first()
    membership = existing or Membership.objects.create(team_id=locked.team_id, user=user, role=locked.role)
    locked.status, locked.accepted_by, locked.closed_at = Invitation.Status.ACCEPTED, user, timezone.now()
    locked.save(update_fields=["status", "accepted_by", "closed_at"])
    details = {"e-mail": locked.email, "role": locked.role}
    if existing:
        details["already a member as"] = existing.role
    audit_record(
        action=Action.INVITATION_ACCEPTED, actor=user, team=locked.team_id, target=locked.email, details=details, ip=ip
    )
    if not existing:
        audit_record(
            action=Action.MEMBER_ADDED,
            actor=user,
            team=locked.team_id,
            target=user.get_username(),
            details={"role": locked.role, "how": "accepted an invitation"},
            ip=ip,
        )
    return Accepted(membership=membership, already_member=existing is not None)


@transaction.atomic
def invitation_sign_up(*, invitation: Invitation, username: str, password: str, ip: str | None = None) -> Accepted:
    """Create the account of the person the invitation was sent to (with its e-mail address) and accept the
    invitation with it. The form has checked the username, the password and that no account has the address."""
    try:
        with transaction.atomic():
            user = get_user_model().objects.create_user(username=username, email=invitation.email, password=password)
    except IntegrityError:
        raise TeamError(f"The username {username} was taken a moment ago: choose another.") from None
    # Opening the link sent to the address proves it: the account starts with it confirmed (allauth's record).
    EmailAddress.objects.create(user=user, email=invitation.email, verified=True, primary=True)
    return invitation_accept(invitation=invitation, user=user, ip=ip)


@transaction.atomic
def member_change_role(*, membership: Membership, role: str, by: User, ip: str | None = None) -> Membership:
    """Give `membership` the `role`, as the owner `by`; a team always keeps an owner."""
    _owners_locked(membership, by=by, leaving=role != Role.OWNER)
    before = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    audit_record(
        action=Action.MEMBER_ROLE_CHANGED,
        actor=by,
        team=membership.team_id,
        target=membership.user.get_username(),
        details={"from": before, "to": role},
        ip=ip,
    )
    return membership


@transaction.atomic
def member_remove(*, membership: Membership, by: User, ip: str | None = None) -> None:
    """Take `membership` out of its team, as the owner `by`; a team always keeps an owner."""
    _owners_locked(membership, by=by, leaving=True)
    membership.delete()
    audit_record(
        action=Action.MEMBER_REMOVED,
        actor=by,
        team=membership.team_id,
        target=membership.user.get_username(),
        details={"role": membership.role},
        ip=ip,
    )


def _owners_locked(membership: Membership, *, by: User, leaving: bool) -> None:
    """Lock the team's owner rows and check, under the lock, that `by` is still an owner and that the team keeps
    one when `membership` stops being one; call inside the transaction that makes the change.

    Every owner row of the team is locked in primary-key order before looking: concurrent changes then queue
    behind each other instead of deadlocking, and the later one sees the earlier one's result. The roles read
    under the lock decide, not those the caller loaded before the transaction began (its owner may have been
    demoted meanwhile).
    """
    owners = Membership.objects.select_for_update().filter(team_id=membership.team_id, role=Role.OWNER).order_by("pk")
    rows = list(owners.values_list("pk", "user_id"))
    if by.pk not in {user_id for _, user_id in rows}:
        raise TeamError("You are no longer an owner of this team, so you cannot change its members.")
    if leaving and [pk for pk, _ in rows] == [membership.pk]:
        raise TeamError("A team needs at least one owner: make someone else an owner first.")
