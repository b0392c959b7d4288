"""Deliveries through a real Celery worker on Redis: the event is sent after the commit, the worker tries, waits
with backoff after a 500, and the receiver's 200 finishes the delivery."""

import time

import pytest

from wareview.milestones.services import milestone_save
from wareview.webhooks.models import Delivery, Event, Webhook
from wareview.webhooks.signing import signature_valid


def wait_for_delivery(status: str, timeout: float = 25.0) -> Delivery:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        delivery = Delivery.objects.first()
        if delivery is not None and delivery.status == status:
            return delivery
        time.sleep(0.1)
    pytest.fail(f"No delivery became {status} within {timeout} s: {list(Delivery.objects.values())}")


@pytest.mark.django_db(transaction=True)  # the worker's thread sees what the test commits, as in production
def test_a_worker_retries_a_500_with_backoff_and_delivers_on_the_200(cast, receiver, worker, settings):
    settings.WEBHOOK_RETRY_BASE_DELAY = 0.5
    receiver.answers = [500, 500, 200]
    webhook = Webhook.objects.create(team=cast.team, url=receiver.url, events=[Event.MILESTONE_SAVED])
    milestone_save(review=cast.review, name="Baseline", user=cast.owner)  # commits at once: no transaction here
    delivery = wait_for_delivery(Delivery.Status.SUCCEEDED)
    first, second, third = receiver.received
    assert second.at - first.at >= 0.5 and third.at - second.at >= 1.0  # 0.5 s, then twice as long
    assert (delivery.attempts, delivery.response_code, delivery.error) == (3, 200, "")
    assert [row.response_code for row in delivery.attempt_rows.order_by("number")] == [500, 500, 200]
    assert third.json()["milestone"]["name"] == "Baseline"
    assert signature_valid(
        secret=webhook.secret, header=third.headers["Wareview-Signature"], body=third.body, now=int(time.time())
    )
