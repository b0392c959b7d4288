"""What `/healthz` looks at: the database, the broker and a recent heartbeat of a Celery worker.

Each check returns a `Part`: whether it is healthy and a line a person can act on, never a password or a URL.
On the embedded default (no REDIS_URL) tasks run in the web process, so there is no broker or worker to fail.
"""

import time
from dataclasses import dataclass

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection

HEARTBEAT_KEY = "health:worker-heartbeat"


@dataclass(frozen=True)
class Part:
    name: str
    healthy: bool
    detail: str


def heartbeat_record(*, now: float | None = None) -> None:
    """Note that a worker is alive; its periodic task calls this (in the shared cache, which is Redis)."""
    cache.set(HEARTBEAT_KEY, time.time() if now is None else now, timeout=None)


def health_parts() -> list[Part]:
    return [_database(), _broker(), _worker()]


def _database() -> Part:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        return Part("database", False, f"unreachable ({type(error).__name__})")
    return Part("database", True, "ok")


def _broker() -> Part:
    if not settings.REDIS_URL:
        return Part("broker", True, "none: tasks run in the web process")
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=0.5, socket_timeout=0.5)
    try:
        client.ping()
    except redis.RedisError as error:
        return Part("broker", False, f"Redis unreachable ({type(error).__name__})")
    finally:
        client.close()
    return Part("broker", True, "ok")


def _worker() -> Part:
    if not settings.REDIS_URL:
        return Part("worker", True, "none: tasks run in the web process")
    age = worker_heartbeat_age()
    if age is None:
        return Part("worker", False, "no heartbeat recorded: are a Celery worker and beat running?")
    if age > settings.HEALTH_WORKER_MAX_AGE:
        return Part("worker", False, f"last heartbeat {age:.0f} s ago: are a Celery worker and beat running?")
    return Part("worker", True, f"last heartbeat {age:.0f} s ago")


def worker_heartbeat_age() -> float | None:
    """Seconds since a worker last sent its heartbeat, or None when none ever did (or the cache has lost it)."""
    beat = cache.get(HEARTBEAT_KEY)
    return None if beat is None else time.time() - float(beat)


def worker_missing() -> bool:
    """Whether tasks sent now would wait for a worker that is not there: a broker is configured and no worker has
    sent its heartbeat within HEALTH_WORKER_MAX_AGE seconds (what `/healthz` reports as a failing worker)."""
    return not _worker().healthy
