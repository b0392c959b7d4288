"""A lens is a versioned question set: pillars → principles, focus areas, questions → choices, risk rules.

Every row has a natural key built from its lens's (slug, version) and a stable code, so fixtures and lens
files load repeatably. Codes are unique within their parent: question codes within a lens, choice codes within
a question (published lenses reuse choice codes across questions).

A published lens never changes: every write to its rows is refused here, whatever the path (see "Published
lenses never change" below).
"""

import operator
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import reduce
from typing import Any, ClassVar, TypeVar

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models import Q
from django.utils import timezone

from wareview.lib import practice_scales, risk_levels


class LensStateError(Exception):
    """An action that the lens's status does not allow (publishing twice, editing a published lens)."""


class PublishedLensError(LensStateError):
    """A write to a row of a published lens, which never changes: a change needs a new draft version."""


class Risk(models.TextChoices):
    """What a risk rule gives: the first three levels of `wareview.lib.risk_levels`."""

    HIGH = risk_levels.HIGH.value, risk_levels.HIGH.label
    MEDIUM = risk_levels.MEDIUM.value, risk_levels.MEDIUM.label
    NONE = risk_levels.NONE.value, risk_levels.NONE.label


# Published lenses never change.
#
# Reviews point at the rows of a published lens, so those rows are never written again. The guard sits on the
# model layer and covers every ORM path: saves (also fixture loads, which call save_base with raw=True and skip
# save()) through a pre_save receiver; Model.delete and QuerySet.delete (cascades start at one of these, and
# stay within one lens); QuerySet.update (which bulk_update uses) and bulk_create; the choice ↔ principle links
# through m2m_changed. Every model's base manager is its guarded manager, so `_base_manager` is no way round.
# Two writes are allowed: those to a draft's rows (a new draft version is a draft from its first row), and
# publishing a draft (its lens row is a draft in the database when saved). Raw SQL, and the auto-created
# choice ↔ principle link table used directly, are not guarded.


class LensRow(models.Model):
    """A row of a lens; `lens_path` leads from the row to its lens ("" on the lens itself)."""

    lens_path: ClassVar[str]

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        refusal = write_refusal(self, raw=False, using=self._state.db or DEFAULT_DB_ALIAS)
        if refusal:
            raise ValidationError(refusal, code="published_lens")

    def delete(self, using: str | None = None, keep_parents: bool = False) -> tuple[int, dict[str, int]]:
        model = type(self)
        refuse(published_lenses(model._base_manager.using(using).filter(pk=self.pk)), model, "delete")
        return super().delete(using=using, keep_parents=keep_parents)


class LensRowQuerySet(models.QuerySet):
    """Refuses bulk writes that would change a published lens."""

    def update(self, **changes: Any) -> int:
        refuse(published_lenses(self, *_parents_of(self.model, [changes])), self.model, "change")
        return super().update(**changes)

    def delete(self) -> tuple[int, dict[str, int]]:
        refuse(published_lenses(self), self.model, "delete")
        return super().delete()

    def bulk_create(self, objs: Iterable[Any], *args: Any, **kwargs: Any) -> list:
        objs = list(objs)
        if self.model is Lens and any(lens.status == Lens.Status.PUBLISHED for lens in objs):
            raise PublishedLensError(PUBLISH_A_DRAFT)
        if not {_cached_lens_id(obj) for obj in objs} <= _new_drafts.get():
            refuse(published_lenses(*_parents_of(self.model, [vars(obj) for obj in objs])), self.model, "add")
        return super().bulk_create(objs, *args, **kwargs)


_NaturalKey = TypeVar("_NaturalKey", bound=Callable[..., tuple[Any, ...]])


def natural_key_dependencies(*labels: str) -> Callable[[_NaturalKey], _NaturalKey]:
    """Mark a `natural_key` method with the models that serializers must write first.

    The same as `natural_key.dependencies = [...]` under the method (Django's documented way), in a form that
    type checkers accept: they see no attribute `dependencies` on a function.
    """

    def mark(natural_key: _NaturalKey) -> _NaturalKey:
        vars(natural_key)["dependencies"] = list(labels)
        return natural_key

    return mark


