"""Writes for API tokens: making one (its secret returned once), revoking one, and noting when one was used.

Making and revoking a token are audited (no team: staff see them in the admin), with the token's name, scope and
the first characters the tokens page shows; never its secret or the secret's hash.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from wareview.api.models import TOKEN_PREFIX, ApiToken, secret_hash
from wareview.audit.models import Action
from wareview.audit.services import audit_record

# A token's use is written at most this often: most requests then write nothing.
LAST_USED_PRECISION = timedelta(minutes=1)


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # the whole token, shown once and never stored


@transaction.atomic
def token_create(*, user: User, name: str, scope: str, days: int, ip: str | None = None) -> NewToken:
    """A new token of `user`, valid for `days` days; the secret is only in the result."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        scope=scope,
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        secret_hash=secret_hash(secret),
        expires_at=timezone.now() + timedelta(days=days),
    )
    details = {
        "token": token.pk,
        "starts": token.prefix,
        "scope": scope,
        "expires": token.expires_at.date().isoformat(),
    }
    audit_record(action=Action.API_TOKEN_CREATED, actor=user, target=name, details=details, ip=ip)
    return NewToken(token=token, secret=secret)


@transaction.atomic
def token_revoke(*, token: ApiToken, by: User, ip: str | None = None) -> None:
    """Stop the token working from now on (kept, revoked, so its owner sees what it was). Revoking a token
    already revoked changes and records nothing."""
    if token.revoked_at is not None:
        return
    revoked_at = timezone.now()
    if ApiToken.objects.filter(pk=token.pk, revoked_at=None).update(revoked_at=revoked_at):
        token.revoked_at = revoked_at
        details = {"token": token.pk, "starts": token.prefix}
        audit_record(action=Action.API_TOKEN_REVOKED, actor=by, target=token.name, details=details, ip=ip)


def token_used(*, token: ApiToken) -> None:
    """Note that the token was used now, unless that was noted less than a minute ago."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
