"""Sending a delivery: what the receiver gets, retries with backoff, redirects, timeouts and refusals. The task's
function is called directly here; test_worker.py runs it on a real Celery worker."""

import json
import time

import pytest

from wareview.webhooks.models import Delivery, Event
from wareview.webhooks.services import (
    DISABLED_MESSAGE,
    deliveries_create,
    delivery_attempt,
    retry_delay,
)
from wareview.webhooks.signing import signature_valid
from wareview.webhooks.tasks import delivery_send_task

pytestmark = pytest.mark.django_db

PAYLOAD = {"event": "milestone.saved", "summary": "Milestone “Baseline” of Checkout.", "team": {"id": 1}}


def make_delivery(webhook, payload=PAYLOAD) -> Delivery:
    delivery = Delivery.objects.create(webhook=webhook, event=Event.MILESTONE_SAVED, payload=payload)
    return delivery


def test_the_receiver_gets_the_event_the_delivery_id_and_a_signed_json_body(webhook, receiver):
    delivery = make_delivery(webhook)
    delivery_send_task.apply(args=[delivery.pk])
    [got] = receiver.received
    assert got.path == "/hooks/wareview"
    assert got.headers["Content-Type"] == "application/json"
    assert got.headers["Wareview-Event"] == "milestone.saved"
    assert got.headers["Wareview-Delivery"] == str(delivery.uuid)
    assert got.json() == PAYLOAD
    assert signature_valid(
        secret=webhook.secret, header=got.headers["Wareview-Signature"], body=got.body, now=int(time.time())
    )
    delivery.refresh_from_db()
    assert (delivery.status, delivery.response_code, delivery.attempts, delivery.error) == ("succeeded", 200, 1, "")


def test_a_500_is_tried_again_after_the_base_delay_and_a_200_then_delivers_it(webhook, receiver):
    receiver.answers = [500, 200]
    delivery = make_delivery(webhook)
    next_try = delivery_attempt(delivery_id=delivery.pk, round_attempt=1)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.response_code, delivery.attempts) == ("pending", 500, 1)
    assert delivery.error == "The receiver answered 500. Something broke on our side."
    assert delivery.next_attempt_at == next_try
    assert (next_try - delivery.last_attempt_at).total_seconds() == pytest.approx(0.2)
    assert delivery_attempt(delivery_id=delivery.pk, round_attempt=2) is None
    delivery.refresh_from_db()
    assert (delivery.status, delivery.response_code, delivery.attempts, delivery.error) == ("succeeded", 200, 2, "")
    assert [(row.number, row.response_code) for row in delivery.attempt_rows.order_by("number")] == [(1, 500), (2, 200)]
    first, second = receiver.received
    assert first.body == second.body and first.headers["Wareview-Delivery"] == second.headers["Wareview-Delivery"]


def test_the_wait_doubles_after_each_failure_and_the_last_try_fails_the_delivery(webhook, receiver, settings):
    settings.WEBHOOK_RETRY_BASE_DELAY = 10
    settings.WEBHOOK_MAX_ATTEMPTS = 4
    receiver.answers = [503]
    assert [retry_delay(number) for number in (1, 2, 3)] == [10, 20, 40]
    delivery = make_delivery(webhook)
    waits = []
    for number in (1, 2, 3, 4):
        next_try = delivery_attempt(delivery_id=delivery.pk, round_attempt=number)
        delivery.refresh_from_db()
        waits.append(next_try and (next_try - delivery.last_attempt_at).total_seconds())
    assert waits == [10, 20, 40, None]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("failed", 4, None)
    assert delivery.error.startswith("The receiver answered 503.")
    assert len(receiver.received) == 4


def test_in_process_a_delivery_is_tried_once_so_no_request_waits_for_retries(webhook, receiver):
    receiver.answers = [500, 200]
    delivery = make_delivery(webhook)
    delivery_send_task.apply(args=[delivery.pk])
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, len(receiver.received)) == ("failed", 1, 1)


def test_a_receiver_that_does_not_answer_in_time_fails_the_try_with_words(webhook, receiver, settings):
    settings.WEBHOOK_TIMEOUT = 0.3
    receiver.delay = 1.0
    delivery = make_delivery(webhook)
    delivery_attempt(delivery_id=delivery.pk, round_attempt=1, may_retry=False)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.response_code, delivery.error) == (
        "failed",
        None,
        "No answer within 0.3 seconds.",
    )


