"""Reads of question sets that the review pages make on every request."""

from dataclasses import dataclass
from functools import lru_cache

from wareview.lenses.models import Choice, RiskRule


@dataclass(frozen=True)
class QuestionSheet:
    """A question's best practices (in order) and its risk rules (in order)."""

    choices: tuple[Choice, ...]
    rules: tuple[tuple[str, str], ...]

    @property
    def codes(self) -> list[str]:
        return [choice.code for choice in self.choices]

    @property
    def none_codes(self) -> set[str]:
        return {choice.code for choice in self.choices if choice.is_none}


@lru_cache(maxsize=4096)
def question_sheet(question_id: int) -> QuestionSheet:
    """The choices and rules of a question, kept in memory after the first read.

    Reviews only run on published lenses, and a published lens never changes (the admin and the services refuse
    it; a change means a new version with new rows), so a kept sheet cannot go stale. Saving or deleting any
    lens row still empties the memory (see apps.py), so editing a draft is always seen at once.
    """
    choices = tuple(Choice.objects.filter(question_id=question_id).order_by("order", "pk"))
    rules = tuple(
        RiskRule.objects.filter(question_id=question_id).order_by("order", "pk").values_list("condition", "risk")
    )
    return QuestionSheet(choices=choices, rules=rules)


def question_sheets_forget(**_signal_arguments) -> None:
    question_sheet.cache_clear()
