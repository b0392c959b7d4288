"""Writes to evidence: adding an item (a link, or a file kept in Django's storage) and removing one, both kept in
the answer's history (`reviews.services.answer_note`); and telling, once, that a practice's evidence expired."""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from wareview.evidence.forms import EvidenceInput
from wareview.evidence.models import Evidence, EvidencePolicy
from wareview.evidence.signals import evidence_expired
from wareview.reviews.models import Answer, Review
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


@dataclass(frozen=True, kw_only=True)
class ExpiredPractice:
    """A ticked practice whose latest evidence passed its team's "Evidence expires after"."""

    review_id: int
    question_id: int
    question_code: str
    practice: str
    last_verified_on: date
    max_age_days: int


# The most practices one UPDATE marks as told (each is a condition of its WHERE clause).
MARK_BATCH = 500


@transaction.atomic
def evidence_expiry_notify(*, today: date | None = None) -> list[ExpiredPractice]:
    """Find every ticked practice of an open review whose latest evidence expired and was not yet told so, mark it
    told (`Evidence.expiry_notified_on` on each of its current items) and send `signals.evidence_expired` after the
    commit. Celery beat runs it daily (`evidence.expiry`).

    Once per practice: a practice is told when its latest "Verified on" is later than the latest of its items
    already told, so it is told again only after newer evidence came and expired in turn. One query finds them
    all, whatever the number of items; a practice not ticked is left for when it is ticked again."""
    today = today or timezone.localdate()
    expired = [
        row
        for row in _untold_rows()
        if row["last"] + timedelta(days=row["max_age"]) < today and row["practice"] in (row["answer__selected"] or [])
    ]
    pairs = [(row["answer_id"], row["practice"]) for row in expired]
    for start in range(0, len(pairs), MARK_BATCH):
        batch = pairs[start : start + MARK_BATCH]
        Evidence.objects.current().filter(_any_practice(batch)).update(expiry_notified_on=today)
    practices = tuple(
        ExpiredPractice(
            review_id=row["answer__review_id"],
            question_id=row["answer__question_id"],
            question_code=row["answer__question__code"],
            practice=row["practice"],
            last_verified_on=row["last"],
            max_age_days=row["max_age"],
        )
        for row in expired
    )
    if practices:
        transaction.on_commit(partial(evidence_expired.send, sender=Evidence, practices=practices))
    return list(practices)


def _untold_rows() -> QuerySet[Evidence, dict[str, Any]]:
    """Each practice of an open review whose latest evidence is later than its latest item already told (none
    told, most often), with that latest "Verified on" and the team's days read beside it (a subquery): one grouped
    query. Whether the days have passed is left to the caller, in Python, alike on every database."""
    policy = EvidencePolicy.objects.filter(team__workloads__reviews__answers=OuterRef("answer")).values("max_age_days")[
        :1
    ]
    max_age = Coalesce(Subquery(policy), Value(settings.EVIDENCE_MAX_AGE_DAYS))
    return (
        Evidence.objects.current()
        .filter(answer__review__status=Review.Status.OPEN)
        .values(
            "answer_id",
            "practice",
            "answer__review_id",
            "answer__question_id",
            "answer__question__code",
            "answer__selected",
        )
        .annotate(
            last=Max("verified_on"),
            told=Max("verified_on", filter=Q(expiry_notified_on__isnull=False)),
            max_age=max_age,
        )
        .filter(Q(told__isnull=True) | Q(told__lt=F("last")))
        .order_by("answer__review_id", "answer__question__code", "practice")
    )


def _any_practice(pairs: list[tuple[int, str]]) -> Q:
    condition = Q(pk__in=[])
    for answer_id, practice in pairs:
        condition |= Q(answer_id=answer_id, practice=practice)
    return condition
