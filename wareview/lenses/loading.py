"""Loading the question sets of fixture files: a missing lens version is loaded, an existing one never changes.

`make run` and the compose web service call this (`manage.py load_question_sets`) on every start. A version
already in the database is compared with its fixture and left alone either way: a published version never
changes (reviews stand on its rows), and a draft may hold edits made in the admin since it was loaded. A
difference is reported, so that whoever edited the fixture gives the changed question set a new version number.

The practices' checks (`PracticeCheck` rows, the mapping of the team's tools to practices) are metadata beside a
version, outside its frozen content: they are left out of that comparison, and a version's checks are made the
fixture's on every load, published or not (a check naming a practice the version lacks is skipped and counted).
"""

import json
from dataclasses import dataclass, replace
from enum import StrEnum
from itertools import chain
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core import serializers
from django.db import IntegrityError, models, transaction
from django.db.models import Prefetch

from wareview.lenses.models import (
    Choice,
    DesignPrinciple,
    FocusArea,
    Lens,
    Pillar,
    PracticeCheck,
    ProfileQuestion,
    Question,
    RiskRule,
)
from wareview.lenses.services import lens_next_version

LENS_MODELS = (Lens, Pillar, DesignPrinciple, FocusArea, Question, Choice, RiskRule, ProfileQuestion)


class QuestionSetFileError(Exception):
    """A fixture file that is not a list of lens rows with natural keys."""


class Outcome(StrEnum):
    LOADED = "loaded"
    UNCHANGED = "unchanged"
    DIFFERS_FROM_PUBLISHED = "differs from published"
    DIFFERS_FROM_DRAFT = "differs from draft"


@dataclass(frozen=True)
class VersionLoad:
    """What loading one lens version of a fixture file did."""

    path: Path
    slug: str
    version: int
    outcome: Outcome
    rows: int
    next_version: int | None = None
    checks: "ChecksRefresh | None" = None

    @property
    def is_warning(self) -> bool:
        return self.outcome in (Outcome.DIFFERS_FROM_PUBLISHED, Outcome.DIFFERS_FROM_DRAFT)

    @property
    def message(self) -> str:
        return self._outcome_message() + (self.checks.message if self.checks else "")

    def _outcome_message(self) -> str:
        name = f"{self.path}: {self.slug} v{self.version}"
        match self.outcome:
            case Outcome.LOADED:
                return f"{name} loaded ({self.rows} rows)."
            case Outcome.UNCHANGED:
                return f"{name} is already loaded and unchanged."
            case Outcome.DIFFERS_FROM_PUBLISHED:
                return (
                    f"{name} differs from the published {self.slug} v{self.version} in the database, which never "
                    f"changes: nothing was loaded for it. Give the changed question set a new version number "
                    f"(v{self.next_version} is the next free one)."
                )
        return (
            f"{name} differs from the draft {self.slug} v{self.version} in the database, which was left as is "
            f"(it may hold edits made in the admin). Delete the draft to load the fixture's version."
        )


@dataclass(frozen=True)
class ChecksRefresh:
    """What making a version's practice checks the fixture's did."""

    changed: bool
    count: int
    skipped: int

    @property
    def message(self) -> str:
        if not self.changed and not self.skipped:
            return ""
        text = f" Its practice checks were refreshed ({self.count})." if self.changed else ""
        if self.skipped:
            text += f" {self.skipped} checks name a practice this version lacks and were skipped."
        return text


def question_sets_load(*, path: Path) -> list[VersionLoad]:
    """Load every lens version of the fixture at `path` that the database lacks; compare the others. Then make
    each version's practice checks the fixture's."""
    loads = []
    for key, entries in _versions(path).items():
        checks = [entry for entry in entries if entry["model"].lower() == "lenses.practicecheck"]
        load = _version_load(path, key, [entry for entry in entries if entry not in checks])
        refresh = _checks_refresh(*key, checks)
        loads.append(replace(load, checks=refresh))
    return loads


@transaction.atomic
def _checks_refresh(slug: str, version: int, entries: list[dict]) -> ChecksRefresh:
    """Make the version's practice checks those of `entries` (fixture rows), in their order; unchanged checks
    are left as they are. Not part of the version's frozen content, so a published version's checks change too."""
    lens = Lens.objects.filter(slug=slug, version=version).first()
    if lens is None:
        return ChecksRefresh(changed=False, count=0, skipped=len(entries))
    choices = {
        (question, code): pk
        for pk, question, code in Choice.objects.filter(question__pillar__lens=lens).values_list(
            "pk", "question__code", "code"
        )
    }
    wanted = []
    for entry in entries:
        fields = entry["fields"]
        choice = choices.get(tuple(fields["choice"][2:4]))
        if choice is not None:
            wanted.append((choice, fields["tool"], fields.get("rule", ""), fields.get("test", "")))
    stored = PracticeCheck.objects.filter(choice__question__pillar__lens=lens).order_by("pk")
    if list(stored.values_list("choice_id", "tool", "rule", "test")) == wanted:
        return ChecksRefresh(changed=False, count=len(wanted), skipped=len(entries) - len(wanted))
    stored.delete()
    PracticeCheck.objects.bulk_create(
        PracticeCheck(choice_id=choice, tool=tool, rule=rule, test=test) for choice, tool, rule, test in wanted
    )
    return ChecksRefresh(changed=True, count=len(wanted), skipped=len(entries) - len(wanted))