class LensManager(models.Manager["Lens"]):
    def get_by_natural_key(self, slug: str, version: int) -> "Lens":
        return self.get(slug=slug, version=version)


class LensQuerySet(LensRowQuerySet):
    def published(self) -> "LensQuerySet":
        return self.filter(status=Lens.Status.PUBLISHED)


class Lens(LensRow, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    slug = models.SlugField(max_length=100)
    version = models.PositiveIntegerField(default=1)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    # Keys of an imported lens file that wareview does not model (such as "_version"), given back on export.
    extra = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = LensManager.from_queryset(LensQuerySet)()
    lens_path = ""

    class Meta:
        base_manager_name = "objects"
        ordering = ["slug", "-version"]
        verbose_name_plural = "lenses"
        constraints = [models.UniqueConstraint(fields=["slug", "version"], name="lens_unique_slug_version")]

    def __str__(self) -> str:
        return f"{self.name} v{self.version} ({self.get_status_display().lower()})"

    def natural_key(self) -> tuple[str, int]:
        return (self.slug, self.version)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class PillarManager(models.Manager["Pillar"]):
    def get_by_natural_key(self, slug: str, version: int, code: str) -> "Pillar":
        return self.get(lens__slug=slug, lens__version=version, code=code)


class Pillar(LensRow, models.Model):
    lens = models.ForeignKey(Lens, on_delete=models.CASCADE, related_name="pillars")
    code = models.CharField(max_length=128)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)
    extra = models.JSONField(default=dict, blank=True)

    objects = PillarManager.from_queryset(LensRowQuerySet)()
    lens_path = "lens"

    class Meta:
        base_manager_name = "objects"
        ordering = ["lens_id", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["lens", "code"], name="pillar_unique_code_in_lens")]

    def __str__(self) -> str:
        return self.name

    @natural_key_dependencies("lenses.lens")
    def natural_key(self) -> tuple:
        return (*self.lens.natural_key(), self.code)


class PillarPartManager(models.Manager):
    def get_by_natural_key(self, slug: str, version: int, pillar_code: str, code: str) -> models.Model:
        return self.get(pillar__lens__slug=slug, pillar__lens__version=version, pillar__code=pillar_code, code=code)


class DesignPrinciple(LensRow, models.Model):
    pillar = models.ForeignKey(Pillar, on_delete=models.CASCADE, related_name="principles")
    code = models.CharField(max_length=128)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)

    objects = PillarPartManager.from_queryset(LensRowQuerySet)()
    lens_path = "pillar__lens"

    class Meta:
        base_manager_name = "objects"
        ordering = ["pillar_id", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["pillar", "code"], name="principle_unique_code_in_pillar")]

    def __str__(self) -> str:
        return self.name

    @natural_key_dependencies("lenses.pillar")
    def natural_key(self) -> tuple:
        return (*self.pillar.natural_key(), self.code)


class FocusArea(LensRow, models.Model):
    """A group of questions in a pillar; an area may sit inside another (Selection → compute, storage…)."""

    pillar = models.ForeignKey(Pillar, on_delete=models.CASCADE, related_name="focus_areas")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children")
    code = models.CharField(max_length=128)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)

    objects = PillarPartManager.from_queryset(LensRowQuerySet)()
    lens_path = "pillar__lens"

    class Meta:
        base_manager_name = "objects"
        ordering = ["pillar_id", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["pillar", "code"], name="focus_area_unique_code_in_pillar")]

    def __str__(self) -> str:
        return f"{self.parent.name} › {self.name}" if self.parent else self.name

    @natural_key_dependencies("lenses.pillar")
    def natural_key(self) -> tuple:
        return (*self.pillar.natural_key(), self.code)


class QuestionManager(models.Manager["Question"]):
    def get_by_natural_key(self, slug: str, version: int, code: str) -> "Question":
        return self.get(pillar__lens__slug=slug, pillar__lens__version=version, code=code)


