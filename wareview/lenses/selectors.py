"""Reads of question sets: those the review pages make on every request, and the upgrade mapping's."""

from collections import defaultdict
from dataclasses import dataclass

from wareview.lenses.conditions import question_facts
from wareview.lenses.mapping import OldQuestion
from wareview.lenses.models import Choice, Lens, ProfileQuestion, Question, RiskRule


@dataclass(frozen=True)
class QuestionSheet:
    """A question's row, its best practices (in order) and its risk rules (in order)."""

    question: Question
    choices: tuple[Choice, ...]
    rules: tuple[tuple[str, str], ...]

    @property
    def codes(self) -> list[str]:
        return [choice.code for choice in self.choices]

    @property
    def none_codes(self) -> set[str]:
        return {choice.code for choice in self.choices if choice.is_none}


class QuestionSheets:
    """`question_sheet(question_id)`: a question's choices and rules, kept in memory only for a published lens.

    A published lens's rows never change (models.py refuses every write to them), so a kept sheet cannot go
    stale, in this process or any other. A draft's sheet is read afresh on every call, so an edit made in any
    process is seen at once. Whether the lens is published comes with the rules, in the same query.
    """

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._kept: dict[int, QuestionSheet] = {}

    def __call__(self, question_id: int) -> QuestionSheet:
        sheet = self._kept.get(question_id)
        if sheet is None:
            sheet, published = _sheet_read(question_id)
            if published:
                if len(self._kept) >= self.maxsize:
                    self._kept.clear()  # simpler than least-recently-used, and a lens rarely has this many
                self._kept[question_id] = sheet
        return sheet

    def cache_clear(self) -> None:
        self._kept.clear()


question_sheet = QuestionSheets(maxsize=4096)


def _sheet_read(question_id: int) -> tuple[QuestionSheet, bool]:
    """The sheet and whether its lens is published, in three queries."""
    question = Question.objects.select_related("pillar__lens").get(pk=question_id)
    choices = tuple(Choice.objects.filter(question_id=question_id).order_by("order", "pk"))
    rules = RiskRule.objects.filter(question_id=question_id).order_by("order", "pk").values_list("condition", "risk")
    sheet = QuestionSheet(question=question, choices=choices, rules=tuple(rules))
    return sheet, question.pillar.lens.status == Lens.Status.PUBLISHED


def lens_previous_version(*, lens: Lens) -> Lens | None:
    """The published version an upgrade mapping of `lens` points at: same slug, the next lower version."""
    earlier = Lens.objects.published().filter(slug=lens.slug, version__lt=lens.version)
    return earlier.order_by("-version").first()


def mapping_targets(*, lens: Lens) -> dict[str, OldQuestion]:
    """What an upgrade mapping may name in `lens`: each question code with its choice codes, in one query."""
    choices: dict[str, set[str]] = defaultdict(set)
    nones: dict[str, set[str]] = defaultdict(set)
    rows = Question.objects.filter(pillar__lens=lens).values_list("code", "choices__code", "choices__is_none")
    for question, choice, is_none in rows:
        choices[question].update([choice] if choice is not None else [])
        if is_none:
            nones[question].add(choice)
    return {code: OldQuestion(frozenset(codes), frozenset(nones[code])) for code, codes in choices.items()}


def lens_profile_facts(*, lens_id: int) -> frozenset[str]:
    """The facts the lens's workload profile gives (wareview.lenses.conditions), which conditions may name; one
    query."""
    questions = ProfileQuestion.objects.filter(lens_id=lens_id).values_list("code", "options")
    return frozenset(fact for code, options in questions for fact in question_facts(code, options))
