"""Writes to question sets: publishing a draft and copying a published lens into a new draft version."""

from collections.abc import Mapping, Sequence
from typing import TypeVar

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Field, Max, Model, QuerySet
from django.utils import timezone

from wareview.audit.models import Action
from wareview.audit.services import audit_record
from wareview.lenses.models import (
    Choice,
    DesignPrinciple,
    FocusArea,
    Lens,
    LensStateError,
    Pillar,
    PracticeCheck,
    ProfileQuestion,
    Question,
    RiskRule,
    new_draft_rows,
)

__all__ = ["LensStateError", "lens_new_draft", "lens_next_version", "lens_publish"]

_Row = TypeVar("_Row", bound=Model)


def lens_next_version(*, slug: str) -> int:
    return (Lens.objects.filter(slug=slug).aggregate(top=Max("version"))["top"] or 0) + 1


@transaction.atomic
def lens_publish(*, lens: Lens, by: User | None = None, ip: str | None = None) -> Lens:
    """Freeze a draft: from now on reviews may start on it and nothing writes its rows (see models.py). `by`
    (None: a command or a test) is recorded in the audit log."""
    lens = Lens.objects.select_for_update().get(pk=lens.pk)
    if lens.is_published:
        raise LensStateError(f"{lens.name} v{lens.version} is already published.")
    lens.status = Lens.Status.PUBLISHED
    lens.published_at = timezone.now()
    lens.save(update_fields=["status", "published_at"])
    audit_record(action=Action.LENS_PUBLISHED, actor=by, target=f"{lens.name} ({lens.slug} v{lens.version})", ip=ip)
    return lens


@transaction.atomic
def lens_new_draft(*, lens: Lens) -> Lens:
    """Copy `lens` whole into a new draft version with the next version number, with bulk writes.

    This is how a published lens gets changed: the copy is a draft from its first row, so the model guard lets
    every row be written, and the published original is only read. The copy's upgrade mapping is empty
    (`replaces`, and `replaces_needs_all` with it): the original's mapping pointed at the version before it, and
    every code of the copy maps to itself. The workload profile's questions and the conditions over them
    (`applies_when`, `always_applies`, `first_when`) are copied as they are.
    """
    draft = Lens.objects.create(
        slug=lens.slug,
        version=lens_next_version(slug=lens.slug),
        name=lens.name,
        description=lens.description,
        extra=lens.extra,
    )
    with new_draft_rows(draft):
        _copy_rows(ProfileQuestion.objects.filter(lens=lens), lens=draft)
        pillars = _copy_rows(Pillar.objects.filter(lens=lens), lens=draft)
        principles = _copy_rows(DesignPrinciple.objects.filter(pillar__lens=lens), pillar=pillars)
        areas = _copy_focus_areas(lens=lens, pillars=pillars)
        questions = _copy_rows(
            Question.objects.filter(pillar__lens=lens), pillar=pillars, focus_area=areas, _cleared=["replaces"]
        )
        choices = _copy_rows(
            Choice.objects.filter(question__pillar__lens=lens),
            question=questions,
            _cleared=["replaces", "replaces_needs_all"],
        )
        _copy_rows(RiskRule.objects.filter(question__pillar__lens=lens), question=questions)
        _copy_choice_principles(lens=lens, choices=choices, principles=principles)
        _copy_rows(PracticeCheck.objects.filter(choice__question__pillar__lens=lens), choice=choices)
    return draft


def _copy_rows(
    queryset: QuerySet[_Row], _cleared: Sequence[str] = (), **parents: Model | Mapping[int, Model]
) -> dict[int, _Row]:
    """Insert a copy of every row of `queryset`; each keyword maps a foreign key to {old id: new parent}.

    A parent given as a model instance replaces the key outright; the fields named in `_cleared` get their
    default on the copy. Returns {old id: new row}.
    """
    old_rows = list(queryset.order_by("pk"))
    old_ids = [row.pk for row in old_rows]
    fields = [queryset.model._meta.get_field(name) for name in _cleared]
    for row in old_rows:
        row.pk = None
        for model_field in fields:
            assert isinstance(model_field, Field)  # a plain column, named by the caller
            setattr(row, model_field.name, model_field.get_default())
        for field, parent in parents.items():
            if isinstance(parent, Mapping):
                old_parent_id = getattr(row, f"{field}_id")
                setattr(row, field, parent.get(old_parent_id))
            else:
                setattr(row, field, parent)
    model = queryset.model
    new_rows = model._default_manager.bulk_create(old_rows)
    return dict(zip(old_ids, new_rows, strict=True))


def _copy_focus_areas(*, lens: Lens, pillars: dict) -> dict[int, FocusArea]:
    # Parents first, so that children can point at the new parent rows.
    old_areas = list(FocusArea.objects.filter(pillar__lens=lens).order_by("pk"))
    top = _copy_rows(FocusArea.objects.filter(pk__in=[a.pk for a in old_areas if not a.parent_id]), pillar=pillars)
    nested = [a.pk for a in old_areas if a.parent_id]
    children = _copy_rows(FocusArea.objects.filter(pk__in=nested), pillar=pillars, parent=top)
    return {**top, **children}


def _copy_choice_principles(*, lens: Lens, choices: dict, principles: dict) -> None:
    link = Choice.principles.through
    old_links = link.objects.filter(choice__question__pillar__lens=lens)
    link.objects.bulk_create(
        link(choice=choices[old.choice_id], designprinciple=principles[old.designprinciple_id]) for old in old_links
    )
