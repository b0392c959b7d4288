"""Teams, their members and the invitations that bring members in. A member's role decides what they may do
with the team's workloads."""

import hashlib
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    CONTRIBUTOR = "contributor", "Contributor"
    VIEWER = "viewer", "Viewer"


class TeamQuerySet(models.QuerySet["Team"]):
    def for_user(self, user: "User") -> "TeamQuerySet":
        return self.filter(memberships__user=user)


class Team(models.Model):
    name = models.CharField(max_length=120)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    members: "models.ManyToManyField[User, Membership]" = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="teams"
    )

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.CONTRIBUTOR)
    joined_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["team", "user__username"]
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="membership_unique_user_in_team")]

    def __str__(self) -> str:
        return f"{self.user} in {self.team} ({self.role})"


def token_hash(token: str) -> str:
    """What is stored of an invitation link's token: its SHA-256, in hex."""
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self) -> "InvitationQuerySet":
        return self.filter(status=Invitation.Status.PENDING)


class Invitation(models.Model):
    """An owner's invitation for an e-mail address to join a team with a role, until it is accepted or revoked.

    The link in the e-mail carries a random token; only its SHA-256 is stored, so the table gives no working
    link away. Sending again makes a new token (the old link stops working) and restarts the time the link
    works: INVITATION_MAX_AGE_DAYS from `sent_at`.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        ACCEPTED = "accepted", "Accepted"
        REVOKED = "revoked", "Revoked"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.CONTRIBUTOR)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    sent_at = models.DateTimeField(default=timezone.now)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True, help_text="When it was accepted or revoked.")

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["team", "-sent_at", "pk"]
        constraints = [
            # One waiting invitation per address and team, whatever the case: the database decides between two
            # owners inviting the same person at once.
            models.UniqueConstraint(
                Lower("email"),
                "team",
                condition=models.Q(status="pending"),
                name="invitation_one_pending_per_email_and_team",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} to {self.team} ({self.role}, {self.status})"

    @property
    def expires_at(self) -> datetime:
        return self.sent_at + timedelta(days=settings.INVITATION_MAX_AGE_DAYS)

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at
