"""How the API knows who is asking: `Authorization: Bearer <token>` with a personal API token, its scope and the
per-token rate limit. Session cookies are not accepted, so no API request needs (or is exempt from anything
by) CSRF: the browser's pages keep their CSRF check untouched.

Every refusal is an `ApiRefusal`, which the API answers as JSON with a "message" (see api.py):
401 for a missing, unknown, expired or revoked token, or one whose account is deactivated; 403 for a read-only
token asking to change something; 429 past API_REQUESTS_PER_MINUTE requests of one token in a minute of the clock.
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer

from wareview.api.models import ApiToken
from wareview.api.selectors import token_by_secret
from wareview.api.services import token_used

logger = logging.getLogger(__name__)

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
NO_TOKEN = "Send a personal API token as “Authorization: Bearer <token>”; make one under your account’s API tokens."
UNKNOWN_TOKEN = "This API token is not known; check it was copied whole, or make a new one."
EXPIRED_TOKEN = "This API token has expired; make a new one under your account’s API tokens."
REVOKED_TOKEN = "This API token was revoked; make a new one under your account’s API tokens."
INACTIVE_ACCOUNT = "The account this API token belongs to is deactivated; its tokens stop working with it."
READ_ONLY_TOKEN = "This API token may only read; make a read-and-write token to change anything."


class ApiRefusal(HttpError):
    """A request the API refuses, with its status, words for the caller and, for 429, the seconds to wait."""

    def __init__(self, status_code: int, message: str, *, retry_after: int | None = None) -> None:
        super().__init__(status_code, message)
        self.retry_after = retry_after


class TokenAuth(HttpBearer):
    def __call__(self, request: HttpRequest) -> ApiToken:
        header = request.headers.get(self.header, "")
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != self.openapi_scheme or not secret.strip():
            raise ApiRefusal(401, NO_TOKEN)
        return self.authenticate(request, secret.strip())

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken:
        found = token_by_secret(secret=token)
        if found is None:
            raise ApiRefusal(401, UNKNOWN_TOKEN)
        if found.is_revoked:
            raise ApiRefusal(401, REVOKED_TOKEN)
        if found.is_expired():
            raise ApiRefusal(401, EXPIRED_TOKEN)
        # The browser's sign-in refuses a deactivated account (Django's backends check `is_active`); a token is a
        # way in for the same person, so it stops with the account rather than outliving it.
        if not found.user.is_active:
            raise ApiRefusal(401, INACTIVE_ACCOUNT)
        if request.method not in SAFE_METHODS and not found.can_write:
            raise ApiRefusal(403, READ_ONLY_TOKEN)
        _check_rate(found)
        token_used(token=found)
        # The views and the access helpers ask `request.user`, as the browser's pages do.
        request.user = found.user
        return found


def _check_rate(token: ApiToken) -> None:
    """Count the token's requests in this minute of the clock, in the cache; refuse once over the limit. A cache
    that cannot count lets every request through (the limit protects the server, not the data)."""
    limit = settings.API_REQUESTS_PER_MINUTE
    if not limit:
        return
    now = time.time()
    key = f"api:requests:{token.pk}:{int(now // 60)}"
    try:
        cache.add(key, 0, timeout=120)
        count = cache.incr(key)
    except Exception:  # Redis down, or the key already gone
        logger.warning("The API rate limit could not be counted for token %s", token.pk, exc_info=True)
        return
    if count is not None and count > limit:
        wait = 60 - int(now % 60)
        message = f"This token made {limit} requests in the last minute, the most allowed. Wait {wait} seconds."
        raise ApiRefusal(429, message, retry_after=wait)
