"""Writing a validated lens file as a new draft lens, with one bulk insert per table."""

from dataclasses import dataclass
from typing import Any, cast

from django.contrib.auth.models import User
from django.core.validators import slug_re
from django.db import transaction
from django.utils.text import slugify

from wareview.audit.models import Action
from wareview.audit.services import audit_record
from wareview.lenses.interchange.errors import LensImportError
from wareview.lenses.interchange.parsing import lens_parse
from wareview.lenses.interchange.spec import (
    CHOICE_KEYS,
    LENS_KEYS,
    LENS_NESTED_FIELDS,
    NESTED_FIELDS,
    PILLAR_KEYS,
    PRACTICE_KEY,
    QUESTION_KEYS,
    QUESTION_NESTED_FIELDS,
)
from wareview.lenses.interchange.validation import lens_validate, max_length
from wareview.lenses.models import (
    Choice,
    FocusArea,
    Lens,
    Pillar,
    PracticeCheck,
    ProfileQuestion,
    Question,
    RiskRule,
    new_draft_rows,
)
from wareview.lenses.services import lens_next_version


@dataclass
class ImportResult:
    lens: Lens
    warnings: list[str]
    created_counts: dict[str, int]


def lens_import(
    *, text: str | bytes, slug: str | None = None, by: User | None = None, ip: str | None = None
) -> ImportResult:
    """Import a lens file as a new draft: version 1 of a new slug, or the next version of an existing one, as
    `by` (None: from the command line), recorded in the audit log.

    Raises LensImportError listing every problem, before any write. Parsing and validating happen outside
    the transaction: with SQLite's IMMEDIATE transactions, a transaction holds the write lock from its start.
    """
    document = lens_parse(text=text)
    validation = lens_validate(document=document)
    if validation.errors:
        raise LensImportError(validation.errors)
    lens_document = cast(dict[str, Any], document)  # valid, so an object with every key the format requires
    slug = _slug_for(lens_document, slug)
    return _lens_write(lens_document, slug=slug, warnings=validation.warnings, by=by, ip=ip)


def _slug_for(document: dict, slug: str | None) -> str:
    if slug is None:
        slug = slugify(document["name"])[: max_length(Lens, "slug")].strip("-")
        if not slug:
            raise LensImportError([f"name: cannot make a slug from {document['name']!r}; give a slug"])
    elif not slug_re.match(slug) or len(slug) > max_length(Lens, "slug"):
        raise LensImportError([f"slug: {slug!r} is not a slug (letters, digits, - and _, at most 100)"])
    return slug


@transaction.atomic
def _lens_write(document: dict, *, slug: str, warnings: list[str], by: User | None, ip: str | None) -> ImportResult:
    """Write a validated document with one INSERT per table, whatever the lens's size, and the audit entry.

    (Django's SQLite backend splits an INSERT past 999 parameters, about 80 choices; PostgreSQL never does.)
    """
    lens = Lens.objects.create(
        slug=slug,
        version=lens_next_version(slug=slug),
        name=document["name"],
        description=document["description"],
        extra=_extra(document, LENS_KEYS, LENS_NESTED_FIELDS),
    )
    with new_draft_rows(lens):
        profile = _profile_write(lens, document.get(PRACTICE_KEY, {}).get("profile", []))
        pillars, areas, questions, choices, rules = _rows_write(lens, document["pillars"])
    checks = _checks_write(choices)
    counts = {
        "profile_questions": len(profile),
        "pillars": len(pillars),
        "focus_areas": len(areas),
        "questions": len(questions),
        "choices": len(choices),
        "risk_rules": len(rules),
        "practice_checks": len(checks),
    }
    audit_record(
        action=Action.LENS_IMPORTED,
        actor=by,
        target=f"{lens.name} ({lens.slug} v{lens.version})",
        details={"questions": counts["questions"], "warnings": len(warnings)},
        ip=ip,
    )
    return ImportResult(lens=lens, warnings=warnings, created_counts=counts)


def _profile_write(lens: Lens, question_docs: list[dict]) -> list[ProfileQuestion]:
    """The workload profile's questions, in the file's order (no query when the lens has none)."""
    return ProfileQuestion.objects.bulk_create(
        ProfileQuestion(
            lens=lens,
            code=doc["code"],
            title=doc["title"],
            description=doc.get("description", ""),
            options=doc.get("options", []),
            order=order,
        )
        for order, doc in enumerate(question_docs)
    )


