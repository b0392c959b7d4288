"""Reads of evidence: each practice's standing for the question page (one query for all its practices), a
practice's items for its evidence page, a whole review's for its report and its overview, a review's items for
the API, and what a milestone copies of them."""

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from django.conf import settings
from django.db.models import Count, F, IntegerField, Max, OuterRef, QuerySet, Subquery, Value
from django.utils import timezone

from wareview.evidence.forms import ALLOWED_TYPES
from wareview.evidence.models import Evidence, EvidencePolicy
from wareview.lenses.models import Choice
from wareview.lenses.selectors import question_sheet
from wareview.lib.numbers import percent
from wareview.reviews.models import Answer, AnswerRisk, Review
from wareview.reviews.selectors import OutlineArea, ReviewOutline


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


# What reports and the review's overview read of a whole review's evidence.


@dataclass(frozen=True, kw_only=True)
class EvidenceRecord:
    """One item of evidence as a report lists it: what it is, where it is, when it was verified and by whom it
    was added ("" once that account is deleted)."""

    question_code: str
    practice: str
    title: str
    kind: str
    url: str = ""
    file_name: str = ""
    # A check a team's tool passed (kind "check"): the tool and the check's name.
    source_tool: str = ""
    source_check: str = ""
    verified_on: date
    added_by: str = ""

    @property
    def source(self) -> str:
        """Where the evidence is: the link's URL, the file's name, or the tool and its check."""
        if self.kind == Evidence.Kind.CHECK:
            return f"{self.source_tool} check {self.source_check}"
        return self.url or self.file_name

    @property
    def is_file(self) -> bool:
        return self.kind == Evidence.Kind.FILE


@dataclass(frozen=True)
class ReviewEvidence:
    """Every current item of a review's answers (latest verified first within a practice) and the team's
    "Evidence expires after" in days (None when there is no item: it was not read)."""

    records: tuple[EvidenceRecord, ...] = ()
    max_age_days: int | None = None

    def state_of(self, records: Sequence[EvidenceRecord], *, today: date) -> EvidenceState:
        """The state of a practice with `records` (some of `self.records`)."""
        last = max((record.verified_on for record in records), default=None)
        return evidence_state(last_verified_on=last, today=today, max_age_days=_max_age(self.max_age_days))


def review_evidence(*, review_id: int, team_id: int) -> ReviewEvidence:
    """Every item of evidence of the review's answers that is not removed, with its question's code and who added
    it, and the team's "Evidence expires after" read beside them: one query, whatever the number of questions,
    practices and items."""
    policy = EvidencePolicy.objects.filter(team_id=team_id).values("max_age_days")[:1]
    rows = list(
        Evidence.objects.current()
        .filter(answer__review_id=review_id)
        .annotate(max_age=Subquery(policy))
        .values_list(
            "answer__question__code",
            "practice",
            "title",
            "kind",
            "url",
            "file_name",
            "source_tool",
            "source_check",
            "verified_on",
            "added_by__username",
            "max_age",
        )
    )
    records = tuple(
        EvidenceRecord(
            question_code=question,
            practice=practice,
            title=title,
            kind=kind,
            url=url,
            file_name=file_name,
            source_tool=tool,
            source_check=check,
            verified_on=verified_on,
            added_by=added_by or "",
        )
        for question, practice, title, kind, url, file_name, tool, check, verified_on, added_by, _ in rows
    )
    # Every row carries the team's days; without a row they were not read.
    return ReviewEvidence(records=records, max_age_days=_max_age(rows[0][-1]) if rows else None)


@dataclass(frozen=True)
class VerifiedCount:
    """How many of a group's ticked practices (a focus area's, a review's) are verified and how many have only
    expired evidence; the others are not verified. Evidence never changes a risk: this stands beside it."""

    ticked: int = 0
    verified: int = 0
    expired: int = 0

    @classmethod
    def of(cls, states: Iterable[EvidenceState]) -> "VerifiedCount":
        return cls.counted(Counter(states))

    @classmethod
    def counted(cls, counts: Counter[EvidenceState]) -> "VerifiedCount":
        return cls(
            ticked=counts.total(), verified=counts[EvidenceState.VERIFIED], expired=counts[EvidenceState.EXPIRED]
        )

    def __add__(self, other: "VerifiedCount") -> "VerifiedCount":
        return VerifiedCount(
            ticked=self.ticked + other.ticked,
            verified=self.verified + other.verified,
            expired=self.expired + other.expired,
        )

    @property
    def not_verified(self) -> int:
        return self.ticked - self.verified - self.expired

    @property
    def verified_share(self) -> int:
        """The verified part of the bar, 0–100."""
        return percent(self.verified, self.ticked)

    @property
    def expired_share(self) -> int:
        """The expired part of the bar, after the verified part; the two never pass 100."""
        return percent(self.verified + self.expired, self.ticked) - self.verified_share

    @property
    def words(self) -> str:
        """ "12 of 30 ticked practices verified, 3 with evidence expired"."""
        if not self.ticked:
            return "No practice ticked yet"
        noun = "practice" if self.ticked == 1 else "practices"
        text = f"{self.verified} of {self.ticked} ticked {noun} verified"
        return f"{text}, {self.expired} with evidence expired" if self.expired else text