class Question(LensRow, models.Model):
    pillar = models.ForeignKey(Pillar, on_delete=models.CASCADE, related_name="questions")
    # RESTRICT, not PROTECT: an area with questions is not deleted alone, but a whole draft lens or pillar is.
    focus_area = models.ForeignKey(
        FocusArea, on_delete=models.RESTRICT, null=True, blank=True, related_name="questions"
    )
    code = models.CharField(max_length=128, help_text="Stable identifier, unique in the lens, e.g. PERF-01.")
    title = models.CharField(max_length=512)
    description = models.TextField("guidance", blank=True)
    helpful_resource_text = models.TextField(blank=True)
    helpful_resource_url = models.URLField(max_length=2048, blank=True)
    order = models.PositiveIntegerField(default=0)
    extra = models.JSONField(default=dict, blank=True)
    replaces = models.JSONField(
        default=list,
        blank=True,
        help_text=(
            "Upgrade mapping: a JSON list of question codes of the lens's previous version whose answers this "
            'question takes over, e.g. ["PERF_02", "PERF_03"]. Empty: the question with this code.'
        ),
    )
    first_when = models.CharField(
        "ask first when",
        max_length=2048,
        blank=True,
        help_text=(
            "A condition over the workload profile's answers (see ProfileQuestion); when it holds for a "
            "workload, its reviews ask this question first, e.g. latency_critical. Empty: lens order."
        ),
    )

    objects = QuestionManager.from_queryset(LensRowQuerySet)()
    lens_path = "pillar__lens"

    class Meta:
        base_manager_name = "objects"
        ordering = ["pillar_id", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["pillar", "code"], name="question_unique_code_in_pillar")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @natural_key_dependencies("lenses.pillar", "lenses.focusarea")
    def natural_key(self) -> tuple:
        return (*self.pillar.lens.natural_key(), self.code)


class QuestionPartManager(models.Manager):
    def get_by_natural_key(self, slug: str, version: int, question_code: str, key: str | int) -> models.Model:
        field = "code" if self.model is Choice else "order"
        return self.get(
            question__pillar__lens__slug=slug,
            question__pillar__lens__version=version,
            question__code=question_code,
            **{field: key},
        )


class Choice(LensRow, models.Model):
    """A best practice a team can say it follows; `is_none` marks the exclusive "None of these" choice.

    `verification`, `effort` and `impact` are wareview's own (AWS lens files have no such keys): how to check
    that the practice is followed, and how much work it takes and changes (`wareview.lib.practice_scales`);
    blank when the lens does not say. Lens files carry them under the choice's "wareview" key, with `replaces`
    (the upgrade mapping, see `wareview.lenses.mapping`).
    """

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    code = models.CharField(max_length=128)
    title = models.CharField(max_length=512)
    description = models.TextField(blank=True)
    helpful_resource_text = models.TextField(blank=True)
    helpful_resource_url = models.URLField(max_length=2048, blank=True)
    improvement_text = models.TextField("improvement guidance", blank=True)
    improvement_url = models.URLField(max_length=2048, blank=True)
    is_none = models.BooleanField('"None of these"', default=False)
    verification = models.TextField(
        "how to verify",
        blank=True,
        help_text="How to check that the practice is followed: the artefact or signal to look at, the question to ask.",
    )
    effort = models.CharField(max_length=6, choices=practice_scales.EFFORT, blank=True)
    impact = models.CharField(max_length=6, choices=practice_scales.IMPACT, blank=True)
    order = models.PositiveIntegerField(default=0)
    applies_when = models.CharField(
        max_length=2048,
        blank=True,
        help_text=(
            "A condition over the workload profile's answers (see ProfileQuestion), e.g. keeps_cache; when it is "
            'false for a workload, the practice is marked "does not apply" there. Empty: always asked.'
        ),
    )
    always_applies = models.BooleanField(
        default=False, help_text='The practice cannot be marked "does not apply" (a basic no workload is without).'
    )
    principles = models.ManyToManyField(DesignPrinciple, blank=True, related_name="choices")
    additional_resources = models.JSONField(default=list, blank=True)
    extra = models.JSONField(default=dict, blank=True)
    replaces = models.JSONField(
        default=list,
        blank=True,
        help_text=(
            'Upgrade mapping: a JSON list of "<old question code>/<old choice code>" of the lens\'s previous '
            'version; a tick (or "does not apply" mark) on any of them becomes one here, e.g. '
            '["PERF_03/perf_storage_metrics"]. Empty: this code in each question the question takes over.'
        ),
    )
    replaces_needs_all = models.BooleanField(
        "credited only when all it replaces was",
        default=False,
        help_text=(
            "Upgrade mapping of a practice that merges stricter ones: a review moving to this version is "
            "credited with it only when every practice in `replaces` was ticked (or did not apply); otherwise "
            "the upgrade leaves it unticked and says so."
        ),
    )

    objects = QuestionPartManager.from_queryset(LensRowQuerySet)()
    lens_path = "question__pillar__lens"

    class Meta:
        base_manager_name = "objects"
        ordering = ["question_id", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["question", "code"], name="choice_unique_code_in_question")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @natural_key_dependencies("lenses.question", "lenses.designprinciple")
    def natural_key(self) -> tuple:
        return (*self.question.natural_key(), self.code)