def _rows_write(lens: Lens, pillar_docs: list[dict]) -> tuple[list, ...]:
    pillars = Pillar.objects.bulk_create(_pillar_row(lens, doc, i) for i, doc in enumerate(pillar_docs))
    areas = FocusArea.objects.bulk_create(_focus_area_row(pillar) for pillar in pillars)
    question_docs = [
        (_question_row(doc, pillar, area, j), doc)
        for pillar, area, pillar_doc in zip(pillars, areas, pillar_docs, strict=True)
        for j, doc in enumerate(pillar_doc["questions"])
    ]
    # bulk_create sets the primary keys on the objects it is given, so the pairs stay usable.
    questions = Question.objects.bulk_create([question for question, _ in question_docs])
    choice_docs = [
        (_choice_row(question, choice, k), choice)
        for question, doc in question_docs
        for k, choice in enumerate(doc["choices"])
    ]
    Choice.objects.bulk_create([choice for choice, _ in choice_docs])
    rules = RiskRule.objects.bulk_create(
        RiskRule(question=question, order=r, condition=rule["condition"], risk=rule["risk"])
        for question, doc in question_docs
        for r, rule in enumerate(doc["riskRules"])
    )
    return pillars, areas, questions, choice_docs, rules


def _checks_write(choice_docs: list[tuple[Choice, dict]]) -> list[PracticeCheck]:
    """The practices' checks (metadata beside the lens, see PracticeCheck), in the file's order."""
    return PracticeCheck.objects.bulk_create(
        PracticeCheck(choice=choice, tool=check["tool"], rule=check.get("rule", ""), test=check.get("test", ""))
        for choice, doc in choice_docs
        for check in doc.get(PRACTICE_KEY, {}).get("checks", [])
    )


def _pillar_row(lens: Lens, doc: dict, order: int) -> Pillar:
    return Pillar(lens=lens, code=doc["id"], name=doc["name"], order=order, extra=_extra(doc, PILLAR_KEYS))


def _focus_area_row(pillar: Pillar) -> FocusArea:
    # AWS lenses have no focus areas and the review UI groups questions by one, so each pillar gets one.
    return FocusArea(pillar=pillar, code=pillar.code, name=pillar.name, order=pillar.order)


def _question_row(doc: dict, pillar: Pillar, area: FocusArea, order: int) -> Question:
    resource = doc.get("helpfulResource", {})
    return Question(
        pillar=pillar,
        focus_area=area,
        code=doc["id"],
        title=doc["title"],
        description=doc["description"],
        helpful_resource_text=resource.get("displayText", ""),
        helpful_resource_url=resource.get("url", ""),
        order=order,
        replaces=doc.get(PRACTICE_KEY, {}).get("replaces", []),
        first_when=doc.get(PRACTICE_KEY, {}).get("first_when", ""),
        extra=_extra(doc, QUESTION_KEYS, QUESTION_NESTED_FIELDS),
    )


def _choice_row(question: Question, doc: dict, order: int) -> Choice:
    helpful, improvement = doc.get("helpfulResource", {}), doc.get("improvementPlan", {})
    practice = doc.get(PRACTICE_KEY, {})
    return Choice(
        question=question,
        code=doc["id"],
        title=doc["title"],
        description=doc.get("description", ""),
        helpful_resource_text=helpful.get("displayText", ""),
        helpful_resource_url=helpful.get("url", ""),
        improvement_text=improvement.get("displayText", ""),
        improvement_url=improvement.get("url", ""),
        verification=practice.get("verification", ""),
        effort=practice.get("effort", ""),
        impact=practice.get("impact", ""),
        replaces=practice.get("replaces", []),
        applies_when=practice.get("applies_when", ""),
        always_applies=practice.get("always_applies", False),
        replaces_needs_all=practice.get("replaces_needs_all", False),
        additional_resources=doc.get("additionalResources", []),
        is_none=doc["id"].endswith("_no"),
        order=order,
        extra=_extra(doc, CHOICE_KEYS),
    )


def _extra(doc: dict, known: frozenset[str], nested: dict[str, tuple[str, ...]] = NESTED_FIELDS) -> dict:
    """The keys of `doc` wareview does not model, and under a nested object's key (a resource, the "wareview"
    keys of a question or choice), that object's unknown keys."""
    extra = {key: value for key, value in doc.items() if key not in known}
    for key in known.intersection(nested).intersection(doc):
        unknown = {name: value for name, value in doc[key].items() if name not in nested[key]}
        if unknown:
            extra[key] = unknown
    return extra
