from typing import Any

from celery import shared_task
from celery.signals import worker_ready

from wareview.health.checks import heartbeat_record


@shared_task(name="health.heartbeat", ignore_result=True)
def heartbeat_task() -> None:
    """Run by Celery beat every minute (CELERY_BEAT_SCHEDULE): `/healthz` fails when it stops arriving."""
    heartbeat_record()


@worker_ready.connect
def heartbeat_on_start(**kwargs: Any) -> None:
    heartbeat_record()
