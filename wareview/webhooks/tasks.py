"""The Celery tasks of webhooks: sending a delivery, a thin adapter around `services.delivery_attempt`, which tries
once and says when the next try is due (exponential backoff, WEBHOOK_MAX_ATTEMPTS tries a round); the sweep that
queues again the deliveries whose message was lost; the pruning of old deliveries.

Run in-process (the embedded default, no broker), a delivery is tried once, so a receiver that does not answer
never holds the request that made the event; the owner can send it again from the webhook's page.
"""

from datetime import datetime

from celery import Task, shared_task

from wareview.webhooks.services import DELIVER_TASK, deliveries_prune, deliveries_sweep, delivery_attempt


@shared_task(name=DELIVER_TASK, bind=True, acks_late=True, max_retries=None)
def delivery_send_task(self: Task, delivery_id: int, due: str | None = None) -> None:
    """`due`: when the try was queued for (ISO 8601), which the delivery's next_attempt_at still says unless it
    was queued again since; messages queued before it existed have none."""
    next_try = delivery_attempt(
        delivery_id=delivery_id,
        round_attempt=self.request.retries + 1,
        may_retry=not self.request.is_eager,
        due=datetime.fromisoformat(due) if due else None,
    )
    if next_try is not None:
        raise self.retry(eta=next_try, kwargs={"due": next_try.isoformat()})


@shared_task(name="webhooks.sweep", ignore_result=True)
def deliveries_sweep_task() -> None:
    """Celery beat's sweep for deliveries whose next try is overdue (CELERY_BEAT_SCHEDULE, every minute)."""
    deliveries_sweep()


@shared_task(name="webhooks.prune")
def deliveries_prune_task() -> None:
    """Celery beat's daily pruning of old deliveries (CELERY_BEAT_SCHEDULE)."""
    deliveries_prune()