def review_verified_counts(*, review_id: int, today: date | None = None) -> dict[str, VerifiedCount]:
    """Each answered question's ticked practices ("None of these" left out) counted by their evidence's state, by
    question code; questions not answered or not applying are absent. Two queries whatever the size of the lens:
    the ticks, with each question's "None of these" code, and each practice's latest "Verified on", with the
    team's "Evidence expires after"."""
    today = today or timezone.localdate()
    none_code = Choice.objects.filter(question=OuterRef("question_id"), is_none=True).values("code")[:1]
    ticks = (
        Answer.objects.filter(review_id=review_id)
        .exclude(risk__in=(AnswerRisk.UNANSWERED, AnswerRisk.NOT_APPLICABLE))
        .annotate(none_code=Subquery(none_code))
        .values_list("question__code", "selected", "none_code")
    )
    policy = EvidencePolicy.objects.filter(team__workloads__reviews=review_id).values("max_age_days")[:1]
    latest = (
        Evidence.objects.current()
        .filter(answer__review_id=review_id)
        .values("answer__question__code", "practice")
        .annotate(last=Max("verified_on"), max_age=Subquery(policy))
        .order_by()
    )
    states = {
        (row["answer__question__code"], row["practice"]): evidence_state(
            last_verified_on=row["last"], today=today, max_age_days=_max_age(row["max_age"])
        )
        for row in latest
    }
    return {
        question: VerifiedCount.of(
            states.get((question, code), EvidenceState.NOT_VERIFIED) for code in selected or () if code != none
        )
        for question, selected, none in ticks
    }


@dataclass(frozen=True)
class AreaVerified:
    area: OutlineArea
    count: VerifiedCount


@dataclass(frozen=True)
class ReviewVerified:
    """How many ticked practices of a review are verified, in all and in each focus area of its outline."""

    total: VerifiedCount
    areas: list[AreaVerified]


def review_verified(*, review_id: int, outline: ReviewOutline, today: date | None = None) -> ReviewVerified:
    """`review_verified_counts` summed by the focus areas of the review's `outline` (the overview's) and in all;
    the same two queries."""
    by_question = review_verified_counts(review_id=review_id, today=today)
    areas = [
        AreaVerified(area, sum((by_question.get(q.code, VerifiedCount()) for q in area.questions), VerifiedCount()))
        for area in outline.areas
    ]
    return ReviewVerified(total=sum((row.count for row in areas), VerifiedCount()), areas=areas)


# What the API reads of a review's items, and what a milestone copies of them.


def practice_choice(*, answer: Answer, code: str) -> Choice | None:
    """The best practice `code` of the answer's question, or None for any other code and for "None of these"
    (which has no evidence)."""
    for choice in question_sheet(answer.question_id).choices:
        if choice.code == code and not choice.is_none:
            return choice
    return None


def review_evidence_items(*, review_id: int, question: str = "", practice: str = "") -> QuerySet[Evidence]:
    """The review's items not removed (of one question, one practice code, when given), by question and practice,
    latest verified first, with their question and who added them."""
    items = Evidence.objects.current().filter(answer__review_id=review_id)
    if question:
        items = items.filter(answer__question__code=question)
    if practice:
        items = items.filter(practice=practice)
    return items.select_related("answer__question", "added_by").order_by(
        "answer__question__code", "practice", "-verified_on", "-added_at", "-pk"
    )


def review_practice_states(*, review_id: int, today: date | None = None) -> dict[tuple[int, str], PracticeEvidence]:
    """Each practice with evidence in the review, by (answer id, code), as `evidence_by_practice` gives them for
    one answer: one query for the whole review."""
    today = today or timezone.localdate()
    policy = EvidencePolicy.objects.filter(team__workloads__reviews=review_id).values("max_age_days")[:1]
    rows = (
        Evidence.objects.current()
        .filter(answer__review_id=review_id)
        .values("answer_id", "practice")
        .annotate(count=Count("pk"), last=Max("verified_on"), max_age=Subquery(policy))
        .order_by()
    )
    return {
        (row["answer_id"], row["practice"]): PracticeEvidence(
            count=row["count"],
            last_verified_on=row["last"],
            state=evidence_state(last_verified_on=row["last"], today=today, max_age_days=_max_age(row["max_age"])),
        )
        for row in rows
    }


