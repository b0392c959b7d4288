"""Reads of evidence: each practice's standing for the question page (one query for all its practices) and a
practice's items for its evidence page."""

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from django.conf import settings
from django.db.models import Count, F, IntegerField, Max, QuerySet, Subquery, Value
from django.utils import timezone

from wareview.evidence.models import Evidence, EvidencePolicy
from wareview.reviews.models import Answer


class EvidenceState(StrEnum):
    """How well a ticked practice is backed: evidence verified recently enough, only older evidence, or none."""

    VERIFIED = "verified"
    EXPIRED = "expired"
    NOT_VERIFIED = "not_verified"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]


STATE_LABELS = {
    EvidenceState.VERIFIED: "Verified",
    EvidenceState.EXPIRED: "Evidence expired",
    EvidenceState.NOT_VERIFIED: "Not verified",
}


@dataclass(frozen=True, kw_only=True)
class PracticeEvidence:
    """What a practice's evidence comes to: how many items, the latest "Verified on", and the state that gives."""

    count: int = 0
    last_verified_on: date | None = None
    state: EvidenceState = EvidenceState.NOT_VERIFIED


NO_EVIDENCE = PracticeEvidence()


def evidence_state(*, last_verified_on: date | None, today: date, max_age_days: int) -> EvidenceState:
    """Verified when the latest evidence was verified at most `max_age_days` days before `today`."""
    if last_verified_on is None:
        return EvidenceState.NOT_VERIFIED
    if last_verified_on >= today - timedelta(days=max_age_days):
        return EvidenceState.VERIFIED
    return EvidenceState.EXPIRED


# The answer's team's own "Evidence expires after" (None without one), when the answer was read with it.
TEAM_MAX_AGE = "team_evidence_max_age_days"


def answer_evidence_policy() -> dict[str, F]:
    """An annotation for a read of answers that will show their evidence (`evidence_by_practice`): their team's
    own "Evidence expires after", read beside the answer, where the team is joined already to check access."""
    return {TEAM_MAX_AGE: F("review__workload__team__evidence_policy__max_age_days")}


def evidence_by_practice(*, answer: Answer, today: date | None = None) -> dict[str, PracticeEvidence]:
    """Each practice of the answer that has evidence, by code, with its count and its state under the
    "Evidence expires after" of the answer's team. One query, whatever the number of practices and items; the
    team's setting comes with the answer when it was read with `answer_evidence_policy()`, else it is read beside
    the evidence (from the answer's id alone, so the caller need not have loaded the team). Practices without
    evidence are absent (`NO_EVIDENCE`)."""
    today = today or timezone.localdate()
    if TEAM_MAX_AGE in vars(answer):
        max_age: Value | Subquery = Value(vars(answer)[TEAM_MAX_AGE], IntegerField())
    else:
        policy = EvidencePolicy.objects.filter(team__workloads__reviews__answers=answer.pk).values("max_age_days")
        max_age = Subquery(policy[:1])
    rows = (
        Evidence.objects.current()
        .filter(answer_id=answer.pk)
        .values("practice")
        .annotate(count=Count("pk"), last=Max("verified_on"), max_age=max_age)
        .order_by()
    )
    return {
        row["practice"]: PracticeEvidence(
            count=row["count"],
            last_verified_on=row["last"],
            state=evidence_state(last_verified_on=row["last"], today=today, max_age_days=_max_age(row["max_age"])),
        )
        for row in rows
    }


def _max_age(team_days: int | None) -> int:
    return settings.EVIDENCE_MAX_AGE_DAYS if team_days is None else team_days


def team_max_age_days(*, team_id: int) -> int:
    """The team's "Evidence expires after", in days: its own, or EVIDENCE_MAX_AGE_DAYS."""
    days = EvidencePolicy.objects.filter(team_id=team_id).values_list("max_age_days", flat=True).first()
    return _max_age(days)


def practice_evidence(*, answer: Answer, practice: str) -> QuerySet[Evidence]:
    """The practice's items not removed, latest verified first, with who added them."""
    return Evidence.objects.current().filter(answer=answer, practice=practice).select_related("added_by")
