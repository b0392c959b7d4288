"""Evidence follows its answer: onto the answer row that takes it over when a review moves to a new lens version,
and out of the storage (its file) when its row is deleted with its answer, review or workload. And the signal this
app sends when practices' evidence expires (webhooks listen; this app knows nothing of them)."""

from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import BigIntegerField, Case, CharField, F, Q, Value, When
from django.db.models.signals import post_delete
from django.dispatch import Signal, receiver

from wareview.evidence.models import Evidence
from wareview.reviews.models import Answer
from wareview.reviews.signals import answers_taken_over

# Sent after the transaction of `services.evidence_expiry_notify` commits, when practices' evidence has expired
# since the last run (once per practice and latest "Verified on"). Arguments: `practices`, a tuple of
# `services.ExpiredPractice`.
evidence_expired = Signal()


@receiver(answers_taken_over, dispatch_uid="evidence.follow_answers")
def evidence_follow_answers(
    sender: type[Answer], moves: dict[int, int], practices: dict[tuple[int, str], tuple[int, str]], **kwargs: Any
) -> None:
    """Move each practice's evidence where the move sends it, and what is left on a row about to be deleted to the
    row taking it over: one UPDATE, before the rows left over are deleted."""
    renamed = Q(pk__in=[])
    for answer_id, code in practices:
        renamed |= Q(answer_id=answer_id, practice=code)
    answer_whens = [When(answer_id=a, practice=c, then=Value(to[0])) for (a, c), to in practices.items()]
    answer_whens += [When(answer_id=old, then=Value(new)) for old, new in moves.items()]
    code_whens = [When(answer_id=a, practice=c, then=Value(to[1])) for (a, c), to in practices.items()]
    Evidence.objects.filter(renamed | Q(answer_id__in=list(moves))).update(
        answer_id=Case(*answer_whens, default=F("answer_id"), output_field=BigIntegerField()),
        practice=Case(*code_whens, default=F("practice"), output_field=CharField()),
    )


@receiver(post_delete, sender=Evidence, dispatch_uid="evidence.file_delete")
def evidence_file_delete(sender: type[Evidence], instance: Evidence, using: str, **kwargs: Any) -> None:
    # After the commit, so a deletion that rolls back keeps its file.
    if instance.file:
        transaction.on_commit(partial(instance.file.storage.delete, instance.file.name), using=using)
