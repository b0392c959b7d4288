"""What `/healthz` looks at: the database, the broker, a recent heartbeat of a Celery worker, and the file
storage when STORAGE_URL names one (a small object written, read back and deleted).

Each check returns a `Part`: whether it is healthy and a line a person can act on, never a password or a URL.
On the embedded default (no REDIS_URL) tasks run in the web process, so there is no broker or worker to fail.
"""

import time
import uuid
from dataclasses import dataclass

import redis
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection

from wareview.lib.storage_url import FILE_SYSTEM_BACKEND, storage_in_words

HEARTBEAT_KEY = "health:worker-heartbeat"
# The storage check's objects: a name of their own each time, so two probes at once never read each other's.
STORAGE_PROBE_DIR = "health"
STORAGE_PROBE = b"wareview health check"


@dataclass(frozen=True)
class Part:
    name: str
    healthy: bool
    detail: str


def heartbeat_record(*, now: float | None = None) -> None:
    """Note that a worker is alive; its periodic task calls this (in the shared cache, which is Redis)."""
    cache.set(HEARTBEAT_KEY, time.time() if now is None else now, timeout=None)


def health_parts() -> list[Part]:
    return [_database(), _broker(), _worker(), _storage()]


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


def _storage() -> Part:
    """Write a small object, read it back and delete it, on the storage STORAGE_URL names. The local folder of
    the embedded default (no STORAGE_URL) is not checked."""
    entry = settings.STORAGES["default"]
    if entry["BACKEND"] == FILE_SYSTEM_BACKEND:
        return Part("storage", True, "local folder (MEDIA_ROOT), not checked")
    words = storage_in_words(entry)
    try:
        name = default_storage.save(f"{STORAGE_PROBE_DIR}/{uuid.uuid4().hex}", ContentFile(STORAGE_PROBE))
        try:
            with default_storage.open(name, "rb") as probe:
                read = probe.read()
        finally:
            default_storage.delete(name)
    except Exception as error:  # boto3's errors and OSError alike: the part fails, /healthz still answers
        return Part("storage", False, f"{words}: unreachable or refusing ({type(error).__name__})")
    if read != STORAGE_PROBE:
        return Part("storage", False, f"{words}: read back something other than what was written")
    return Part("storage", True, f"{words}: ok")


def worker_heartbeat_age() -> float | None:
    """Seconds since a worker last sent its heartbeat, or None when none ever did (or the cache has lost it)."""
    beat = cache.get(HEARTBEAT_KEY)
    return None if beat is None else time.time() - float(beat)


def worker_missing() -> bool:
    """Whether tasks sent now would wait for a worker that is not there: a broker is configured and no worker has
    sent its heartbeat within HEALTH_WORKER_MAX_AGE seconds (what `/healthz` reports as a failing worker)."""
    return not _worker().healthy