class ProfileQuestionManager(models.Manager["ProfileQuestion"]):
    def get_by_natural_key(self, slug: str, version: int, code: str) -> "ProfileQuestion":
        return self.get(lens__slug=slug, lens__version=version, code=code)


class ProfileQuestion(LensRow, models.Model):
    """A question of the lens's workload profile: a short business-context questionnaire answered once per
    workload, whose answers decide which practices apply (`Choice.applies_when`) and which questions come first
    (`Question.first_when`).

    A question without `options` is answered yes or no, and its code is a fact that is true on "yes". A question
    with options (`[{"code": "...", "label": "..."}]`, two or more) is answered by one of them, and each option's
    code is a fact that is true when it is the one chosen. Conditions use the risk rules' grammar over these facts
    (`wareview.lenses.risk`); fact codes are unique in the lens. Lens files carry the questions under the lens's
    "wareview" key as `profile`.
    """

    lens = models.ForeignKey(Lens, on_delete=models.CASCADE, related_name="profile_questions")
    code = models.CharField(max_length=128)
    title = models.CharField(max_length=512)
    description = models.TextField(blank=True)
    options = models.JSONField(default=list, blank=True)
    order = models.PositiveIntegerField(default=0)

    objects = ProfileQuestionManager.from_queryset(LensRowQuerySet)()
    lens_path = "lens"

    class Meta:
        base_manager_name = "objects"
        ordering = ["lens_id", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["lens", "code"], name="profile_question_unique_code")]

    def __str__(self) -> str:
        return self.title

    @natural_key_dependencies("lenses.lens")
    def natural_key(self) -> tuple:
        return (*self.lens.natural_key(), self.code)


