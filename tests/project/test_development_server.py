"""The development server (`make run`) on PostgreSQL: its connections to the database end with their requests."""

import os
import subprocess
import sys
import time
import urllib.request
from http.client import HTTPConnection

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import need_service
from tests.project.redis_server import free_port

pytestmark = pytest.mark.django_db


def database_connections(name: str) -> int:
    """Connections to database `name` other than this test's own."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [name])
        return cursor.fetchone()[0]


@pytest.fixture
def development_server():
    need_service(connection.vendor == "postgresql", "DATABASE_URL does not name a PostgreSQL database")
    database = connection.settings_dict
    port = free_port()
    env = {
        **{name: value for name, value in os.environ.items() if name != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "1",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "REDIS_URL": "",
    }
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    else:
        server.kill()
        pytest.fail("the development server did not start")
    yield port, database["NAME"]
    server.kill()
    server.wait()


def test_the_development_server_holds_no_connection_for_browsers_that_keep_theirs_open(development_server):
    port, database = development_server
    browsers = [HTTPConnection("127.0.0.1", port, timeout=10) for _ in range(12)]
    for browser in browsers:
        browser.request("GET", "/healthz")
        response = browser.getresponse()
        response.read()
        assert response.getheader("Connection") != "close"  # the browser's socket, and its thread, stay open
    deadline = time.monotonic() + 20  # each closes as its request ends; a loaded machine may take a while
    while database_connections(database) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert database_connections(database) == 0
    for browser in browsers:
        browser.close()
