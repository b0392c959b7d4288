"""What changed between two points of a workload's reviews (two milestones, or a milestone and now): pure
functions of two outlines (`reviews.selectors.ReviewOutline`, read with `answers=True`) and the titles of their
best practices, so the compare page and the report's "Changes since" section share one diff.

Questions are matched by code, which is stable across lens versions; a question on one side only (after a move
to a new lens version) is listed apart. A question's risk improved when it moved down the severity scale
below, worsened when it moved up, and is unchanged otherwise.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from wareview.lib import risk_levels
from wareview.reviews.models import NotApplicableReason
from wareview.reviews.selectors import OutlineQuestion, ReviewOutline

# Worse is higher. An unanswered question sits between medium and no risk: answering it with a high or medium
# risk finds a risk (worse); answering it with none, or marking it not applicable, settles it (better).
SEVERITY = {
    risk_levels.HIGH.value: 3,
    risk_levels.MEDIUM.value: 2,
    risk_levels.UNANSWERED.value: 1,
    risk_levels.NONE.value: 0,
    risk_levels.NOT_APPLICABLE.value: 0,
}
IMPROVED, WORSENED, UNCHANGED = "improved", "worsened", "unchanged"
REASON_LABELS = dict(NotApplicableReason.choices)

# {question_id: {practice code: title}}
PracticeTitles = Mapping[int, Mapping[str, str]]


@dataclass(frozen=True)
class QuestionChange:
    """One question on both sides, and what changed in its answer."""

    before: OutlineQuestion
    after: OutlineQuestion
    gained: tuple[str, ...] = ()  # titles of the practices followed after and not before
    lost: tuple[str, ...] = ()
    marked: tuple[str, ...] = ()  # titles of the practices marked "does not apply" after and not before
    unmarked: tuple[str, ...] = ()

    @property
    def code(self) -> str:
        return self.after.code

    @property
    def title(self) -> str:
        return self.after.title

    @property
    def movement(self) -> str:
        before, after = SEVERITY.get(self.before.risk, 1), SEVERITY.get(self.after.risk, 1)
        return IMPROVED if after < before else WORSENED if after > before else UNCHANGED

    @property
    def notes_changed(self) -> bool:
        return self.before.notes != self.after.notes

    @property
    def applicability_before(self) -> str:
        return _applicability(self.before)

    @property
    def applicability_after(self) -> str:
        return _applicability(self.after)

    @property
    def applicability_changed(self) -> bool:
        return self.applicability_before != self.applicability_after

    @property
    def is_changed(self) -> bool:
        return bool(
            self.before.risk != self.after.risk
            or self.gained
            or self.lost
            or self.marked
            or self.unmarked
            or self.notes_changed
            or self.applicability_changed
        )


@dataclass(frozen=True)
class Comparison:
    """Two points compared: the changed questions in the later side's lens order, the counts of risk movements
    over every question on both sides, and the questions found on one side only."""

    before_label: str
    after_label: str
    changes: list[QuestionChange] = field(default_factory=list)
    improved: int = 0
    worsened: int = 0
    unchanged: int = 0
    only_before: list[OutlineQuestion] = field(default_factory=list)
    only_after: list[OutlineQuestion] = field(default_factory=list)

    @property
    def has_changes(self) -> bool:
        return bool(self.changes or self.only_before or self.only_after)


def outlines_compare(
    *,
    before: ReviewOutline,
    after: ReviewOutline,
    titles: PracticeTitles,
    before_label: str,
    after_label: str,
) -> Comparison:
    """Compare `before` with `after` question by question (see the module's docstring)."""
    earlier = {question.code: question for question in before.questions}
    later_codes = {question.code for question in after.questions}
    movements = {IMPROVED: 0, WORSENED: 0, UNCHANGED: 0}
    changes = []
    for question in after.questions:
        if question.code not in earlier:
            continue
        previous = earlier[question.code]
        if _same_answer(previous, question):  # most questions: nothing to diff
            movements[UNCHANGED] += 1
            continue
        pair = _question_change(previous, question, titles)
        movements[pair.movement] += 1
        if pair.is_changed:
            changes.append(pair)
    return Comparison(
        before_label=before_label,
        after_label=after_label,
        changes=changes,
        improved=movements[IMPROVED],
        worsened=movements[WORSENED],
        unchanged=movements[UNCHANGED],
        only_before=[question for question in before.questions if question.code not in later_codes],
        only_after=[question for question in after.questions if question.code not in earlier],
    )


def _same_answer(before: OutlineQuestion, after: OutlineQuestion) -> bool:
    """Whether the two sides answer a question alike: then nothing changed and the risk did not move."""
    return (
        before.risk == after.risk
        and before.selected == after.selected
        and before.notes == after.notes
        and before.reason == after.reason
        and before.practices_not_applicable == after.practices_not_applicable
    )


def _question_change(before: OutlineQuestion, after: OutlineQuestion, titles: PracticeTitles) -> QuestionChange:
    def named(codes: set[str], question: OutlineQuestion) -> tuple[str, ...]:
        if not codes:
            return ()
        own = titles.get(question.question_id, {})
        ordered = [code for code in own if code in codes] + sorted(codes - set(own))
        return tuple(own.get(code, code) for code in ordered)

    chosen_before, chosen_after = set(before.selected), set(after.selected)
    marks_before, marks_after = set(before.practices_not_applicable), set(after.practices_not_applicable)
    return QuestionChange(
        before=before,
        after=after,
        gained=named(chosen_after - chosen_before, after),
        lost=named(chosen_before - chosen_after, before),
        marked=named(marks_after - marks_before, after),
        unmarked=named(marks_before - marks_after, before),
    )


def _applicability(question: OutlineQuestion) -> str:
    if question.risk != risk_levels.NOT_APPLICABLE.value:
        return "Applies"
    return f"Does not apply ({REASON_LABELS.get(question.reason, question.reason or 'no reason given')})"
