"""`/healthz`: 200 when the database, the broker and a worker are well; 503 naming the part that is not.

Redis outages use a Redis of the test's own (tests/project/redis_server.py); the database outage runs the app in
a separate process pointed at a port where nothing listens, so the shared PostgreSQL is never touched.
"""

import json
import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from tests.conftest import need_service
from tests.project.redis_server import free_port, start_redis, stop_redis
from tests.reports.conftest import broker, worker  # noqa: F401  (fixtures: a real worker on this test's queue)
from tests.reports.helpers import QUEUE
from wareview.health.checks import HEARTBEAT_KEY, heartbeat_record
from wareview.health.tasks import heartbeat_task
from wareview.lib.storage_url import storage_settings

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_heartbeat_key(settings):
    """A cache key prefix of this test's own, so parallel test processes never see each other's heartbeat."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"health-test-{os.getpid()}-{time.time_ns()}"},
    }
    yield
    cache.delete(HEARTBEAT_KEY)


def get_health(client) -> tuple[int, dict]:
    response = client.get(reverse("healthz"))
    return response.status_code, json.loads(response.content)


def test_the_embedded_default_is_healthy_with_tasks_in_process(client, settings):
    settings.REDIS_URL = ""
    status, body = get_health(client)
    assert status == 200
    assert body["parts"] == {
        "database": "ok",
        "broker": "none: tasks run in the web process",
        "worker": "none: tasks run in the web process",
        "storage": "local folder (MEDIA_ROOT), not checked",
    }


@pytest.mark.django_db(transaction=True)
def test_a_heartbeat_sent_through_a_real_worker_makes_the_service_healthy(client, settings, worker):  # noqa: F811
    need_service(bool(settings.REDIS_URL), "REDIS_URL is not set")
    status, body = get_health(client)
    assert (status, body["failing"]) == (503, ["worker"])
    assert body["parts"]["worker"] == "no heartbeat recorded: are a Celery worker and beat running?"

    heartbeat_task.apply_async(queue=QUEUE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and get_health(client)[0] != 200:
        time.sleep(0.1)

    status, body = get_health(client)
    assert status == 200
    assert body["status"] == "ok"
    assert body["parts"]["worker"].startswith("last heartbeat")


def test_a_stale_heartbeat_fails_the_worker_part(client, settings):
    need_service(bool(settings.REDIS_URL), "REDIS_URL is not set")
    settings.HEALTH_WORKER_MAX_AGE = 180
    heartbeat_record(now=time.time() - 600)
    status, body = get_health(client)
    assert (status, body["failing"]) == (503, ["worker"])
    assert body["parts"]["worker"] == "last heartbeat 600 s ago: are a Celery worker and beat running?"


def test_with_redis_stopped_the_broker_and_the_worker_fail_and_no_address_is_shown(client, settings):
    need_service(bool(settings.REDIS_URL), "REDIS_URL is not set, so the settings configure no Redis cache")
    port = free_port()
    redis_process = start_redis(port)
    url = f"redis://127.0.0.1:{port}/0"
    settings.REDIS_URL = url
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "BACKEND": "django_redis.cache.RedisCache", "LOCATION": url}
    }
    try:
        heartbeat_record()
        assert get_health(client)[0] == 200
    finally:
        stop_redis(redis_process)

    response = client.get(reverse("healthz"))
    body = json.loads(response.content)
    assert response.status_code == 503
    assert body["failing"] == ["broker", "worker"]
    assert body["parts"]["broker"] == "Redis unreachable (ConnectionError)"
    assert body["parts"]["database"] == "ok"
    assert str(port) not in response.content.decode()


def test_with_the_database_stopped_the_database_part_fails():
    code = (
        "from django.test import Client; r = Client(HTTP_HOST='127.0.0.1').get('/healthz'); print(r.status_code); "
        "print(r.content.decode())"
    )
    env = {
        **{name: value for name, value in os.environ.items() if name != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{free_port()}/wareview",
        "REDIS_URL": "",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    status, body = result.stdout.split("\n", 1)
    assert status == "503", result.stderr
    answer = json.loads(body)
    assert answer["failing"] == ["database"]
    assert answer["parts"]["database"] == "unreachable (OperationalError)"
    assert "postgres://" not in body


def test_with_a_bucket_the_storage_part_writes_reads_and_deletes_a_small_object(client, settings, s3_storage):
    settings.REDIS_URL = ""
    status, body = get_health(client)
    assert status == 200
    assert body["parts"]["storage"] == f"S3 bucket {s3_storage.bucket}: ok"
    assert s3_storage.object_keys() == []  # the probe deleted what it wrote


@pytest.mark.parametrize(
    ("where", "error"),
    [("a bucket that does not exist", "NoSuchBucket"), ("a server that does not answer", "EndpointConnectionError")],
)
def test_a_storage_that_fails_fails_its_part_by_name_and_shows_no_address(client, settings, s3_server, where, error):
    settings.REDIS_URL = ""
    if where == "a bucket that does not exist":
        url, bucket = s3_server.url("no-such-bucket"), "no-such-bucket"
    else:
        url, bucket = f"s3://k:s@127.0.0.1:{free_port()}/wareview-files?secure=0", "wareview-files"
    settings.STORAGES = {**settings.STORAGES, "default": storage_settings(url)}
    started = time.monotonic()
    response = client.get(reverse("healthz"))
    body = json.loads(response.content)
    assert response.status_code == 503 and body["failing"] == ["storage"]
    assert body["parts"]["storage"] == f"S3 bucket {bucket}: unreachable or refusing ({error})"
    assert time.monotonic() - started < 15
    assert "127.0.0.1" not in response.content.decode()
