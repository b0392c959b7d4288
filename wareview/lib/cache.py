"""The Redis cache, with one change: an `add` that cannot reach Redis answers True.

django-redis (with IGNORE_EXCEPTIONS) answers a failed `add` with None, "someone else holds the key". The
sign-in limits (django-allauth) take a lock with `add` before counting; with Redis down nobody could get it, and
every sign-in would be refused as over the limit. Like the PDF limit, the sign-in limits count in the cache and
refuse nobody while it is down: Redis must never be a single point of failure for signing in.
"""

import hashlib
import logging
from pathlib import Path
from typing import Any

from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted

logger = logging.getLogger(__name__)


class FailOpenRedisCache(RedisCache):
    def add(self, *args: Any, **kwargs: Any) -> bool:
        try:
            return self.client.add(*args, **kwargs)
        except ConnectionInterrupted:
            logger.warning("The cache is unreachable: a cache lock or counter is let through", exc_info=True)
            return True


def templates_digest(directory: Path) -> str:
    """A short digest of every template under `directory`, names and contents: the version of the cached template
    fragments, so a deploy that changes a template never serves a drawing the old one made."""
    digest = hashlib.blake2b(digest_size=8)
    for path in sorted(directory.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(directory)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()
