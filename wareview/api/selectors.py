"""Reads for API tokens: a person's tokens for the settings page, and the token a request presents."""

from django.contrib.auth.models import User
from django.db.models import QuerySet

from wareview.api.models import ApiToken, secret_hash


def user_tokens(*, user: User) -> QuerySet[ApiToken]:
    """The person's tokens, newest first (revoked and expired ones too, marked as such)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def token_by_secret(*, secret: str) -> ApiToken | None:
    """The token whose secret this is, with its user, or None. One query."""
    return ApiToken.objects.select_related("user").filter(secret_hash=secret_hash(secret)).first()
