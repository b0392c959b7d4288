"""Prioritized recommendations: which best practices a team should adopt first. Pure Python, no ORM.

The rules (also in wareview/reports/README.md, "Prioritized recommendations"):

1. Only questions at high or medium risk give recommendations. Questions at no risk, not applicable or
   unanswered give none.
2. A question recommends each of its best practices that the answer does not select. The "None of these"
   choice is never recommended, and practices already followed are left out.
3. Order:
   a. high-risk questions first, then medium-risk ones;
   b. within a risk level, quick wins first: practices are ranked by impact (high, medium, low) plus effort
      (small, medium, large), the lower the sum the sooner, so high impact for small effort leads and a
      practice whose lens gives neither comes after those that say; ties go to the higher impact;
   c. then practices supporting more of the pillar's design principles;
   d. then lens order: pillar order, then focus area in lens order (areas compare by (order, code), a nested
      area by its parent's (order, code) first and then its own; questions in no focus area come after every
      area of their pillar), then question order (ties by question code), then the practice's order in its
      question (then its code).
4. Quick wins, listed apart in the report: recommendations of high impact whose effort is small, in the order
   above, except those the team decided not to do (their plan item is "Won't do").
"""

from collections.abc import Iterable

from wareview.lib import practice_scales, risk_levels
from wareview.reports.data import QuestionFacts, Recommendation

# The levels that give recommendations, in the vocabulary's order (worst first).
AT_RISK = {level.value: level.order for level in (risk_levels.HIGH, risk_levels.MEDIUM)}


def recommendations_prioritize(*, questions: Iterable[QuestionFacts]) -> list[Recommendation]:
    """The best practices to adopt, most urgent first, by the rules in this module's docstring."""
    recommendations = [
        Recommendation(question=question, practice=practice)
        for question in questions
        if question.risk in AT_RISK
        for practice in question.missing
    ]
    return sorted(recommendations, key=_priority)


def quick_wins(recommendations: Iterable[Recommendation]) -> list[Recommendation]:
    """The recommendations of high impact for small effort, in their order; never one the team won't do."""
    return [
        item
        for item in recommendations
        if (item.practice.impact, item.practice.effort) == ("high", "small") and not item.plan_wont_do
    ]


# A blank effort or impact (the lens does not say) ranks after every value of its scale.
IMPACT_RANK = {value: rank for rank, (value, _) in enumerate(practice_scales.IMPACT)}
EFFORT_RANK = {value: rank for rank, (value, _) in enumerate(practice_scales.EFFORT)}
UNKNOWN_RANK = 3


def _priority(recommendation: Recommendation) -> tuple:
    question, practice = recommendation.question, recommendation.practice
    impact = IMPACT_RANK.get(practice.impact, UNKNOWN_RANK)
    effort = EFFORT_RANK.get(practice.effort, UNKNOWN_RANK)
    return (
        AT_RISK[question.risk],
        impact + effort,
        impact,
        -len(practice.principles),
        *question.sort_key(),
        practice.order,
        practice.code,
    )
