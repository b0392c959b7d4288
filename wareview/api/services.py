"""Writes for API tokens: making one (its secret returned once), revoking one, and noting when one was used."""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from wareview.api.models import TOKEN_PREFIX, ApiToken, secret_hash

# A token's use is written at most this often: most requests then write nothing.
LAST_USED_PRECISION = timedelta(minutes=1)


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # the whole token, shown once and never stored


def token_create(*, user, name: str, scope: str, days: int) -> NewToken:
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
    return NewToken(token=token, secret=secret)


def token_revoke(*, token: ApiToken) -> None:
    """Stop the token working from now on (kept, revoked, so its owner sees what it was)."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        ApiToken.objects.filter(pk=token.pk, revoked_at=None).update(revoked_at=token.revoked_at)


def token_used(*, token: ApiToken) -> None:
    """Note that the token was used now, unless that was noted less than a minute ago."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
