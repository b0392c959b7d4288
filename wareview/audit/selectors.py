"""Reads of the audit log."""

from wareview.audit.models import AuditEntry, AuditEntryQuerySet


def team_audit_entries(*, team_id: int) -> AuditEntryQuerySet:
    """The team's entries, newest first, with nothing more to load: the names are on the entries."""
    return AuditEntry.objects.for_team(team_id)