class RiskRule(LensRow, models.Model):
    """One rule of a question: when `condition` holds, the question has `risk`. Rules are tried by `order`."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="risk_rules")
    order = models.PositiveIntegerField(default=0)
    condition = models.CharField(max_length=2048)
    risk = models.CharField(max_length=12, choices=Risk.choices)

    objects = QuestionPartManager.from_queryset(LensRowQuerySet)()
    lens_path = "question__pillar__lens"

    class Meta:
        base_manager_name = "objects"
        ordering = ["question_id", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["question", "order"], name="risk_rule_unique_order")]

    def __str__(self) -> str:
        return f"{self.condition} → {self.get_risk_display()}"

    @natural_key_dependencies("lenses.question", "lenses.choice")
    def natural_key(self) -> tuple:
        return (*self.question.natural_key(), self.order)


class PracticeCheckManager(models.Manager["PracticeCheck"]):
    def get_by_natural_key(
        self, slug: str, version: int, question_code: str, choice_code: str, tool: str, rule: str, test: str
    ) -> "PracticeCheck":
        return self.get(
            choice__question__pillar__lens__slug=slug,
            choice__question__pillar__lens__version=version,
            choice__question__code=question_code,
            choice__code=choice_code,
            tool=tool,
            rule=rule,
            test=test,
        )


class PracticeCheck(models.Model):
    """A check of a team's own tool that shows a best practice is followed or not: a rule of a code scanner
    (`rule`, its SARIF `ruleId`, e.g. checkov's CKV_AWS_50) or a test (`test`, a test case's name or a glob of
    names in a JUnit report, e.g. a k6 threshold "http_req_duration - p(95)<*"); exactly one of the two.

    Metadata beside a lens version, not part of its frozen content: no model guard stands on it, so the checks of
    a published version may be refreshed (`load_question_sets` does, from the fixture) while its questions,
    practices and rules never change. Lens files carry them under a choice's "wareview" key as `checks`.
    """

    choice = models.ForeignKey(Choice, on_delete=models.CASCADE, related_name="checks")
    # The tool's name as reports give it, in lower case: a SARIF run's tool.driver.name ("checkov"), or "junit".
    tool = models.CharField(max_length=100)
    rule = models.CharField(max_length=255, blank=True)
    test = models.CharField(max_length=512, blank=True)

    objects = PracticeCheckManager()
    # Where the fixture loader finds the lens version of a row (the first key's natural key starts with it).
    lens_path = "choice__question__pillar__lens"

    class Meta:
        ordering = ["choice_id", "tool", "rule", "test"]
        constraints = [
            models.UniqueConstraint(fields=["choice", "tool", "rule", "test"], name="practice_check_unique"),
            models.CheckConstraint(
                condition=(models.Q(rule="") & ~models.Q(test="")) | (~models.Q(rule="") & models.Q(test="")),
                name="practice_check_rule_or_test",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tool} {self.rule or self.test}"

    @natural_key_dependencies("lenses.choice")
    def natural_key(self) -> tuple:
        return (*self.choice.natural_key(), self.tool, self.rule, self.test)


# The guard's helpers: which published lenses a write touches, and the refusal.

PUBLISH_A_DRAFT = "A lens is published by publishing a draft, never created published (fixtures excepted)."


def published_lenses(*rows: models.QuerySet) -> list[Lens]:
    """The published lenses that the given rows (querysets of any lens models) belong to, in one query."""
    owners = [Q(pk__in=queryset.values(_lens_id_path(queryset.model))) for queryset in rows]
    if not owners:
        return []
    using = rows[0].db
    return list(Lens._base_manager.using(using).filter(reduce(operator.or_, owners), status=Lens.Status.PUBLISHED))


def refuse(lenses: list[Lens], model: type[models.Model], verb: str) -> None:
    if lenses:
        raise PublishedLensError(_refusal(lenses[0], model, verb))


def write_refusal(row: LensRow, *, raw: bool, using: str) -> str | None:
    """Why saving `row` would change a published lens, or None when it may be saved.

    A row may not be saved when it belongs to a published lens in the database, or (new or moved) would join
    one. Fixture loads (raw saves) may write the rows of a published lens they are inserting.
    """
    model = type(row)
    existing = [model._base_manager.using(using).filter(pk=row.pk)] if row.pk is not None else []
    lenses = published_lenses(*existing, *_parents_of(model, [vars(row)], using=using))
    if raw:
        lenses = [lens for lens in lenses if not _being_loaded(lens.pk, using)]
    if lenses:
        return _refusal(lenses[0], model, "change" if existing else "add")
    if isinstance(row, Lens) and not raw and row._state.adding and row.status == Lens.Status.PUBLISHED:
        return PUBLISH_A_DRAFT
    return None


def _refusal(lens: Lens, model: type[models.Model], verb: str) -> str:
    what = "it" if model is Lens else f"its {model._meta.verbose_name_plural}"
    return (
        f"{lens.name} v{lens.version} ({lens.slug}) is published, and a published lens never changes: cannot "
        f"{verb} {what}. Create a new draft version to change it."
    )


def _lens_id_path(model: type[LensRow]) -> str:
    return f"{model.lens_path}_id" if model.lens_path else "pk"


def _parents_of(model: type[LensRow], values: list[dict], using: str = DEFAULT_DB_ALIAS) -> list[models.QuerySet]:
    """The parent rows (pillar, question…) that rows with these field values would hang from, as a queryset.

    `values` are keyword arguments of an update or the attributes of new rows; the lens itself has no parent.
    """
    if not model.lens_path:
        return []
    field = model._meta.get_field(model.lens_path.split("__")[0])
    assert isinstance(field, models.ForeignKey) and not isinstance(field.related_model, str)  # lens_path's first step
    ids = set()
    for fields in values:
        parent = fields.get(field.attname, fields.get(field.name))
        ids.add(parent.pk if isinstance(parent, models.Model) else parent)
    ids.discard(None)
    return [field.related_model._base_manager.using(using).filter(pk__in=ids)] if ids else []


# Drafts that a service has just created in its transaction and is filling with bulk inserts (see new_draft_rows).
_new_drafts: ContextVar[frozenset[int]] = ContextVar("new_drafts", default=frozenset())


@contextmanager
def new_draft_rows(lens: Lens) -> Iterator[None]:
    """Bulk inserts of rows of `lens`, a draft created in the current transaction, skip the guard's query.

    Nobody else sees a lens before its transaction commits, so nobody can have published it: importing and
    copying a lens keep their fixed number of queries. The rows must hang from `lens` through parents in memory.
    """
    if lens.is_published:
        raise PublishedLensError(_refusal(lens, Pillar, "add"))
    token = _new_drafts.set(_new_drafts.get() | {lens.pk})
    try:
        yield
    finally:
        _new_drafts.reset(token)


def _cached_lens_id(row: LensRow) -> int | None:
    """The id of the row's lens, from parents already in memory (no query); None when a parent is not."""
    if not row.lens_path:
        return None
    *parents, lens = row.lens_path.split("__")
    for name in parents:
        field = type(row)._meta.get_field(name)
        assert isinstance(field, models.ForeignKey)  # every step of a lens_path is one
        if not field.is_cached(row):
            return None
        row = getattr(row, name)
    return getattr(row, f"{lens}_id")


