"""An evidence row deleted with its answer (a review or workload deleted, an answer no question of a new lens
version takes over) takes its file with it."""

from functools import partial

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from wareview.evidence.models import Evidence


@receiver(post_delete, sender=Evidence, dispatch_uid="evidence.file_delete")
def evidence_file_delete(sender, instance: Evidence, using: str, **kwargs) -> None:
    # After the commit, so a deletion that rolls back keeps its file.
    if instance.file:
        transaction.on_commit(partial(instance.file.storage.delete, instance.file.name), using=using)
