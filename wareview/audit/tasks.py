"""Celery beat's pruning of the audit log (CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from wareview.audit.services import audit_prune


@shared_task(name="audit.prune")
def audit_prune_task() -> None:
    audit_prune()
