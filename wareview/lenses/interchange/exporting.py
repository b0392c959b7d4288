"""A lens as a custom-lens document, in the key order the published files use."""

from dataclasses import dataclass

from django.db.models import Prefetch

from wareview.lenses.interchange.spec import PRACTICE_KEY, SCHEMA_VERSION
from wareview.lenses.interchange.validation import lens_validate
from wareview.lenses.models import Choice, Lens, Pillar, PracticeCheck, ProfileQuestion, Question, RiskRule


@dataclass
class ExportResult:
    document: dict
    warnings: list[str]


def lens_export(*, lens: Lens) -> ExportResult:
    """The lens as a custom-lens document (six queries), with warnings where AWS would object to it."""
    checks = Prefetch("checks", queryset=PracticeCheck.objects.order_by("pk"))
    choices = Prefetch("choices", queryset=Choice.objects.order_by("order", "pk").prefetch_related(checks))
    rules = Prefetch("risk_rules", queryset=RiskRule.objects.order_by("order", "pk"))
    questions = Question.objects.order_by("order", "pk").prefetch_related(choices, rules)
    pillars = lens.pillars.order_by("order", "pk").prefetch_related(Prefetch("questions", queryset=questions))
    profile = [_profile_question_doc(question) for question in lens.profile_questions.order_by("order", "pk")]
    document = _with_extra(
        {
            "schemaVersion": SCHEMA_VERSION,
            "name": lens.name,
            "description": lens.description,
            **_present(**{PRACTICE_KEY: _own_keys(lens, profile=profile)}),
        },
        lens.extra,
        {"pillars": [_pillar_doc(pillar) for pillar in pillars]},
    )
    validation = lens_validate(document=document)
    return ExportResult(document=document, warnings=validation.errors + validation.warnings)


def _profile_question_doc(question: ProfileQuestion) -> dict:
    return {
        "code": question.code,
        "title": question.title,
        **_present(description=question.description, options=question.options),
    }


def _pillar_doc(pillar: Pillar) -> dict:
    questions = [_question_doc(question) for question in pillar.questions.all()]
    return _with_extra({"id": pillar.code, "name": pillar.name}, pillar.extra, {"questions": questions})


def _question_doc(question: Question) -> dict:
    fields = {
        "id": question.code,
        "title": question.title,
        "description": question.description,
        **_present(
            helpfulResource=_resource(question, "helpful_resource", "helpfulResource"),
            **{PRACTICE_KEY: _own_keys(question, replaces=question.replaces, first_when=question.first_when)},
        ),
    }
    rules = [{"condition": rule.condition, "risk": rule.risk} for rule in question.risk_rules.all()]
    choices = [_choice_doc(choice) for choice in question.choices.all()]
    return _with_extra(fields, question.extra, {"choices": choices, "riskRules": rules})


def _choice_doc(choice: Choice) -> dict:
    fields = {
        "id": choice.code,
        "title": choice.title,
        **_present(
            description=choice.description,
            helpfulResource=_resource(choice, "helpful_resource", "helpfulResource"),
            improvementPlan=_resource(choice, "improvement", "improvementPlan"),
            additionalResources=choice.additional_resources,
            **{
                PRACTICE_KEY: _own_keys(
                    choice,
                    verification=choice.verification,
                    effort=choice.effort,
                    impact=choice.impact,
                    replaces=choice.replaces,
                    checks=[_check_doc(check) for check in choice.checks.all()],
                    applies_when=choice.applies_when,
                    always_applies=choice.always_applies,
                    replaces_needs_all=choice.replaces_needs_all,
                )
            },
        ),
    }
    return _with_extra(fields, choice.extra, {})


def _check_doc(check: PracticeCheck) -> dict:
    return {"tool": check.tool, **({"rule": check.rule} if check.rule else {"test": check.test})}


def _own_keys(row: Lens | Question | Choice, **values: object) -> object:
    """wareview's own keys of the row that are set (a choice's verification, effort, impact, its conditions; the
    upgrade mapping; the lens's profile), plus the unknown keys kept for that object."""
    known = _present(**values)
    unknown = row.extra.get(PRACTICE_KEY, {})
    if not isinstance(unknown, dict):  # a value under the key kept whole before wareview read it
        return known or unknown
    return {**known, **{key: value for key, value in unknown.items() if key not in known}}


def _resource(row: Question | Choice, prefix: str, key: str) -> dict | None:
    """A helpfulResource or improvementPlan from <prefix>_text and _url, plus the unknown keys kept for it."""
    text, url, unknown = getattr(row, f"{prefix}_text"), getattr(row, f"{prefix}_url"), row.extra.get(key, {})
    if not (text or url or unknown):
        return None
    return {"displayText": text, **_present(url=url), **unknown}


def _present(**values: object) -> dict:
    """The optional keys that have a value: the format has no empty resources, descriptions or lists."""
    return {key: value for key, value in values.items() if value}


def _with_extra(fields: dict, extra: dict, children: dict) -> dict:
    """Known fields, then the kept unknown keys, then the child arrays: the order the published files use.

    (PostgreSQL's jsonb does not keep key order, so where the unknown keys stood in the file is not kept.)
    """
    kept = {key: value for key, value in extra.items() if key not in fields and key not in children}
    return {**fields, **kept, **children}
