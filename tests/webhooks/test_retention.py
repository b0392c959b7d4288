"""Old deliveries go: those finished and last tried more than WEBHOOK_DELIVERY_RETENTION_DAYS days ago are deleted
with their tries, daily by Celery beat (or `manage.py prune_webhook_deliveries`), in two statements however many
there are; recent ones, and those still being sent whatever their age, stay."""

import os
import re
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models.signals import post_delete
from django.utils import timezone

from tests.reports.helpers import own_queue, worker_on
from wareview.webhooks.models import Delivery, DeliveryAttempt, Event, Webhook
from wareview.webhooks.services import deliveries_prune
from wareview.webhooks.tasks import deliveries_prune_task

# The savepoint around the pruning and its release, the tries' delete, the deliveries' delete.
PRUNE_QUERIES = 4
QUEUE = f"wareview-test-webhooks-prune-{os.environ.get('PYTEST_XDIST_WORKER', 'gw0')}"


def delivery(webhook: Webhook, *, days: float, status: str = "succeeded", tried_days: float | None = None):
    """A delivery made `days` days ago and last tried `tried_days` ago (as old as it is by default), with a try."""
    now = timezone.now()
    tried = days if tried_days is None else tried_days
    made = Delivery.objects.create(
        webhook=webhook,
        event=Event.MILESTONE_SAVED,
        payload={"summary": f"{days} days old"},
        status=status,
        attempts=1,
        created_at=now - timedelta(days=days),
        last_attempt_at=now - timedelta(days=tried),
    )
    DeliveryAttempt.objects.create(delivery=made, number=1, at=now - timedelta(days=tried), response_code=200)
    return made


def left() -> set[str]:
    return set(Delivery.objects.values_list("payload__summary", flat=True))


@pytest.mark.django_db
def test_old_finished_deliveries_go_with_their_tries_and_the_rest_stay(webhook, settings):
    settings.WEBHOOK_DELIVERY_RETENTION_DAYS = 30
    gone = [delivery(webhook, days=31), delivery(webhook, days=400, status="failed")]
    recent = delivery(webhook, days=29, status="failed")
    sending = delivery(webhook, days=90, status="pending")
    sent_again = delivery(webhook, days=60, status="failed", tried_days=2)
    assert deliveries_prune() == 2
    assert left() == {"29 days old", "90 days old", "60 days old"}
    assert not DeliveryAttempt.objects.filter(delivery__in=[d.pk for d in gone]).exists()
    kept = DeliveryAttempt.objects.values_list("delivery", flat=True)
    assert sorted(kept) == sorted([recent.pk, sending.pk, sent_again.pk])


@pytest.mark.django_db
def test_the_deliveries_of_every_teams_webhooks_are_pruned(webhook, cast, receiver):
    other_team = cast.outsider.memberships.get().team
    elsewhere = Webhook.objects.create(team=other_team, url=receiver.url, events=[Event.MILESTONE_SAVED])
    delivery(webhook, days=45)
    delivery(elsewhere, days=50)
    delivery(elsewhere, days=1)
    assert deliveries_prune() == 2
    assert left() == {"1 days old"}


@pytest.mark.django_db
@pytest.mark.parametrize("old", [3, 300])
def test_pruning_takes_the_same_few_queries_for_3_and_300_old_deliveries(webhook, old, django_assert_num_queries):
    for _ in range(old):
        delivery(webhook, days=45)
    delivery(webhook, days=1)
    with django_assert_num_queries(PRUNE_QUERIES):
        assert deliveries_prune() == old
    assert left() == {"1 days old"}
    assert DeliveryAttempt.objects.count() == 1


@pytest.mark.django_db
def test_a_receiver_of_a_deliverys_deletion_hears_of_every_pruned_one(webhook):
    gone = {delivery(webhook, days=45).pk for _ in range(3)}
    delivery(webhook, days=1)
    heard = []

    def receiver(sender, instance, **kwargs):
        heard.append(instance.pk)

    post_delete.connect(receiver, sender=Delivery, weak=False)
    try:
        assert deliveries_prune() == 3
    finally:
        post_delete.disconnect(receiver, sender=Delivery)
    assert sorted(heard) == sorted(gone)
    assert left() == {"1 days old"}


@pytest.mark.django_db
def test_the_command_takes_another_number_of_days_and_says_what_it_deleted(webhook, capsys):
    delivery(webhook, days=10)
    delivery(webhook, days=2)
    call_command("prune_webhook_deliveries", "--days", "5")
    assert left() == {"2 days old"}
    assert "Deleted 1 webhook delivery." in capsys.readouterr().out


@pytest.mark.django_db
def test_the_command_refuses_a_negative_number_of_days_and_deletes_nothing(webhook):
    delivery(webhook, days=10)
    with pytest.raises(CommandError, match=re.escape("--days must be 0 or more.")):
        call_command("prune_webhook_deliveries", "--days", "-1")
    assert left() == {"10 days old"}


def test_celery_beat_prunes_every_day_after_30_days_by_default():
    assert settings.CELERY_BEAT_SCHEDULE["webhooks-prune"] == {"task": "webhooks.prune", "schedule": 24 * 60 * 60}
    assert settings.WEBHOOK_DELIVERY_RETENTION_DAYS == 30


@pytest.mark.django_db(transaction=True)  # the worker's thread sees what the test commits
def test_a_worker_runs_the_pruning_beat_sends(webhook, eager_tasks):
    delivery(webhook, days=31)
    delivery(webhook, days=3)
    with own_queue("webhooks.prune", QUEUE), worker_on(QUEUE):
        deliveries_prune_task.delay()  # what beat sends every day
        deadline = time.monotonic() + 20
        while len(left()) > 1 and time.monotonic() < deadline:
            time.sleep(0.1)
    assert left() == {"3 days old"}
