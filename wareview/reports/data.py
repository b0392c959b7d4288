"""What a report is made of, as plain dataclasses: built from the database by `selectors.report_data`, then read
by the recommendations, the chart, the exports and the templates without touching the ORM.

Pure Python with no Django imports, so every rule here is tested without a database.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from wareview.lenses.ordering import AreaPath, question_sort_key
from wareview.lib import practice_scales, risk_levels
from wareview.lib.numbers import percent

if TYPE_CHECKING:
    from wareview.evidence.selectors import EvidenceRecord, EvidenceState, VerifiedCount
    from wareview.milestones.compare import Comparison


@dataclass(frozen=True)
class Practice:
    """A best practice (a choice) of a question; `principles` holds the codes of the design principles of the
    question's pillar that it supports; `effort` and `impact` are values of `practice_scales`, blank when the
    lens does not say."""

    code: str
    title: str
    order: int = 0
    is_none: bool = False
    improvement_text: str = ""
    improvement_url: str = ""
    effort: str = ""
    impact: str = ""
    principles: frozenset[str] = frozenset()

    @property
    def effort_label(self) -> str:
        return practice_scales.EFFORT_LABELS.get(self.effort, "")

    @property
    def impact_label(self) -> str:
        return practice_scales.IMPACT_LABELS.get(self.impact, "")


@dataclass(frozen=True)
class PracticeNotApplicable:
    """A best practice the answer marks as not applying to the workload, with the reason in words and a note.
    It counts as followed for the risk, and is never missing nor recommended."""

    practice: Practice
    reason: str
    note: str = ""
    # Marked by the workload profile ("Not in this workload's profile"), not by a person.
    by_profile: bool = False

    @property
    def label(self) -> str:
        """The practice in words: "<title> — <reason>", then the note after a colon when there is one."""
        text = f"{self.practice.title} — {self.reason}"
        return f"{text}: {self.note}" if self.note else text


@dataclass(frozen=True)
class NotApplicable:
    """A question, or one of its best practices (`practice`; None for the whole question), marked "does not apply":
    what a reader checks under "Not applicable — check these", with the reason in words and the note (a whole
    question's note is the answer's notes)."""

    question: QuestionFacts
    practice: Practice | None
    reason: str
    note: str = ""
    by_profile: bool = False


@dataclass(frozen=True)
class TickedPractice:
    """A ticked best practice with what stands behind it: its evidence (latest verified first) and the state that
    gives (`evidence.selectors.EvidenceState`: verified, evidence expired or not verified)."""

    practice: Practice
    state: EvidenceState
    evidence: tuple[EvidenceRecord, ...] = ()


@dataclass(frozen=True)
class EvidenceToRefresh:
    """An item of expired evidence, for the report's "Evidence to refresh": its practice, its question, and its age
    in days on the day of the report."""

    question: QuestionFacts
    practice: Practice
    record: EvidenceRecord
    age_days: int

    @property
    def verified_on(self) -> date:
        return self.record.verified_on


@dataclass(frozen=True)
class QuestionFacts:
    """One question of the review with its answer."""

    code: str
    title: str
    risk: str
    practices: tuple[Practice, ...] = ()
    selected: frozenset[str] = frozenset()
    order: int = 0
    pillar_order: int = 0
    area_path: AreaPath = ()
    area_name: str = ""
    notes: str = ""
    not_applicable_reason: str = ""
    practices_not_applicable: tuple[PracticeNotApplicable, ...] = ()
    # The practices followed with their evidence and its state, when the report shows evidence (`ReportData.verified`).
    ticked: tuple[TickedPractice, ...] = ()
    # What pre-filled the answer, until a person confirms or changes it: it does not count as answered yet.
    prefilled_from: str = ""

    @property
    def is_answered(self) -> bool:
        return self.risk not in (risk_levels.UNANSWERED.value, risk_levels.NOT_APPLICABLE.value)

    @property
    def followed(self) -> list[Practice]:
        return [practice for practice in self.practices if practice.code in self.selected and not practice.is_none]

    @property
    def practice_total(self) -> int:
        """The best practices that apply: never "None of these", never a practice marked as not applying."""
        return sum(not practice.is_none and practice.code not in self.not_applying for practice in self.practices)

    @property
    def not_applying(self) -> frozenset[str]:
        """The codes of the best practices marked as not applying."""
        return frozenset(item.practice.code for item in self.practices_not_applicable)

    @property
    def missing(self) -> list[Practice]:
        """The best practices an answered question does not follow (never "None of these", never a practice that
        does not apply)."""
        if not self.is_answered:
            return []
        left_out = self.selected | self.not_applying
        return [practice for practice in self.practices if practice.code not in left_out and not practice.is_none]

    def sort_key(self) -> tuple:
        return question_sort_key(
            pillar_order=self.pillar_order, area_path=self.area_path, order=self.order, code=self.code
        )


@dataclass(frozen=True)
class Recommendation:
    """A best practice to adopt, with the question it answers."""

    question: QuestionFacts
    practice: Practice
    # Its item in the review's improvement plan: the status in words and the owner's name ("" for nobody).
    plan_status: str = ""
    plan_owner: str = ""
    # The team decided not to adopt it (its item is "Won't do", with a reason): still recommended, never a quick win.
    plan_wont_do: bool = False

    @property
    def key(self) -> tuple[str, str]:
        """(question code, practice code): what names the recommendation's item in the improvement plan."""
        return (self.question.code, self.practice.code)

    @property
    def risk(self) -> str:
        return self.question.risk


