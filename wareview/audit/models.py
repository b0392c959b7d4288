"""The audit log: who did what, when, to which team, from which address. Entries are only ever added.

Nothing in the app updates or deletes an entry: `save()` refuses an entry that is already stored, `delete()`
refuses, and the manager's querysets refuse `update()`, `delete()` and `bulk_update()`. The one way out is
`AuditEntry.objects.prune(before=…)`, which the retention (`manage.py prune_audit`, Celery beat) uses. Deleting
an account or a team keeps its entries: the actor's name is copied onto the entry, and the links become empty.
"""

from datetime import datetime
from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone


class AppendOnlyError(Exception):
    """An attempt to change or delete an audit entry."""


def _refuse(*args: Any, **kwargs: Any) -> NoReturn:
    raise AppendOnlyError("Audit entries are never changed or deleted; only pruning removes old ones.")


class Action(models.TextChoices):
    MEMBER_ADDED = "member.added", "Member added"
    MEMBER_REMOVED = "member.removed", "Member removed"
    MEMBER_ROLE_CHANGED = "member.role_changed", "Role changed"
    INVITATION_SENT = "invitation.sent", "Invitation sent"
    INVITATION_RESENT = "invitation.resent", "Invitation sent again"
    INVITATION_ACCEPTED = "invitation.accepted", "Invitation accepted"
    INVITATION_REVOKED = "invitation.revoked", "Invitation revoked"
    WORKLOAD_DELETED = "workload.deleted", "Workload deleted"
    TEAM_DELETED = "team.deleted", "Team deleted"
    LENS_IMPORTED = "lens.imported", "Lens imported"
    LENS_PUBLISHED = "lens.published", "Lens published"
    SIGN_IN_SUCCEEDED = "sign_in.succeeded", "Signed in"
    SIGN_IN_FAILED = "sign_in.failed", "Sign-in failed"
    REPORT_DOWNLOADED = "report.downloaded", "Report downloaded"
    API_TOKEN_CREATED = "api_token.created", "API token made"
    API_TOKEN_REVOKED = "api_token.revoked", "API token revoked"
    WEBHOOK_CREATED = "webhook.created", "Webhook added"
    WEBHOOK_CHANGED = "webhook.changed", "Webhook changed"
    WEBHOOK_SECRET_ROTATED = "webhook.secret_rotated", "Webhook secret replaced"
    WEBHOOK_DELETED = "webhook.deleted", "Webhook deleted"
    WEBHOOK_DELIVERY_RESENT = "webhook.delivery_resent", "Webhook delivery sent again"


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    update = _refuse
    delete = _refuse
    bulk_update = _refuse

    def for_team(self, team_id: int) -> "AuditEntryQuerySet":
        return self.filter(team_id=team_id).order_by("-when", "-pk")

    def prune(self, *, before: datetime) -> int:
        """Delete the entries made before `before`: the retention's only way to remove entries."""
        deleted, _ = models.QuerySet.delete(self.filter(when__lt=before))
        return deleted


class AuditEntry(models.Model):
    when = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The actor's username when it happened (or the name a failed sign-in tried): kept when the account goes.
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=40, choices=Action.choices)
    team = models.ForeignKey("teams.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    target = models.CharField(max_length=255, blank=True, help_text="What the action was done to, in words.")
    details = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-when", "-pk"]
        indexes = [models.Index(fields=["team", "-when"], name="audit_team_when")]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.when:%Y-%m-%d %H:%M} {self.actor_name or 'someone'}: {self.get_action_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            _refuse()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse()
