"""The Redis cache, with one change: an `add` that cannot reach Redis answers True.

django-redis (with IGNORE_EXCEPTIONS) answers a failed `add` with None, "someone else holds the key". The
sign-in limits (django-allauth) take a lock with `add` before counting; with Redis down nobody could get it, and
every sign-in would be refused as over the limit. Like the PDF limit, the sign-in limits count in the cache and
refuse nobody while it is down: Redis must never be a single point of failure for signing in.
"""

import logging
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