def test_a_redirect_on_the_same_host_is_followed_with_the_same_signed_body(webhook, receiver):
    receiver.answers = [(307, "/hooks/moved"), 200]
    delivery = make_delivery(webhook)
    delivery_attempt(delivery_id=delivery.pk, round_attempt=1)
    first, second = receiver.received
    assert (first.path, second.path) == ("/hooks/wareview", "/hooks/moved")
    assert second.body == first.body and second.headers["Wareview-Signature"] == first.headers["Wareview-Signature"]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.response_code) == ("succeeded", 200)


def test_a_redirect_to_another_host_is_never_followed(webhook, receiver, other_receiver):
    other = other_receiver.url.replace("127.0.0.1", "localhost")
    receiver.answers = [(302, other)]
    delivery = make_delivery(webhook)
    delivery_attempt(delivery_id=delivery.pk, round_attempt=1, may_retry=False)
    assert other_receiver.received == []
    delivery.refresh_from_db()
    assert (delivery.status, delivery.response_code) == ("failed", 302)
    assert delivery.error == f"Redirected to {other}, another host or a plain-http address: not followed."


def test_a_private_address_is_refused_unless_the_setting_allows_it(webhook, receiver, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    delivery = make_delivery(webhook)
    delivery_attempt(delivery_id=delivery.pk, round_attempt=1, may_retry=False)
    assert receiver.received == []
    delivery.refresh_from_db()
    assert delivery.status == "failed"
    assert delivery.error.startswith("127.0.0.1 is a private address: set WEBHOOK_ALLOW_PRIVATE_ADDRESSES=1")


def test_a_refused_address_fails_the_delivery_at_the_first_try_with_no_retry(webhook, receiver, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    delivery = make_delivery(webhook)
    assert delivery_attempt(delivery_id=delivery.pk, round_attempt=1) is None
    assert receiver.received == []
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("failed", 1, None)
    assert delivery.error == (
        "127.0.0.1 is a private address: set WEBHOOK_ALLOW_PRIVATE_ADDRESSES=1 to send to the server's own network. "
        "Not tried again: every try would be refused the same way until the webhook's address changes."
    )


def test_a_host_that_cannot_be_found_is_tried_again_since_dns_may_recover(webhook, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    webhook.url = "https://no-such-receiver.invalid/hooks"
    webhook.save()
    delivery = make_delivery(webhook)
    assert delivery_attempt(delivery_id=delivery.pk, round_attempt=1) is not None
    delivery.refresh_from_db()
    assert (delivery.status, delivery.error) == ("pending", "The host no-such-receiver.invalid could not be found.")


def test_a_webhook_disabled_after_the_event_sends_nothing(webhook, receiver):
    delivery = make_delivery(webhook)
    webhook.is_active = False
    webhook.save()
    assert delivery_attempt(delivery_id=delivery.pk, round_attempt=1) is None
    assert receiver.received == []
    delivery.refresh_from_db()
    assert (delivery.status, delivery.error, delivery.attempts) == ("failed", DISABLED_MESSAGE, 0)


def test_a_delivered_message_that_comes_twice_is_not_sent_twice(webhook, receiver):
    delivery = make_delivery(webhook)
    delivery_send_task.apply(args=[delivery.pk])
    delivery_send_task.apply(args=[delivery.pk])
    assert len(receiver.received) == 1


def test_a_delivery_of_a_deleted_webhook_does_nothing(webhook, receiver):
    delivery = make_delivery(webhook)
    webhook.delete()
    assert delivery_attempt(delivery_id=delivery.pk, round_attempt=1) is None
    assert receiver.received == []


def test_deliveries_are_sent_after_the_commit_one_per_webhook_and_payload(
    webhook, receiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        deliveries = deliveries_create(webhooks=[webhook], event=Event.ITEM_CHANGED, payloads=[{"n": 1}, {"n": 2}])
        assert receiver.received == []
    assert len(deliveries) == 2
    assert sorted(json.loads(got.body)["n"] for got in receiver.received) == [1, 2]
