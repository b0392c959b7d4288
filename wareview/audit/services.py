"""Writes to the audit log: `audit_record`, the one way every app records an event, and the retention's pruning.

The services of the other apps call `audit_record` as they make a change (views pass them the client's address
from `client_ip`); the sign-in signals are recorded in `signals.py`.
"""

import ipaddress
import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from wareview.audit.models import Action, AuditEntry

logger = logging.getLogger(__name__)

TARGET_MAX_LENGTH = AuditEntry._meta.get_field("target").max_length or 255


def client_ip(request: HttpRequest | None) -> str | None:
    """The address the request came from: REMOTE_ADDR, or, behind a declared proxy (SECURE_PROXY_SSL_HEADER is
    set, see TRUST_X_FORWARDED_PROTO), the first address of X-Forwarded-For. A forwarded value that is no IP
    address gives way to REMOTE_ADDR, so a forged header never breaks the request that carries it."""
    if request is None:
        return None
    candidates = [request.META.get("REMOTE_ADDR", "")]
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        candidates.insert(0, forwarded.split(",")[0].strip())
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None


def audit_record(
    *,
    action: Action,
    actor: Any = None,
    actor_name: str = "",
    team: Any = None,
    target: str = "",
    details: dict[str, Any] | None = None,
    ip: str | None = None,
    request: HttpRequest | None = None,
) -> AuditEntry:
    """Add an entry: `actor` (a user, or None for the system or an unknown person, named by `actor_name`) did
    `action` to `target` (in words) in `team` (a Team or its id, or None), from `ip` or the `request`'s address."""
    if actor is not None and actor.is_authenticated:
        actor_name = actor_name or actor.get_username()
    else:
        actor = None
    return AuditEntry.objects.create(
        action=action,
        actor=actor,
        actor_name=actor_name[:150],
        team_id=getattr(team, "pk", team),
        target=target[:TARGET_MAX_LENGTH],
        details=details or {},
        ip_address=ip if ip is not None else client_ip(request),
    )


def audit_prune(*, days: int | None = None, now: datetime | None = None) -> int:
    """Delete the entries older than `days` (default AUDIT_RETENTION_DAYS); the number deleted."""
    days = settings.AUDIT_RETENTION_DAYS if days is None else days
    before = (now or timezone.now()) - timedelta(days=days)
    deleted = AuditEntry.objects.prune(before=before)
    logger.info("Pruned %d audit entries older than %d days", deleted, days)
    return deleted
