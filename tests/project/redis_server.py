"""A Redis server of a test's own, on a free port, to stop at will: tests of what the app does when Redis dies
never touch the shared Redis."""

import shutil
import socket
import subprocess
import time

import pytest
import redis

from tests.conftest import need_service


def free_port() -> int:
    """A port nothing listens on (the kernel's pick, released at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_redis(port: int) -> subprocess.Popen:
    need_service(shutil.which("redis-server") is not None, "redis-server is not installed")
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    process = subprocess.Popen([*command, "--daemonize", "no"], stdout=subprocess.DEVNULL)
    client = redis.Redis(port=port, socket_connect_timeout=0.2)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            client.ping()
            return process
        except redis.ConnectionError:
            time.sleep(0.05)
    stop_redis(process)
    pytest.fail(f"redis-server did not start on port {port}")


def stop_redis(process: subprocess.Popen) -> None:
    """Kill this Redis (by its own process, as a crash would) and wait until it is gone."""
    if process.poll() is None:
        process.kill()
    process.wait(timeout=10)
