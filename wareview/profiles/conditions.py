"""What a workload's profile says about a lens's conditions, as plain functions with no ORM.

A profile's answers (`WorkloadProfile.answers`) are `{profile question code: True/False}` for a yes/no question
and `{profile question code: option code}` for a question with options. The facts they make true are the codes
of the yes/no questions answered "yes" and the codes of the chosen options. `Choice.applies_when` and
`Question.first_when` are conditions over those facts in the risk rules' grammar (`wareview.lenses.risk`).
"""

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from wareview.lenses.risk import And, Node, RuleError, parse

REASON_PREFIX = "Not in this workload's profile: "
YES, NO = "Yes", "No"

Answers = Mapping[str, bool | str]


@dataclass(frozen=True)
class ProfileOption:
    code: str
    label: str


@dataclass(frozen=True)
class ProfileQuestionSpec:
    """A profile question as conditions see it: no `options` for a yes/no question."""

    code: str
    title: str
    description: str = ""
    options: tuple[ProfileOption, ...] = ()

    @property
    def facts(self) -> tuple[str, ...]:
        """The codes that answering this question can make true."""
        return tuple(option.code for option in self.options) if self.options else (self.code,)

    def answer_label(self, value: bool | str) -> str:
        """An answer in words: "Yes", "No", or the chosen option's label."""
        if not self.options:
            return YES if value is True else NO
        return next((option.label for option in self.options if option.code == value), str(value))


def profile_facts(answers: Answers) -> frozenset[str]:
    """The facts the answers make true: yes/no questions answered yes, and the chosen options."""
    return frozenset(
        code if value is True else value for code, value in answers.items() if value is True or isinstance(value, str)
    )


def condition_holds(condition: str, *, answers: Answers, questions: Sequence[ProfileQuestionSpec]) -> bool | None:
    """Whether `condition` holds for the answers; None when it names a fact of an unanswered question (or one no
    profile question defines, or the condition is malformed): then nothing is decided from it."""
    named = _questions_named(condition, questions)
    if named is None or any(question.code not in answers for question in named):
        return None
    return parse(condition).is_true(profile_facts(answers))


def not_in_profile_reason(
    condition: str, *, answers: Answers, questions: Sequence[ProfileQuestionSpec], limit: int = 200
) -> str:
    """The reason shown on a practice the profile marks "does not apply": the answers the condition names,
    "Not in this workload's profile: Does the workload keep a cache? — No", cut to `limit` characters."""
    named = _questions_named(condition, questions) or []
    blamed = _false_because(parse(condition), profile_facts(answers)) if named else set()
    parts = [
        f"{question.title} — {question.answer_label(answers[question.code])}"
        for question in named
        if blamed & set(question.facts) and question.code in answers
    ]
    text = REASON_PREFIX + "; ".join(parts)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _false_because(node: Node, facts: frozenset[str]) -> set[str]:
    """The codes whose facts make the false `node` false: of an "and", only its false operands; of anything else,
    every code it names."""
    if isinstance(node, And):
        return {
            code for operand in node.operands if not operand.is_true(facts) for code in _false_because(operand, facts)
        }
    return {choice.code for choice in node.choices()}


def _questions_named(condition: str, questions: Sequence[ProfileQuestionSpec]) -> list[ProfileQuestionSpec] | None:
    """The profile questions whose facts the condition names, in the profile's order; None when it names a code
    no question defines, or cannot be read."""
    try:
        codes = {choice.code for choice in parse(condition).choices()}
    except RuleError:
        return None
    by_fact = {fact: question for question in questions for fact in question.facts}
    if not codes <= by_fact.keys():
        return None
    named = {by_fact[code].code for code in codes}
    return [question for question in questions if question.code in named]


def first_questions(
    conditions: Mapping[str, str], *, answers: Answers, questions: Collection[ProfileQuestionSpec]
) -> set[str]:
    """The codes of the lens questions (`conditions`: question code → `first_when`) to ask first for these answers."""
    specs = list(questions)
    return {
        code for code, condition in conditions.items() if condition_holds(condition, answers=answers, questions=specs)
    }
