"""The plan's order as keys kept on the items, so a page of the plan is an `ORDER BY … LIMIT` of the items alone.

The report orders its recommendations by the question's risk, then by what the lens says of the practice
(`reports.recommendations`). The risk belongs to the answer; the rest to the lens version. So an item keeps:

- `plan_rank`: 0 when its question is at high risk and the practice is missing from the answer, 1 likewise at
  medium risk, `NOT_RECOMMENDED` otherwise;
- `priority`: the practice's place among all the practices of the lens in the report's order, as if every
  question were at the same risk (computed with `recommendations_prioritize` itself, so the two never disagree);
- `lens_position`: its place in the walk through the lens, for the done items no longer recommended.

Ordering by (`plan_rank`, `priority`) is then the report's order of the recommendations. Pure Python.
"""

from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace

from wareview.lib import risk_levels
from wareview.plans.models import NOT_RECOMMENDED
from wareview.reports.data import QuestionFacts, ReportData
from wareview.reports.recommendations import AT_RISK, recommendations_prioritize

Key = tuple[str, str]  # (question code, practice code)


@dataclass(frozen=True)
class LensKeys:
    """The lens-given keys of every best practice of a lens version, by (question code, practice code)."""

    priority: dict[Key, int]
    lens_position: dict[Key, int]
    none_codes: frozenset[Key]


def lens_keys(data: ReportData) -> LensKeys:
    """The keys of the practices of `data`'s lens: its report's order with every question at the same risk, and
    its walk through the lens."""
    questions = list(data.questions)
    alike = [
        replace(question, risk=risk_levels.HIGH.value, selected=frozenset(), practices_not_applicable=())
        for question in questions
    ]
    priority = {rec.key: place for place, rec in enumerate(recommendations_prioritize(questions=alike), 1)}
    walk: Iterable[Key] = ((question.code, practice.code) for question in questions for practice in question.practices)
    none_codes = frozenset(
        (question.code, practice.code) for question in questions for practice in question.practices if practice.is_none
    )
    return LensKeys(
        priority=priority, lens_position={key: place for place, key in enumerate(walk, 1)}, none_codes=none_codes
    )


def plan_rank(*, risk: str, practice: str, followed: Collection[str], none_codes: Collection[str] = ()) -> int:
    """An item's rank in its plan, from its question's answer: `risk`, and the codes it follows (ticked or marked
    as not applying)."""
    if risk not in AT_RISK or practice in followed or practice in none_codes:
        return NOT_RECOMMENDED
    return AT_RISK[risk]


def question_ranks(question: QuestionFacts) -> dict[str, int]:
    """The rank of each practice of `question` (what `QuestionFacts.missing` recommends ranks by its risk)."""
    missing = {practice.code for practice in question.missing}
    return {
        practice.code: AT_RISK[question.risk]
        if question.risk in AT_RISK and practice.code in missing
        else NOT_RECOMMENDED
        for practice in question.practices
    }
