"""The nodes of a wareview cluster on this machine: gunicorn web nodes and Celery workers, each a process group of
its own started in a folder of its own (its working folder, `WAREVIEW_VAR_DIR` and `MEDIA_ROOT`), sharing only
what a cluster shares: the PostgreSQL database, one Redis and a bucket on the S3-compatible server.

Each node is stopped by its own process group's id: `stop` as docker stops a container (TERM, then KILL), `kill`
as a machine dies (SIGKILL to the node's every process: gunicorn's master and workers, Celery's main process and
its pool).
"""

import os
import re
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import requests
from django.conf import settings

from tests.project.worker_process import wait_until
from tests.s3_server import free_port

HOST = "127.0.0.1"
SETTINGS = "tests.cluster.settings"
# Received and rendered PDF tasks, as a worker logs them (Celery's own line, and `services._job_store`'s).
RECEIVED = re.compile(r"Task reports\.render\[[0-9a-f-]+\] received")
READY = re.compile(r"Report (\d+) ready")


@dataclass
class Node:
    name: str
    process: subprocess.Popen
    folder: Path
    log: Path
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def media_root(self) -> Path:
        return self.folder / "media"

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def tasks_received(self) -> int:
        return len(RECEIVED.findall(self.log_text()))

    def reports_rendered(self) -> list[int]:
        return [int(pk) for pk in READY.findall(self.log_text())]

    def kill(self) -> None:
        """SIGKILL to every process of the node, as when its machine dies: nothing gets to clean up."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """TERM to the node's processes, as docker stops a container; KILL if they linger."""
        if self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()


def node_environment(folder: Path, shared: dict[str, str]) -> dict[str, str]:
    """Production settings on plain http, in `folder`: its own var folder and MEDIA_ROOT, no development .env."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "PYTHONPATH": str(settings.BASE_DIR),
        "WAREVIEW_ENV_FILE": os.devnull,  # the development .env says DEBUG=1
        "WAREVIEW_VAR_DIR": str(folder / "var"),
        "MEDIA_ROOT": str(folder / "media"),
        "DEBUG": "0",
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        **shared,
    }


def start_node(name: str, command: list[str], root: Path, shared: dict[str, str], port: int = 0) -> Node:
    folder = root / name
    (folder / "media").mkdir(parents=True)
    log = folder / "node.log"
    process = subprocess.Popen(
        command,
        cwd=folder,
        env=node_environment(folder, shared),
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # a process group of its own, so the node is stopped or killed whole
    )
    return Node(name=name, process=process, folder=folder, log=log, port=port)


def start_web(name: str, root: Path, shared: dict[str, str]) -> Node:
    """gunicorn on a free port: two gthread workers of two threads, as a small production node."""
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "wareview.wsgi:application", "--bind", f"{HOST}:{port}",
        "--workers", "2", "--threads", "2", "--worker-class", "gthread", "--timeout", "60",
        "--no-control-socket",  # its control socket has one fixed path per user, shared by every gunicorn
    ]  # fmt: skip
    return start_node(name, command, root, shared, port)


def start_worker(name: str, root: Path, shared: dict[str, str]) -> Node:
    """A Celery worker with one pool process (prefork, as in production), named after its node."""
    command = [sys.executable, "-m", "celery", "-A", "wareview", "worker", "--loglevel=info", "--concurrency=1"]
    command += [f"--hostname={name}@%h", "--without-mingle", "--without-gossip"]
    return start_node(name, command, root, shared)


def answers(node: Node) -> bool:
    try:
        return requests.get(f"{node.url}/accounts/login/", timeout=30).status_code == 200
    except requests.ConnectionError:
        return False


def is_ready(node: Node) -> bool:
    """A web node serves a page (its first request also loads the app); a worker says it is ready."""
    return answers(node) if node.port else "ready." in node.log_text()


def wait_ready(node: Node, timeout: float = 120.0) -> None:
    wait_until(lambda: is_ready(node), f"node {node.name}", log=node.log, process=node.process, timeout=timeout)


def media_files(nodes: list[Node]) -> list[str]:
    """Every file under the nodes' MEDIA_ROOTs: there should be none when the storage is a bucket."""
    return [str(path) for node in nodes for path in node.media_root.rglob("*") if path.is_file()]
