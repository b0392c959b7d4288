"""Evidence follows its answer: onto the answer row that takes it over when a review moves to a new lens version,
and out of the storage (its file) when its row is deleted with its answer, review or workload."""

from functools import partial

from django.db import transaction
from django.db.models import Case, Value, When
from django.db.models.signals import post_delete
from django.dispatch import receiver

from wareview.evidence.models import Evidence
from wareview.reviews.signals import answers_taken_over


@receiver(answers_taken_over, dispatch_uid="evidence.follow_answers")
def evidence_follow_answers(sender, moves: dict[int, int], **kwargs) -> None:
    # One UPDATE, before the rows left over are deleted (with whatever evidence would still be on them).
    whens = [When(answer_id=old, then=Value(new)) for old, new in moves.items()]
    Evidence.objects.filter(answer_id__in=list(moves)).update(answer_id=Case(*whens))


@receiver(post_delete, sender=Evidence, dispatch_uid="evidence.file_delete")
def evidence_file_delete(sender, instance: Evidence, using: str, **kwargs) -> None:
    # After the commit, so a deletion that rolls back keeps its file.
    if instance.file:
        transaction.on_commit(partial(instance.file.storage.delete, instance.file.name), using=using)