@dataclass
class AreaSection:
    """A focus area of the report with its questions, in lens order."""

    name: str
    questions: list[QuestionFacts] = field(default_factory=list)
    # How many of its ticked practices are verified; None when the report shows no evidence.
    verified: VerifiedCount | None = None

    @property
    def risk_counts(self) -> Counter:
        return Counter(question.risk for question in self.questions)


@dataclass(frozen=True)
class PrincipleSupport:
    """How well the answers support one design principle: followed practices out of all practices supporting it
    in questions that apply."""

    code: str
    name: str
    description: str = ""
    followed: int = 0
    total: int = 0

    @property
    def percent(self) -> int:
        return percent(self.followed, self.total)


@dataclass
class ReportData:
    review_id: int
    workload_name: str
    team_name: str
    lens_name: str
    lens_version: int
    review_owner: str
    generated_at: datetime
    areas: list[AreaSection]
    principles: list[PrincipleSupport]
    recommendations: list[Recommendation]
    quick_wins: list[Recommendation] = field(default_factory=list)
    # A report of a milestone: its id and "as at milestone <name>, <date>", which titles the page and exports.
    milestone_id: int | None = None
    as_at: str = ""
    # A report of the review as it is, when the review has a milestone: what changed since the newest one.
    changes_since: str = ""
    changes: Comparison | None = None
    # What stands behind the answers: how many ticked practices are verified (None when the report shows no
    # evidence: a milestone keeps none yet), the expired evidence oldest first, and the team's "Evidence expires
    # after" in days (None when the review has no evidence).
    verified: VerifiedCount | None = None
    to_refresh: list[EvidenceToRefresh] = field(default_factory=list)
    evidence_max_age_days: int | None = None

    @property
    def shows_evidence(self) -> bool:
        return self.verified is not None

    @property
    def questions(self) -> list[QuestionFacts]:
        return [question for area in self.areas for question in area.questions]

    @property
    def risk_counts(self) -> Counter:
        return Counter(question.risk for question in self.questions)

    @property
    def at_risk(self) -> list[tuple[risk_levels.RiskLevel, int]]:
        """How many questions are at high and at medium risk, in that order."""
        counts = self.risk_counts
        return [(level, counts[level.value]) for level in (risk_levels.HIGH, risk_levels.MEDIUM)]

    @property
    def answered(self) -> int:
        """Questions answered by a person: not unanswered, and not pre-filled awaiting confirmation."""
        return sum(
            question.risk != risk_levels.UNANSWERED.value and not question.prefilled_from for question in self.questions
        )

    @property
    def waiting(self) -> int:
        """Pre-filled answers (from a template or another review) waiting for a person to confirm them."""
        return sum(bool(question.prefilled_from) for question in self.questions)

    @property
    def not_applicable(self) -> list[NotApplicable]:
        """Every question marked as not applying and every best practice marked "does not apply", in lens order
        (a question before its practices): the waivers a reader checks."""
        items = []
        for question in self.questions:
            if question.risk == risk_levels.NOT_APPLICABLE.value:
                items.append(NotApplicable(question, None, question.not_applicable_reason, question.notes))
            items += [
                NotApplicable(question, item.practice, item.reason, item.note, item.by_profile)
                for item in question.practices_not_applicable
            ]
        return items

    @property
    def percent(self) -> int:
        return percent(self.answered, len(self.questions))


def principle_support(
    *, principles: list[tuple[str, str, str]], questions: list[QuestionFacts]
) -> list[PrincipleSupport]:
    """For each (code, name, description): followed practices supporting it / all practices supporting it.

    Questions and best practices that do not apply are left out; an unanswered question's practices count as not
    followed."""
    followed: Counter = Counter()
    total: Counter = Counter()
    for question in questions:
        if question.risk == risk_levels.NOT_APPLICABLE.value:
            continue
        for practice in question.practices:
            if practice.is_none or practice.code in question.not_applying:
                continue
            total.update(practice.principles)
            if practice.code in question.selected:
                followed.update(practice.principles)
    return [
        PrincipleSupport(code=code, name=name, description=description, followed=followed[code], total=total[code])
        for code, name, description in principles
    ]