def _version_load(path: Path, key: tuple[str, int], entries: list[dict]) -> VersionLoad:
    slug, version = key
    lens = Lens.objects.filter(slug=slug, version=version).first()
    if lens is None:
        try:
            _load(entries)
        except IntegrityError:  # another process loaded it meanwhile: compare with what it wrote
            lens = Lens.objects.get(slug=slug, version=version)
        else:
            return VersionLoad(path, slug, version, Outcome.LOADED, rows=len(entries))
    if _same(entries, _stored(lens)):
        return VersionLoad(path, slug, version, Outcome.UNCHANGED, rows=len(entries))
    if lens.is_published:
        next_version = lens_next_version(slug=slug)
        return VersionLoad(path, slug, version, Outcome.DIFFERS_FROM_PUBLISHED, len(entries), next_version)
    return VersionLoad(path, slug, version, Outcome.DIFFERS_FROM_DRAFT, rows=len(entries))


def _versions(path: Path) -> dict[tuple[str, int], list[dict]]:
    """The fixture's entries grouped by the lens version they belong to, in file order."""
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise QuestionSetFileError(f"{path}: cannot read the fixture ({error})") from None
    if not isinstance(entries, list):
        raise QuestionSetFileError(f"{path}: a fixture is a JSON list of rows")
    versions: dict[tuple[str, int], list[dict]] = {}
    for index, entry in enumerate(entries):
        versions.setdefault(_version_of(path, index, entry), []).append(entry)
    return versions


def _version_of(path: Path, index: int, entry: Any) -> tuple[str, int]:
    # `entry` is any JSON value: one of the wrong shape raises a KeyError or TypeError, reported below.
    try:
        model, fields = apps.get_model(entry["model"]), entry["fields"]
        if model is PracticeCheck:
            fields["tool"]  # a check without its tool is no row either: the KeyError is reported below
            slug, version = fields["choice"][:2]
            return slug, version
        if model not in LENS_MODELS:
            raise ValueError(f"{entry['model']} is not part of a lens")
        if model is Lens:
            return fields["slug"], fields["version"]
        slug, version = fields[model.lens_path.split("__")[0]][:2]  # a natural key starts with slug, version
        return slug, version
    except (KeyError, LookupError, TypeError, ValueError) as error:
        raise QuestionSetFileError(f"{path}: row {index}: not a lens row with natural keys ({error})") from None


@transaction.atomic
def _load(entries: list[dict]) -> None:
    """Save the rows as loaddata does: raw saves, references to rows later in the file set afterwards."""
    deferred = []
    for row in serializers.deserialize("json", json.dumps(entries), handle_forward_references=True):
        row.save()
        if row.deferred_fields:
            deferred.append(row)
    for row in deferred:
        row.save_deferred_fields()


def _stored(lens: Lens) -> list[dict]:
    """The lens's rows as fixture entries (natural keys), in a fixed number of queries."""
    principles = Prefetch("principles", queryset=DesignPrinciple.objects.select_related("pillar__lens"))
    rows = chain(
        Lens.objects.filter(pk=lens.pk),
        Pillar.objects.filter(lens=lens).select_related("lens"),
        DesignPrinciple.objects.filter(pillar__lens=lens).select_related("pillar__lens"),
        FocusArea.objects.filter(pillar__lens=lens).select_related("pillar__lens", "parent__pillar__lens"),
        Question.objects.filter(pillar__lens=lens).select_related("pillar__lens", "focus_area__pillar__lens"),
        Choice.objects.filter(question__pillar__lens=lens)
        .select_related("question__pillar__lens")
        .prefetch_related(principles),
        RiskRule.objects.filter(question__pillar__lens=lens).select_related("question__pillar__lens"),
        ProfileQuestion.objects.filter(lens=lens).select_related("lens"),
    )
    text = serializers.serialize("json", rows, use_natural_foreign_keys=True, use_natural_primary_keys=True)
    return json.loads(text)


def _same(entries: list[dict], stored: list[dict]) -> bool:
    """Whether the fixture's rows are the stored rows: the same rows, each field the fixture gives equal."""
    stored_by_key = {_row_key(entry): entry["fields"] for entry in stored}
    if len(stored_by_key) != len(entries):
        return False
    for entry in entries:
        fields = stored_by_key.get(_row_key(entry))
        model = apps.get_model(entry["model"])
        if fields is None or any(
            not _equal(model._meta.get_field(name), value, fields.get(name)) for name, value in entry["fields"].items()
        ):
            return False
    return True


def _row_key(entry: dict) -> tuple:
    """A row's identity: its model and the values of its unique constraint (e.g. pillar and code)."""
    model = apps.get_model(entry["model"])
    (unique,) = (c for c in model._meta.constraints if isinstance(c, models.UniqueConstraint))
    return (model, *(json.dumps(entry["fields"].get(name)) for name in unique.fields))


def _equal(field: models.Field, fixture_value: Any, stored_value: Any) -> bool:
    if field.many_to_many:
        return sorted(map(json.dumps, fixture_value or [])) == sorted(map(json.dumps, stored_value or []))
    if field.is_relation:
        return fixture_value == stored_value
    return field.to_python(fixture_value) == field.to_python(stored_value)
