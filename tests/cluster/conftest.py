"""The cluster of tests/cluster: two web nodes and two workers (tests/cluster/nodes.py) on the test database, a
Redis of the test's own and the S3-compatible server of the run (tests/s3_server.py)."""

import secrets
from dataclasses import dataclass

import pytest

from tests.cluster.nodes import HOST, Node, start_web, start_worker, wait_ready
from tests.project.redis_server import start_redis, stop_redis
from tests.project.worker_process import database_url_for_tests
from tests.s3_server import S3Server, free_port

# A message a dead worker held goes back to the queue this many seconds after it was delivered (kombu looks every
# 10 s). Production keeps 300 s (CELERY_VISIBILITY_TIMEOUT); the test cannot wait that long. It must outlast a
# render, or a worker still rendering would see its job handed to the other one too.
VISIBILITY_TIMEOUT = 15


@dataclass
class Cluster:
    web_a: Node
    web_b: Node
    worker_a: Node
    worker_b: Node
    s3: S3Server

    @property
    def nodes(self) -> list[Node]:
        return [self.web_a, self.web_b, self.worker_a, self.worker_b]

    @property
    def workers(self) -> list[Node]:
        return [self.worker_a, self.worker_b]

    def wait_ready(self) -> None:
        for node in self.nodes:
            wait_ready(node)


@pytest.fixture
def cluster(transactional_db, s3_storage, tmp_path):
    """Every node started at once, each in its own folder under tmp_path; all stopped after. The test makes its data
    while they start, then waits for them (`Cluster.wait_ready`)."""
    database_url = database_url_for_tests()  # skips (or fails in CI) without PostgreSQL
    redis = start_redis(port := free_port())
    shared = {
        "DATABASE_URL": database_url,
        "REDIS_URL": f"redis://{HOST}:{port}/0",
        "STORAGE_URL": s3_storage.url(),
        "SECRET_KEY": secrets.token_urlsafe(50),  # one key, so every node reads the others' sessions and tokens
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
    }
    nodes: list[Node] = []
    try:
        nodes += [start_web(name, tmp_path, shared) for name in ("web-a", "web-b")]
        nodes += [start_worker(name, tmp_path, shared) for name in ("worker-a", "worker-b")]
        yield Cluster(*nodes, s3=s3_storage)
    finally:
        for node in nodes:
            node.stop()
        stop_redis(redis)
