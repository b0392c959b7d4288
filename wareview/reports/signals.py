"""A deleted report takes its file with it: deleting a review or a workload (whose reports go by cascade, which
sends this signal for each row) leaves no PDF behind under MEDIA_ROOT."""

from functools import partial

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from wareview.reports.models import Report


@receiver(post_delete, sender=Report, dispatch_uid="reports.report_file_delete")
def report_file_delete(sender, instance: Report, using: str, **kwargs) -> None:
    # After the commit, so a deletion that rolls back keeps its file.
    if instance.file:
        transaction.on_commit(partial(instance.file.storage.delete, instance.file.name), using=using)
