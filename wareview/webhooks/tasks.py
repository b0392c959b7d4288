"""The Celery task that sends a delivery: a thin adapter around `services.delivery_attempt`, which tries once and
says how long to wait before the next try (exponential backoff, WEBHOOK_MAX_ATTEMPTS tries a round).

Run in-process (the embedded default, no broker), a delivery is tried once, so a receiver that does not answer
never holds the request that made the event; the owner can send it again from the webhook's page.
"""

from celery import shared_task

from wareview.webhooks.services import DELIVER_TASK, deliveries_prune, delivery_attempt


@shared_task(name=DELIVER_TASK, bind=True, acks_late=True, max_retries=None)
def delivery_send_task(self, delivery_id: int) -> None:
    retry_in = delivery_attempt(
        delivery_id=delivery_id, round_attempt=self.request.retries + 1, may_retry=not self.request.is_eager
    )
    if retry_in is not None:
        raise self.retry(countdown=retry_in)


@shared_task(name="webhooks.prune")
def deliveries_prune_task() -> None:
    """Celery beat's daily pruning of old deliveries (CELERY_BEAT_SCHEDULE)."""
    deliveries_prune()