@dataclass(frozen=True, kw_only=True)
class SnapshotItem:
    """An item of evidence as a milestone keeps it: what it was, and its practice's state then."""

    evidence_id: int
    question_id: int
    practice: str
    kind: str
    title: str
    url: str
    file_name: str
    verified_on: date
    added_by_name: str
    state: EvidenceState


def evidence_snapshot(*, review_id: int, today: date | None = None) -> list[SnapshotItem]:
    """Every item not removed of the review's ticked practices, each with its practice's state today under the
    team's "Evidence expires after": one query, whatever the number of items."""
    today = today or timezone.localdate()
    policy = EvidencePolicy.objects.filter(team__workloads__reviews=review_id).values("max_age_days")[:1]
    rows = list(
        Evidence.objects.current()
        .filter(answer__review_id=review_id)
        .annotate(max_age=Subquery(policy))
        .values(
            "pk",
            "answer_id",
            "answer__question_id",
            "answer__selected",
            "practice",
            "kind",
            "title",
            "url",
            "file_name",
            "verified_on",
            "max_age",
            "added_by__username",
            "added_by__first_name",
            "added_by__last_name",
        )
        .order_by("answer_id", "practice", "-verified_on", "-added_at", "-pk")
    )
    rows = [row for row in rows if row["practice"] in (row["answer__selected"] or [])]
    last: dict[tuple[int, str], date] = {}
    for row in rows:
        key = (row["answer_id"], row["practice"])
        last[key] = max(last.get(key, row["verified_on"]), row["verified_on"])
    return [
        SnapshotItem(
            evidence_id=row["pk"],
            question_id=row["answer__question_id"],
            practice=row["practice"],
            kind=row["kind"],
            title=row["title"],
            url=row["url"],
            file_name=row["file_name"],
            verified_on=row["verified_on"],
            added_by_name=_person_name(row),
            state=evidence_state(
                last_verified_on=last[(row["answer_id"], row["practice"])],
                today=today,
                max_age_days=_max_age(row["max_age"]),
            ),
        )
        for row in rows
    ]


def _person_name(row: dict) -> str:
    full = f"{row['added_by__first_name'] or ''} {row['added_by__last_name'] or ''}".strip()
    return full or row["added_by__username"] or ""


def served_type(evidence: Evidence) -> str:
    """The Content-Type a file is served with: the type sniffed when it was added, or bytes
    (application/octet-stream) for a stored type outside the allowed ones."""
    return evidence.content_type if evidence.content_type in ALLOWED_TYPES else "application/octet-stream"


def reviews_verified_counts(
    *, review_ids: Collection[int] | QuerySet[Review], today: date | None = None
) -> dict[int, VerifiedCount]:
    """Each review's ticked practices counted by their evidence's state, by review id, by the rule of
    `review_verified_counts` (only answered questions' ticks, never "None of these"; each team's "Evidence
    expires after"): many reviews at once (the portfolio's workloads'), in two queries whatever their number,
    the ticks with each question's "None of these" code and each (answer, practice)'s latest "Verified on" with
    the team's days. Reviews without an answered question are absent."""
    today = today or timezone.localdate()
    none_code = Choice.objects.filter(question=OuterRef("question_id"), is_none=True).values("code")[:1]
    ticks = (
        Answer.objects.filter(review_id__in=review_ids)
        .exclude(risk__in=(AnswerRisk.UNANSWERED, AnswerRisk.NOT_APPLICABLE))
        .annotate(none_code=Subquery(none_code))
        .order_by()
        .values_list("pk", "review_id", "selected", "none_code")
    )
    policy = EvidencePolicy.objects.filter(team__workloads__reviews=OuterRef("answer__review_id")).values(
        "max_age_days"
    )[:1]
    latest = (
        Evidence.objects.current()
        .filter(answer__review_id__in=review_ids)
        .values("answer_id", "practice")
        .annotate(last=Max("verified_on"), max_age=Subquery(policy))
        .order_by()
    )
    states = {
        (row["answer_id"], row["practice"]): evidence_state(
            last_verified_on=row["last"], today=today, max_age_days=_max_age(row["max_age"])
        )
        for row in latest
    }
    # Counted per review, not per answer: a portfolio page reads a few hundred answers.
    by_review: dict[int, Counter[EvidenceState]] = defaultdict(Counter)
    for answer_id, review_id, selected, none in ticks:
        by_review[review_id].update(
            states.get((answer_id, code), EvidenceState.NOT_VERIFIED) for code in selected or () if code != none
        )
    return {review_id: VerifiedCount.counted(counted) for review_id, counted in by_review.items()}
