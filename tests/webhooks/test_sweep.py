"""The sweep: a delivery still "Sending" whose next try is long overdue lost its message (Redis restarted without
it), and Celery beat's sweep queues it again; a late copy of the old message then sends nothing twice.

Most tests call the beat's task in-process; the last runs a real worker with its embedded beat, as `make run`
does, on a Redis of its own (tests/project/test_worker_broker_restart.py restarts that Redis under it).
"""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.project.redis_server import free_port, start_redis, stop_redis
from tests.project.worker_process import tasks_sent_to, wait_until, worker_process
from wareview.celery import app as celery_app
from wareview.webhooks.models import Delivery, Event
from wareview.webhooks.services import DISABLED_MESSAGE, deliveries_sweep
from wareview.webhooks.tasks import deliveries_sweep_task, delivery_send_task

pytestmark = pytest.mark.django_db

STILL_SENDING = "This delivery is still being sent: wait until it is delivered or has failed."


def left_pending(webhook, *, overdue_by: timedelta = timedelta(hours=1)) -> Delivery:
    """A delivery whose first try failed and whose retry's message is gone: "Sending", next try long past."""
    due = timezone.now() - overdue_by
    return Delivery.objects.create(
        webhook=webhook,
        event=Event.MILESTONE_SAVED,
        payload={"event": "milestone.saved"},
        attempts=1,
        response_code=500,
        error="The receiver answered 500.",
        last_attempt_at=due - timedelta(seconds=10),
        next_attempt_at=due,
    )


def test_celery_beat_runs_the_sweep_every_minute():
    assert settings.CELERY_BEAT_SCHEDULE["webhooks-sweep"] == {"task": "webhooks.sweep", "schedule": 60}
    assert celery_app.tasks["webhooks.sweep"].name == deliveries_sweep_task.name == "webhooks.sweep"
    assert settings.WEBHOOK_OVERDUE_AFTER == 360  # Redis's visibility timeout (300 s) and a minute


def test_a_delivery_left_sending_is_sent_by_the_sweep_and_can_then_be_sent_again(
    client, cast, webhook, receiver, django_capture_on_commit_callbacks
):
    delivery = left_pending(webhook)
    client.force_login(cast.owner)
    refused = client.post(reverse("webhooks:delivery_resend", args=[delivery.pk]))
    assert refused.status_code == 409 and STILL_SENDING in refused.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        deliveries_sweep_task.apply()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code, delivery.next_attempt_at) == (
        "succeeded",
        2,
        200,
        None,
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("webhooks:delivery_resend", args=[delivery.pk]))
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("succeeded", 3)
    assert [got.headers["Wareview-Delivery"] for got in receiver.received] == [str(delivery.uuid)] * 2


def test_the_sweep_leaves_retries_that_are_not_overdue_yet_and_finished_deliveries(
    webhook, receiver, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_OVERDUE_AFTER = 360
    waiting = left_pending(webhook, overdue_by=timedelta(seconds=300))  # Redis may still hand its message back
    finished = left_pending(webhook)
    Delivery.objects.filter(pk=finished.pk).update(status=Delivery.Status.FAILED, next_attempt_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        assert deliveries_sweep() == 0
    assert receiver.received == []
    assert Delivery.objects.get(pk=waiting.pk).next_attempt_at == waiting.next_attempt_at


def test_the_old_message_of_a_delivery_the_sweep_queued_again_sends_nothing(
    webhook, receiver, django_capture_on_commit_callbacks
):
    delivery = left_pending(webhook)
    lost_due = delivery.next_attempt_at
    with django_capture_on_commit_callbacks(execute=False) as queued:  # the sweep's message, not sent yet
        assert deliveries_sweep() == 1
    delivery.refresh_from_db()
    assert delivery.next_attempt_at > lost_due

    delivery_send_task.apply(args=[delivery.pk], kwargs={"due": lost_due.isoformat()})  # Redis handed it back late
    assert receiver.received == []
    [send] = queued
    send()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, len(receiver.received)) == ("succeeded", 2, 1)


def test_a_delivery_the_sweep_finds_for_a_disabled_webhook_fails_with_words(
    webhook, receiver, django_capture_on_commit_callbacks
):
    delivery = left_pending(webhook)
    webhook.is_active = False
    webhook.save()
    with django_capture_on_commit_callbacks(execute=True):
        deliveries_sweep()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.error, delivery.attempts) == ("failed", DISABLED_MESSAGE, 1)
    assert receiver.received == []


def test_the_sweep_costs_one_query_when_nothing_is_overdue_and_that_query_can_use_its_index(webhook):
    for _ in range(3):
        left_pending(webhook, overdue_by=timedelta(seconds=-60))  # retries due in a minute
    with CaptureQueriesContext(connection) as queries:
        assert deliveries_sweep() == 0
    [select] = [query["sql"] for query in queries if query["sql"].startswith("SELECT")]
    assert len(queries) - 1 == sum(1 for query in queries if "SAVEPOINT" in query["sql"])  # and the transaction's
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {select}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "webhook_delivery_due" in plan, plan


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_s_beat_sends_a_delivery_left_sending_and_send_again_then_works(
    client, cast, webhook, receiver, tmp_path
):
    delivery = left_pending(webhook)
    port = free_port()
    redis_process = start_redis(port)
    url = f"redis://127.0.0.1:{port}/0"
    log = tmp_path / "worker.log"
    env = {"WEBHOOK_ALLOW_PRIVATE_ADDRESSES": "1", "WEBHOOK_SWEEP_INTERVAL": "1"}
    client.force_login(cast.owner)
    try:
        with worker_process(redis_url=url, log=log, schedule=tmp_path / "beat", env=env) as worker, tasks_sent_to(url):
            wait_until(lambda: len(receiver.received) == 1, "the beat's sweep to send it", log=log, process=worker)
            wait_until(
                lambda: Delivery.objects.get(pk=delivery.pk).status == "succeeded", "its try", log=log, process=worker
            )
            response = client.post(reverse("webhooks:delivery_resend", args=[delivery.pk]))
            assert response.status_code == 302
            wait_until(lambda: len(receiver.received) == 2, "Send again", log=log, process=worker)
    finally:
        stop_redis(redis_process)
    assert [got.headers["Wareview-Delivery"] for got in receiver.received] == [str(delivery.uuid)] * 2


def test_the_migration_gives_deliveries_queued_before_it_a_due_time_the_sweep_finds(webhook):
    migration = importlib.import_module("wareview.webhooks.migrations.0002_delivery_due_index")
    tried = left_pending(webhook)
    never_tried = Delivery.objects.create(webhook=webhook, event=Event.MILESTONE_SAVED, payload={})
    finished = Delivery.objects.create(webhook=webhook, event=Event.MILESTONE_SAVED, payload={}, status="failed")
    Delivery.objects.update(next_attempt_at=None)  # as every queueing but a retry left it
    migration.give_waiting_deliveries_a_due_time(django_apps, None)
    due = dict(Delivery.objects.values_list("pk", "next_attempt_at"))
    assert due == {tried.pk: tried.last_attempt_at, never_tried.pk: never_tried.created_at, finished.pk: None}
