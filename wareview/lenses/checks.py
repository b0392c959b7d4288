"""Integrity checks over the question sets stored in the database (used by `manage.py check_lenses`)."""

from collections import defaultdict
from dataclasses import dataclass, field

from wareview.lenses.conditions import (
    applicability_problem,
    check_profile_condition,
    option_problems,
    question_facts,
    repeated_facts,
)
from wareview.lenses.mapping import OldQuestion, replaces_format_problems, replaces_reference_problems
from wareview.lenses.models import Choice, Lens, ProfileQuestion, Question, RiskRule
from wareview.lenses.risk import RuleError, check_condition
from wareview.lenses.selectors import lens_previous_version, mapping_targets
from wareview.lib.practice_scales import EFFORT_LABELS, IMPACT_LABELS


@dataclass
class LensReport:
    lens: Lens
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def lens_check(*, lens: Lens) -> LensReport:
    """Rules parse and name existing choices of their question; guidance is present; codes are unique; effort
    and impact come from their scales, and a lens that gives any practice verification, effort or impact gives
    every practice (but "None of these") all three; every `replaces` entry (the upgrade mapping) is well formed
    and names a question or choice of the lens's previous published version; the workload profile's questions
    are well formed and give each fact once, and every condition over them (`applies_when`, `first_when`) parses
    and names facts of the profile, never on a practice that always applies nor on "None of these"."""
    report = LensReport(lens=lens)
    questions = list(Question.objects.filter(pillar__lens=lens).order_by("pillar__order", "order"))
    choices = defaultdict(list)
    for choice in Choice.objects.filter(question__pillar__lens=lens):
        choices[choice.question_id].append(choice)
    rules = defaultdict(list)
    for rule in RiskRule.objects.filter(question__pillar__lens=lens).order_by("order"):
        rules[rule.question_id].append(rule)
    _check_unique_codes(report, questions)
    practice_facts = any(_facts_given(choice) for question_choices in choices.values() for choice in question_choices)
    mapping = MappingCheck.of(lens)
    facts = _check_profile(report, lens)
    for question in questions:
        _check_question(report, question, choices[question.pk], rules[question.pk])
        _check_conditions(report, question, choices[question.pk], facts)
        report.problems += mapping.problems(question.replaces, of_choice=False, where=question.code)
        for choice in choices[question.pk]:
            _check_practice_facts(report, question, choice, complete=practice_facts)
            report.problems += mapping.problems(choice.replaces, of_choice=True, where=f"{question.code}.{choice.code}")
    return report


@dataclass(frozen=True)
class MappingCheck:
    """Checks of the upgrade mapping (`replaces`) of a lens's questions and choices: well formed, and naming
    what the lens's previous published version has (`previous`, None when there is none). Two queries."""

    previous: dict[str, OldQuestion] | None
    previous_name: str
    against_previous: bool = True

    @classmethod
    def format_only(cls) -> "MappingCheck":
        """Checks of the format alone, where the lens is not known yet."""
        return cls(previous=None, previous_name="", against_previous=False)

    @classmethod
    def of(cls, lens: Lens | None) -> "MappingCheck":
        previous = lens_previous_version(lens=lens) if lens is not None else None
        if previous is None:
            return cls(previous=None, previous_name="")
        return cls(previous=mapping_targets(lens=previous), previous_name=f"v{previous.version}")

    def problems(self, replaces: object, *, of_choice: bool, where: str = "") -> list[str]:
        """Each problem as "<where>.replaces[<index>]: <message>"."""
        problems = replaces_format_problems(replaces, of_choice=of_choice)
        if not problems and self.against_previous and isinstance(replaces, list):
            problems = replaces_reference_problems(
                replaces, of_choice=of_choice, previous=self.previous, previous_name=self.previous_name
            )
        prefix = f"{where}." if where else ""
        return [f"{prefix}replaces{index}: {message}" for index, message in problems]


def _check_profile(report: LensReport, lens: Lens) -> frozenset[str]:
    """The profile's questions: options well formed, each fact given once. Returns the facts of those well formed."""
    profile = list(ProfileQuestion.objects.filter(lens=lens).order_by("order", "pk").values_list("code", "options"))
    well_formed = []
    for code, options in profile:
        problems = option_problems(options) if options else []
        report.problems += [f"profile {code}.options{index}: {message}" for index, message in problems]
        if not problems:
            well_formed.append((code, options))
    for fact, first in repeated_facts(well_formed):
        report.problems.append(f"profile: the fact '{fact}' is given twice (first by the question {first})")
    return frozenset(fact for code, options in well_formed for fact in question_facts(code, options))


def _check_conditions(report: LensReport, question: Question, choices: list[Choice], facts: frozenset[str]) -> None:
    """The conditions over the profile's facts, and which practices may carry them."""
    _check_condition(report, f"{question.code}.first_when", question.first_when, facts)
    for choice in choices:
        where = f"{question.code}.{choice.code}"
        _check_condition(report, f"{where}.applies_when", choice.applies_when, facts)
        problem = applicability_problem(
            always_applies=choice.always_applies, applies_when=choice.applies_when, is_none=choice.is_none
        )
        if problem:
            report.problems.append(f"{where}: {problem}")


def _check_condition(report: LensReport, where: str, condition: str, facts: frozenset[str]) -> None:
    if not condition:
        return
    try:
        check_profile_condition(condition, facts)
    except RuleError as error:
        report.problems.append(f"{where}: {error}")


def _check_unique_codes(report: LensReport, questions: list[Question]) -> None:
    seen: set[str] = set()
    for question in questions:
        if question.code in seen:
            report.problems.append(f"{question.code}: the question code is used twice in the lens")
        seen.add(question.code)


def _check_question(report: LensReport, question: Question, choices: list[Choice], rules: list[RiskRule]) -> None:
    where = question.code
    if not question.description.strip():
        report.problems.append(f"{where}: the question has no guidance")
    if not choices:
        report.problems.append(f"{where}: the question has no choices")
    for choice in choices:
        if not choice.is_none and not choice.improvement_text.strip():
            report.problems.append(f"{where}.{choice.code}: the best practice has no improvement guidance")
    codes = {choice.code for choice in choices}
    for rule in rules:
        try:
            check_condition(rule.condition, codes)
        except RuleError as error:
            report.problems.append(f"{where} rule {rule.order}: {error}")
    if not rules:
        report.problems.append(f"{where}: the question has no risk rules")
    elif not any(rule.condition.strip() == "default" for rule in rules):
        report.warnings.append(f"{where}: no 'default' rule; when no rule matches, the risk is high")


def _facts_given(choice: Choice) -> bool:
    return not choice.is_none and bool(choice.verification.strip() or choice.effort or choice.impact)


def _check_practice_facts(report: LensReport, question: Question, choice: Choice, *, complete: bool) -> None:
    """Effort and impact on their scales; with `complete` (the lens gives them), all three on every practice."""
    where = f"{question.code}.{choice.code}"
    for name, value, scale in (("effort", choice.effort, EFFORT_LABELS), ("impact", choice.impact, IMPACT_LABELS)):
        if value and value not in scale:
            report.problems.append(f"{where}: {name} {value!r} is not one of {', '.join(scale)}")
    if not complete or choice.is_none:
        return
    missing = [
        name
        for name, present in (
            ("verification", choice.verification.strip()),
            ("effort", choice.effort),
            ("impact", choice.impact),
        )
        if not present
    ]
    if missing:
        report.problems.append(
            f"{where}: the best practice has no {' and no '.join(missing)} (other practices of the lens have them)"
        )
