"""A personal API token: a person's key to the JSON API, read-only or read-write, until it expires or is revoked.

Only a hash of the secret is kept (SHA-256 of the whole token: tokens are 256 random bits, so a slow hash adds
nothing); the secret is shown once, when the token is made. `prefix` (the token's first characters) lets the
person tell their tokens apart on the settings page.
"""

import hashlib
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

NAME_MAX_LENGTH = 100
TOKEN_PREFIX = "wrv_"


class Scope(models.TextChoices):
    READ = "read", "Read only"
    READ_WRITE = "read_write", "Read and write"


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self, now: datetime | None = None) -> "ApiTokenQuerySet":
        return self.filter(revoked_at=None, expires_at__gt=now or timezone.now())


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=NAME_MAX_LENGTH)
    scope = models.CharField(max_length=12, choices=Scope.choices, default=Scope.READ)
    prefix = models.CharField(max_length=16)
    secret_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def can_write(self) -> bool:
        return self.scope == Scope.READ_WRITE

    def is_expired(self, now: datetime | None = None) -> bool:
        return self.expires_at <= (now or timezone.now())

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
