"""Prioritized recommendations: which best practices a team should adopt first. Pure Python, no ORM.

The rules (also in wareview/reports/README.md, "Prioritized recommendations"):

1. Only questions at high or medium risk give recommendations. Questions at no risk, not applicable or
   unanswered give none.
2. A question recommends each of its best practices that the answer does not select. The "None of these"
   choice is never recommended, and practices already followed are left out.
3. Order:
   a. high-risk questions first, then medium-risk ones;
   b. within a risk level, by pillar order, then by focus area in lens order: areas compare by (order, code),
      a nested area by its parent's (order, code) first and then its own, so all of a parent's areas stay
      together, and questions placed directly in the parent come before those of its children; questions in
      no focus area come after every area of their pillar;
   c. then by question order (ties by question code);
   d. among the practices of one question, those supporting more of the pillar's design principles come first;
      ties by the practice's order in the question (then its code).
"""

from collections.abc import Iterable

from wareview.lib import risk_levels
from wareview.reports.data import Practice, QuestionFacts, Recommendation

# The levels that give recommendations, in the vocabulary's order (worst first).
AT_RISK = {level.value: level.order for level in (risk_levels.HIGH, risk_levels.MEDIUM)}


def recommendations_prioritize(*, questions: Iterable[QuestionFacts]) -> list[Recommendation]:
    """The best practices to adopt, most urgent first, by the rules in this module's docstring."""
    at_risk = sorted(
        (question for question in questions if question.risk in AT_RISK),
        key=lambda question: (AT_RISK[question.risk], *question.sort_key()),
    )
    return [
        Recommendation(question=question, practice=practice)
        for question in at_risk
        for practice in sorted(question.missing, key=_practice_priority)
    ]


def _practice_priority(practice: Practice) -> tuple:
    return (-len(practice.principles), practice.order, practice.code)
