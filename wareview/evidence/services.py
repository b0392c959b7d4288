"""Writes to evidence: adding an item (a link, or a file kept in Django's storage) and removing one. Both are kept
in the answer's history (`reviews.services.answer_note`)."""

from functools import partial

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from wareview.evidence.forms import EvidenceInput
from wareview.evidence.models import Evidence, EvidencePolicy
from wareview.reviews.models import Answer
from wareview.reviews.services import answer_note
from wareview.teams.models import Team


def evidence_add(*, answer: Answer, practice: str, practice_title: str, user: User, data: EvidenceInput) -> Evidence:
    """Add `data` (checked by `EvidenceForm`) as evidence of `practice` in `answer`, and say so in its history.

    All or nothing: the file is stored and the rows written in one transaction that must be the outermost one
    (`durable`), and a file already stored is deleted when anything fails, so a refused or failed add leaves no
    file behind.
    """
    evidence = Evidence(
        answer=answer,
        practice=practice,
        kind=data.kind,
        title=data.title,
        url=data.url,
        note=data.note,
        verified_on=data.verified_on,
        added_by=user,
    )
    try:
        with transaction.atomic(durable=True):
            if data.upload is not None:
                name = data.upload.name or "evidence"
                evidence.file_name = name[:255]
                evidence.file_size = data.upload.size
                evidence.content_type = data.content_type
                evidence.file.save(name, data.upload, save=False)
            evidence.save()
            answer_note(answer=answer, user=user, note=f"evidence added to “{practice_title}”: {evidence.title}")
    except BaseException:
        if evidence.file.name:
            evidence.file.storage.delete(evidence.file.name)
        raise
    return evidence


@transaction.atomic
def evidence_remove(*, evidence: Evidence, practice_title: str, user: User) -> None:
    """Take the item off its practice: its row stays (who added and removed it, when), its file is deleted from
    the storage once the removal is committed, and the answer's history says what was removed."""
    name = evidence.file.name
    evidence.removed_at = timezone.now()
    evidence.removed_by = user
    evidence.file = ""  # type: ignore[assignment]
    evidence.save(update_fields=["removed_at", "removed_by", "file"])
    answer_note(answer=evidence.answer, user=user, note=f"evidence removed from “{practice_title}”: {evidence.title}")
    if name:
        storage = evidence.file.storage
        transaction.on_commit(partial(storage.delete, name))


def evidence_policy_set(*, team: Team, max_age_days: int) -> EvidencePolicy:
    """Set the team's "Evidence expires after" (checked by `EvidencePolicyForm`)."""
    policy, _ = EvidencePolicy.objects.update_or_create(team=team, defaults={"max_age_days": max_age_days})
    return policy
