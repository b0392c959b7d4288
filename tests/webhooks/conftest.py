"""The webhook tests: a receiving server on 127.0.0.1 (a tiny http.server in a thread) that answers what the test
says and records what it got; webhooks of the suite's cast; tasks run in-process unless a test asks for the real
broker and worker (`broker`, `worker`, as in tests/reports)."""

import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.reports.helpers import own_queue, worker_on
from wareview.celery import app as celery_app
from wareview.webhooks.models import Event, Webhook
from wareview.webhooks.services import DELIVER_TASK

QUEUE = f"wareview-test-webhooks-{os.environ.get('PYTEST_XDIST_WORKER', 'gw0')}"


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float

    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    """What the server answers, in turn (the last answer repeats), and what it got."""

    url: str
    answers: list = field(default_factory=lambda: [200])
    received: list[Received] = field(default_factory=list)
    delay: float = 0.0

    def answer_for(self, number: int):
        return self.answers[min(number, len(self.answers) - 1)]

    def wait_for(self, count: int, timeout: float = 20.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.received


def start_receiver(**options) -> tuple[Receiver, ThreadingHTTPServer]:
    receiver_ref: list[Receiver] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            receiver = receiver_ref[0]
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            number = len(receiver.received)
            receiver.received.append(Received(self.path, dict(self.headers.items()), body, time.monotonic()))
            if receiver.delay:
                time.sleep(receiver.delay)
            answer = receiver.answer_for(number)
            status, location = answer if isinstance(answer, tuple) else (answer, None)
            self.send_response(status)
            if location:
                self.send_header("Location", location)
            payload = b"" if 200 <= status < 400 else b"Something broke on our side."
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    receiver = Receiver(url=f"http://127.0.0.1:{server.server_address[1]}/hooks/wareview", **options)
    receiver_ref.append(receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return receiver, server


@pytest.fixture
def receiver():
    """A receiving server on 127.0.0.1, on a port the kernel picks; set `answers` to choose its answers."""
    receiver, server = start_receiver()
    yield receiver
    server.shutdown()
    server.server_close()


@pytest.fixture
def other_receiver():
    receiver, server = start_receiver()
    yield receiver
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def webhook_settings(settings):
    """The receiving servers live on 127.0.0.1; short waits between tries keep the tests quick."""
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    settings.WEBHOOK_TIMEOUT = 2.0
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    settings.WEBHOOK_RETRY_BASE_DELAY = 0.2
    return settings


@pytest.fixture(autouse=True)
def eager_tasks():
    """Tasks run in-process (as on the embedded default) unless the test uses `broker`."""
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


@pytest.fixture
def webhook(cast, receiver) -> Webhook:
    """An enabled webhook of the cast's team, to the receiving server, for every event."""
    return Webhook.objects.create(team=cast.team, url=receiver.url, events=list(Event.values), created_by=cast.owner)


@pytest.fixture
def broker(eager_tasks):
    """Send deliveries to this xdist worker's own queue on the real Redis, for this test only."""
    with own_queue(DELIVER_TASK, QUEUE) as queue:
        yield queue


@pytest.fixture
def worker(broker):
    """A Celery worker in a thread of this process, consuming this test's queue."""
    with worker_on(broker):
        yield