# A fixture load (loaddata, load_question_sets) inserts a published lens row, then its other rows. The lens it
# inserted stays writable by raw saves until that load's transaction (the innermost atomic block at the time)
# ends; a later load sees a published lens like any other write does.
_loads = threading.local()


def _being_loaded(lens_id: int, using: str) -> bool:
    block = getattr(_loads, "lenses", {}).get((using, lens_id))
    return block is not None and any(active is block for active in connections[using].atomic_blocks)


def _remember_load(lens: Lens, using: str) -> None:
    blocks = connections[using].atomic_blocks
    if blocks:
        active = {key: block for key, block in getattr(_loads, "lenses", {}).items() if _being_loaded(key[1], key[0])}
        _loads.lenses = {**active, (using, lens.pk): blocks[-1]}


# Receivers, connected in apps.py.


def lens_row_pre_save(sender: type[models.Model], instance: LensRow, raw: bool, using: str, **kwargs: Any) -> None:
    refusal = write_refusal(instance, raw=raw, using=using)
    if refusal:
        raise PublishedLensError(refusal)


def lens_post_save(sender: type[Lens], instance: Lens, created: bool, raw: bool, using: str, **kwargs: Any) -> None:
    if raw and created and instance.is_published:
        _remember_load(instance, using)


def principle_links_pre_change(
    sender: type[models.Model],
    instance: models.Model,
    action: str,
    model: type[models.Model],
    pk_set: set[int] | None,
    using: str,
    **kwargs: Any,
) -> None:
    """Links between a published lens's choices and principles never change (fixture loads excepted)."""
    if action not in ("pre_add", "pre_remove", "pre_clear"):
        return
    rows = [type(instance)._base_manager.using(using).filter(pk=instance.pk)]
    if pk_set:
        rows.append(model._base_manager.using(using).filter(pk__in=pk_set))
    lenses = [lens for lens in published_lenses(*rows) if not _being_loaded(lens.pk, using)]
    refuse(lenses, Choice, "change")
