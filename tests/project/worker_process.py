"""A real `celery -A wareview worker --beat` process of a test's own, on a Redis of the test's own and on the test
database: tests of what the worker does when Redis goes away need the process itself, since the failure they
guard against is the process exiting."""

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import need_service
from tests.reports.helpers import reset_connections
from wareview.celery import app as celery_app


def database_url_for_tests() -> str:
    """DATABASE_URL with the test database's name, so a process of its own reads what the test commits."""
    need_service(connection.vendor == "postgresql", "a worker in another process needs PostgreSQL (DATABASE_URL)")
    return urlsplit(os.environ["DATABASE_URL"])._replace(path="/" + connection.settings_dict["NAME"]).geturl()


@contextmanager
def worker_process(*, redis_url: str, log: Path, schedule: Path, env: dict[str, str]) -> Iterator[subprocess.Popen]:
    """The worker with its embedded beat (as `make run` starts it), ready to take tasks; stopped on the way out."""
    environment = {**os.environ, "DATABASE_URL": database_url_for_tests(), "REDIS_URL": redis_url, **env}
    command = [sys.executable, "-m", "celery", "-A", "wareview", "worker", "--beat", f"--schedule={schedule}"]
    command += ["--loglevel=info", "--concurrency=1"]
    process = subprocess.Popen(
        command, cwd=settings.BASE_DIR, env=environment, stdout=log.open("ab"), stderr=subprocess.STDOUT
    )
    try:
        wait_until(lambda: "ready." in log.read_text(), "the worker to start", log=log, process=process)
        yield process
    finally:
        stop(process)


def stop(process: subprocess.Popen) -> None:
    """A warm shutdown (TERM), as docker stops a container; killed if it lingers."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until(
    condition: Callable[[], object],
    what: str,
    *,
    log: Path,
    process: subprocess.Popen | None = None,
    timeout: float = 60.0,
) -> None:
    """Poll `condition`; fail naming `what`, with the worker's last log lines, on timeout or when it exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if process is not None and process.poll() is not None:
            pytest.fail(f"The worker exited ({process.returncode}) waiting for {what}:\n{log_tail(log)}")
        time.sleep(0.2)
    pytest.fail(f"Timed out after {timeout} s waiting for {what}:\n{log_tail(log)}")


def log_tail(log: Path, size: int = 4000) -> str:
    return log.read_text(errors="replace")[-size:]


@contextmanager
def tasks_sent_to(redis_url: str) -> Iterator[None]:
    """This process sends its tasks to the broker at `redis_url` (as the web does), not in-process."""
    keys = ("broker_url", "task_always_eager", "task_routes")
    saved = {key: celery_app.conf[key] for key in keys}
    celery_app.conf.update(broker_url=redis_url, task_always_eager=False, task_routes=None)
    reset_connections()
    try:
        yield
    finally:
        celery_app.conf.update(saved)
        reset_connections()
