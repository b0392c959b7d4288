"""The worker outlives a Redis restart while it holds unacknowledged messages, and what Redis lost is sent anyway.

A real `celery -A wareview worker --beat` process (the crash this guards against is the process exiting) on a
Redis of the test's own, which the test kills and starts again on the same port while the worker holds webhook
retries waiting for their countdown (acks_late: unacknowledged). Redis keeps nothing across the restart, as in
docker-compose, so those retries are gone from the broker: the beat-scheduled sweep sends them once overdue.
"""

import pytest
import redis
from django.core.cache import cache

from tests.project.redis_server import free_port, start_redis, stop_redis
from tests.project.worker_process import log_tail, tasks_sent_to, wait_until, worker_process
from tests.webhooks.conftest import start_receiver
from wareview.health.checks import HEARTBEAT_KEY
from wareview.health.tasks import heartbeat_task
from wareview.webhooks.models import Delivery, Event, Webhook
from wareview.webhooks.services import deliveries_create

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

# Retries wait 8 s, ample time to restart Redis under them; the sweep looks every second for tries overdue by 1 s.
WORKER_ENV = {
    "WEBHOOK_ALLOW_PRIVATE_ADDRESSES": "1",
    "WEBHOOK_TIMEOUT": "2",
    "WEBHOOK_MAX_ATTEMPTS": "3",
    "WEBHOOK_RETRY_BASE_DELAY": "8",
    "WEBHOOK_SWEEP_INTERVAL": "1",
    "WEBHOOK_OVERDUE_AFTER": "1",
}


@pytest.fixture
def receiver():
    """Answers 500 to the first four tries, 200 after that."""
    receiver, server = start_receiver(answers=[500, 500, 500, 500, 200])
    yield receiver
    server.shutdown()
    server.server_close()


def sent(deliveries: list[Delivery]) -> bool:
    delivered = Delivery.objects.filter(pk__in=[delivery.pk for delivery in deliveries], status="succeeded")
    return delivered.count() == len(deliveries)


def test_the_worker_outlives_a_redis_restart_under_waiting_retries_and_they_are_sent(cast, receiver, tmp_path):
    redis_process = start_redis(port := free_port())
    url = f"redis://127.0.0.1:{port}/0"
    log, schedule = tmp_path / "worker.log", tmp_path / "beat-schedule"
    webhook = Webhook.objects.create(team=cast.team, url=receiver.url, events=list(Event.values))
    try:
        with worker_process(redis_url=url, log=log, schedule=schedule, env=WORKER_ENV) as worker, tasks_sent_to(url):
            waiting = deliveries_create(
                webhooks=[webhook], event=Event.MILESTONE_SAVED, payloads=[{"n": n} for n in range(4)]
            )
            broker = redis.Redis(port=port)
            # Each first try got a 500; each retry now waits in the worker, received but not acknowledged.
            wait_until(lambda: broker.hlen("unacked") == 4, "four retries held by the worker", log=log, process=worker)
            assert Delivery.objects.filter(status=Delivery.Status.PENDING, attempts=1).count() == 4

            stop_redis(redis_process)
            redis_process = start_redis(port)
            wait_until(
                lambda: log.read_text().count("Connected to redis") >= 2, "a reconnection", log=log, process=worker
            )

            heartbeat_task.delay()  # the restarted Redis lost the last one: /healthz is well again once it is back
            beat = cache.make_key(HEARTBEAT_KEY)
            wait_until(lambda: broker.exists(beat), "a heartbeat after the restart", log=log, process=worker)
            after = deliveries_create(webhooks=[webhook], event=Event.MILESTONE_SAVED, payloads=[{"after": "restart"}])
            wait_until(lambda: sent(after), "a new delivery after the restart", log=log, process=worker)
            wait_until(lambda: sent(waiting), "the sweep to send the retries Redis lost", log=log, process=worker)
            assert worker.poll() is None, log_tail(log)
            assert "Unrecoverable error" not in log.read_text()
    finally:
        stop_redis(redis_process)
    rows = Delivery.objects.filter(pk__in=[delivery.pk for delivery in waiting])
    tries = {delivery.payload["n"]: (delivery.attempts, delivery.response_code) for delivery in rows}
    assert tries == {0: (2, 200), 1: (2, 200), 2: (2, 200), 3: (2, 200)}
