"""What a report is made of, as plain dataclasses: built from the database by `selectors.report_data`, then read
by the recommendations, the chart, the exports and the templates without touching the ORM.

Pure Python with no Django imports, so every rule here is tested without a database.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

HIGH_RISK = "HIGH_RISK"
MEDIUM_RISK = "MEDIUM_RISK"
NO_RISK = "NO_RISK"
NOT_APPLICABLE = "NOT_APPLICABLE"
UNANSWERED = "UNANSWERED"

# The same words as reviews.models.AnswerRisk (a test keeps them in step), worst first.
RISK_LABELS = {
    HIGH_RISK: "High risk",
    MEDIUM_RISK: "Medium risk",
    NO_RISK: "No risk",
    NOT_APPLICABLE: "Not applicable",
    UNANSWERED: "Unanswered",
}

# An area's place in its pillar: (order, code) of each focus area from the top, e.g. ((2, "selection"),
# (1, "compute")) for Compute inside Selection. Codes break ties between areas of equal order.
AreaPath = tuple[tuple[int, str], ...]


def area_sort_key(path: AreaPath) -> tuple:
    """Areas in lens order, a parent's own questions before its children's; no area at all comes last."""
    return (0, path) if path else (1, ())


@dataclass(frozen=True)
class Practice:
    """A best practice (a choice) of a question; `principles` holds the codes of the design principles of the
    question's pillar that it supports."""

    code: str
    title: str
    order: int = 0
    is_none: bool = False
    improvement_text: str = ""
    improvement_url: str = ""
    principles: frozenset[str] = frozenset()


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

    @property
    def risk_label(self) -> str:
        return RISK_LABELS.get(self.risk, self.risk)

    @property
    def is_answered(self) -> bool:
        return self.risk not in (UNANSWERED, NOT_APPLICABLE)

    @property
    def followed(self) -> list[Practice]:
        return [practice for practice in self.practices if practice.code in self.selected and not practice.is_none]

    @property
    def practice_total(self) -> int:
        return sum(not practice.is_none for practice in self.practices)

    @property
    def missing(self) -> list[Practice]:
        """The best practices an answered question does not follow (never "None of these")."""
        if not self.is_answered:
            return []
        return [practice for practice in self.practices if practice.code not in self.selected and not practice.is_none]

    def sort_key(self) -> tuple:
        return (self.pillar_order, area_sort_key(self.area_path), self.order, self.code)


@dataclass(frozen=True)
class Recommendation:
    """A best practice to adopt, with the question it answers."""

    question: QuestionFacts
    practice: Practice

    @property
    def risk(self) -> str:
        return self.question.risk

    @property
    def risk_label(self) -> str:
        return self.question.risk_label


@dataclass
class AreaSection:
    """A focus area of the report with its questions, in lens order."""

    name: str
    questions: list[QuestionFacts] = field(default_factory=list)

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
        return round(100 * self.followed / self.total) if self.total else 0


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

    @property
    def questions(self) -> list[QuestionFacts]:
        return [question for area in self.areas for question in area.questions]

    @property
    def risk_counts(self) -> Counter:
        return Counter(question.risk for question in self.questions)

    @property
    def answered(self) -> int:
        return sum(question.risk != UNANSWERED for question in self.questions)

    @property
    def percent(self) -> int:
        total = len(self.questions)
        return round(100 * self.answered / total) if total else 0


def principle_support(
    *, principles: list[tuple[str, str, str]], questions: list[QuestionFacts]
) -> list[PrincipleSupport]:
    """For each (code, name, description): followed practices supporting it / all practices supporting it.

    Questions that do not apply are left out; an unanswered question's practices count as not followed."""
    followed: Counter = Counter()
    total: Counter = Counter()
    for question in questions:
        if question.risk == NOT_APPLICABLE:
            continue
        for practice in question.practices:
            if practice.is_none:
                continue
            total.update(practice.principles)
            if practice.code in question.selected:
                followed.update(practice.principles)
    return [
        PrincipleSupport(code=code, name=name, description=description, followed=followed[code], total=total[code])
        for code, name, description in principles
    ]
