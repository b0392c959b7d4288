"""Celery beat's daily look for practices whose evidence expired: a thin adapter around
`services.evidence_expiry_notify` (CELERY_BEAT_SCHEDULE, `evidence-expiry`)."""

from celery import shared_task

from wareview.evidence.services import evidence_expiry_notify


@shared_task(name="evidence.expiry", ignore_result=True)
def evidence_expiry_task() -> None:
    evidence_expiry_notify()
