"""`evidence.expired`: the daily look for expired evidence (Celery beat's `evidence.expiry`) makes one delivery per
practice and webhook that wants the event, once per practice."""

import time
from datetime import date, timedelta

import pytest

from tests.webhooks.test_worker import wait_for_delivery
from wareview.evidence.models import Evidence
from wareview.evidence.services import evidence_expiry_notify
from wareview.evidence.tasks import evidence_expiry_task
from wareview.reviews.models import Answer
from wareview.teams.services import team_create
from wareview.webhooks.models import Delivery, Event, Webhook
from wareview.webhooks.signing import signature_valid
from wareview.workloads.models import Workload


def expired_practice(review, question: str = "Q_01", practice: str = "q_01_a", days: int = 200) -> None:
    answer = Answer.objects.get(review=review, question__code=question)
    Answer.objects.filter(pk=answer.pk).update(selected=[*answer.selected, practice])
    Evidence.objects.create(
        answer=answer,
        practice=practice,
        kind="link",
        title="Load-test runbook",
        url="https://runbooks.example.com/",
        verified_on=date.today() - timedelta(days=days),
    )


@pytest.mark.django_db
def test_each_expired_practice_is_delivered_once_with_its_question_practice_and_days(
    cast, receiver, settings, django_capture_on_commit_callbacks
):
    settings.EVIDENCE_MAX_AGE_DAYS = 180
    Webhook.objects.create(team=cast.team, url=receiver.url, events=[Event.EVIDENCE_EXPIRED])
    Webhook.objects.create(team=cast.team, url=receiver.url, events=[Event.MILESTONE_SAVED])  # not this event
    expired_practice(cast.review, "Q_01", "q_01_a")
    expired_practice(cast.review, "Q_02", "q_02_b", days=190)
    expired_practice(cast.review, "Q_03", "q_03_a", days=10)  # still verified

    with django_capture_on_commit_callbacks(execute=True):
        evidence_expiry_task()
    with django_capture_on_commit_callbacks(execute=True):
        evidence_expiry_task()  # the next day's run: nothing new

    payloads = sorted((got.json() for got in receiver.received), key=lambda payload: payload["evidence"]["question"])
    assert [got.headers["Wareview-Event"] for got in receiver.received] == ["evidence.expired"] * 2
    first = payloads[0]
    verified_on = date.today() - timedelta(days=200)
    assert first["evidence"] == {
        "question": "Q_01",
        "practice": "q_01_a",
        "practice_title": "Q_01 practice a",
        "last_verified_on": verified_on.isoformat(),
        "max_age_days": 180,
        "expired_on": (verified_on + timedelta(days=181)).isoformat(),
    }
    assert first["team"] == {"id": cast.team.pk, "name": "Payments"} and first["review"]["id"] == cast.review.pk
    assert first["summary"].startswith("The evidence of “Q_01 practice a” (Q_01) in the review of Checkout has expired")
    assert payloads[1]["evidence"]["practice"] == "q_02_b"
    assert Delivery.objects.filter(status=Delivery.Status.SUCCEEDED).count() == 2


@pytest.mark.django_db
def test_a_team_without_webhooks_costs_one_query_and_another_teams_webhook_gets_nothing(
    cast, receiver, settings, django_assert_num_queries, django_capture_on_commit_callbacks
):
    elsewhere = team_create(name="Elsewhere too", user=cast.outsider)
    Workload.objects.create(team=elsewhere, name="Other", created_by=cast.outsider)
    Webhook.objects.create(team=elsewhere, url=receiver.url, events=[Event.EVIDENCE_EXPIRED])
    for question in ("Q_01", "Q_02", "Q_03"):
        expired_practice(cast.review, question, f"{question.lower()}_a")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert len(evidence_expiry_notify()) == 3
    with django_assert_num_queries(1):
        for callback in callbacks:
            callback()
    assert receiver.received == [] and not Delivery.objects.exists()


@pytest.mark.django_db(transaction=True)  # the worker's thread sees what the run commits, as in production
def test_a_worker_delivers_the_expiry_signed_and_retries_a_500(cast, receiver, worker, settings):
    settings.WEBHOOK_RETRY_BASE_DELAY = 0.3
    receiver.answers = [500, 200]
    webhook = Webhook.objects.create(team=cast.team, url=receiver.url, events=[Event.EVIDENCE_EXPIRED])
    expired_practice(cast.review)
    evidence_expiry_task()  # commits at once: no transaction here

    delivery = wait_for_delivery(Delivery.Status.SUCCEEDED)
    assert (delivery.event, delivery.attempts) == ("evidence.expired", 2)
    last = receiver.received[-1]
    assert last.json()["evidence"]["practice"] == "q_01_a"
    assert signature_valid(
        secret=webhook.secret, header=last.headers["Wareview-Signature"], body=last.body, now=int(time.time())
    )
    evidence_expiry_task()
    assert Delivery.objects.count() == 1
