"""A deleted report takes its file with it: deleting a review or a workload (whose reports go by cascade, which
sends this signal for each row) leaves no PDF behind under MEDIA_ROOT. `report_ready` tells other apps
(webhooks) that a PDF is ready."""

from functools import partial

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import Signal, receiver

from wareview.reports.models import Report

# Sent once a PDF is stored and its report marked ready, after the commit. Arguments: `report` (loaded with its
# review's workload and team, and its milestone).
report_ready = Signal()


@receiver(post_delete, sender=Report, dispatch_uid="reports.report_file_delete")
def report_file_delete(sender, instance: Report, using: str, **kwargs) -> None:
    # After the commit, so a deletion that rolls back keeps its file.
    if instance.file:
        transaction.on_commit(partial(instance.file.storage.delete, instance.file.name), using=using)
