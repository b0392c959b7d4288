"""A lens is a versioned question set: pillars → principles, focus areas, questions → choices, risk rules.

Every row has a natural key built from its lens's (slug, version) and a stable code, so fixtures and lens
files load repeatably. Codes are unique within their parent: question codes within a lens, choice codes within
a question (published lenses reuse choice codes across questions).
"""

from django.db import models
from django.utils import timezone


class Risk(models.TextChoices):
    HIGH = "HIGH_RISK", "High risk"
    MEDIUM = "MEDIUM_RISK", "Medium risk"
    NONE = "NO_RISK", "No risk"


class LensManager(models.Manager["Lens"]):
    def get_by_natural_key(self, slug: str, version: int) -> "Lens":
        return self.get(slug=slug, version=version)


class LensQuerySet(models.QuerySet["Lens"]):
    def published(self) -> "LensQuerySet":
        return self.filter(status=Lens.Status.PUBLISHED)


class Lens(models.Model):
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

    class Meta:
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


class Pillar(models.Model):
    lens = models.ForeignKey(Lens, on_delete=models.CASCADE, related_name="pillars")
    code = models.CharField(max_length=128)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)
    extra = models.JSONField(default=dict, blank=True)

    objects = PillarManager()

    class Meta:
        ordering = ["lens_id", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["lens", "code"], name="pillar_unique_code_in_lens")]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple:
        return (*self.lens.natural_key(), self.code)

    natural_key.dependencies = ["lenses.lens"]


class PillarPartManager(models.Manager):
    def get_by_natural_key(self, slug: str, version: int, pillar_code: str, code: str) -> models.Model:
        return self.get(pillar__lens__slug=slug, pillar__lens__version=version, pillar__code=pillar_code, code=code)


class DesignPrinciple(models.Model):
    pillar = models.ForeignKey(Pillar, on_delete=models.CASCADE, related_name="principles")
    code = models.CharField(max_length=128)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)

    objects = PillarPartManager()

    class Meta:
        ordering = ["pillar_id", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["pillar", "code"], name="principle_unique_code_in_pillar")]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple:
        return (*self.pillar.natural_key(), self.code)

    natural_key.dependencies = ["lenses.pillar"]


class FocusArea(models.Model):
    """A group of questions in a pillar; an area may sit inside another (Selection → compute, storage…)."""

    pillar = models.ForeignKey(Pillar, on_delete=models.CASCADE, related_name="focus_areas")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children")
    code = models.CharField(max_length=128)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)

    objects = PillarPartManager()

    class Meta:
        ordering = ["pillar_id", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["pillar", "code"], name="focus_area_unique_code_in_pillar")]

    def __str__(self) -> str:
        return f"{self.parent.name} › {self.name}" if self.parent_id else self.name

    def natural_key(self) -> tuple:
        return (*self.pillar.natural_key(), self.code)

    natural_key.dependencies = ["lenses.pillar"]


class QuestionManager(models.Manager["Question"]):
    def get_by_natural_key(self, slug: str, version: int, code: str) -> "Question":
        return self.get(pillar__lens__slug=slug, pillar__lens__version=version, code=code)


class Question(models.Model):
    pillar = models.ForeignKey(Pillar, on_delete=models.CASCADE, related_name="questions")
    focus_area = models.ForeignKey(FocusArea, on_delete=models.PROTECT, null=True, blank=True, related_name="questions")
    code = models.CharField(max_length=128, help_text="Stable identifier, unique in the lens, e.g. PERF-01.")
    title = models.CharField(max_length=512)
    description = models.TextField("guidance", blank=True)
    helpful_resource_text = models.TextField(blank=True)
    helpful_resource_url = models.URLField(max_length=2048, blank=True)
    order = models.PositiveIntegerField(default=0)
    extra = models.JSONField(default=dict, blank=True)

    objects = QuestionManager()

    class Meta:
        ordering = ["pillar_id", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["pillar", "code"], name="question_unique_code_in_pillar")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def natural_key(self) -> tuple:
        return (*self.pillar.lens.natural_key(), self.code)

    natural_key.dependencies = ["lenses.pillar", "lenses.focusarea"]


class QuestionPartManager(models.Manager):
    def get_by_natural_key(self, slug: str, version: int, question_code: str, key: str | int) -> models.Model:
        field = "code" if self.model is Choice else "order"
        return self.get(
            question__pillar__lens__slug=slug,
            question__pillar__lens__version=version,
            question__code=question_code,
            **{field: key},
        )


class Choice(models.Model):
    """A best practice a team can say it follows; `is_none` marks the exclusive "None of these" choice."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    code = models.CharField(max_length=128)
    title = models.CharField(max_length=512)
    description = models.TextField(blank=True)
    helpful_resource_text = models.TextField(blank=True)
    helpful_resource_url = models.URLField(max_length=2048, blank=True)
    improvement_text = models.TextField("improvement guidance", blank=True)
    improvement_url = models.URLField(max_length=2048, blank=True)
    is_none = models.BooleanField('"None of these"', default=False)
    order = models.PositiveIntegerField(default=0)
    principles = models.ManyToManyField(DesignPrinciple, blank=True, related_name="choices")
    additional_resources = models.JSONField(default=list, blank=True)
    extra = models.JSONField(default=dict, blank=True)

    objects = QuestionPartManager()

    class Meta:
        ordering = ["question_id", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["question", "code"], name="choice_unique_code_in_question")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def natural_key(self) -> tuple:
        return (*self.question.natural_key(), self.code)

    natural_key.dependencies = ["lenses.question", "lenses.designprinciple"]


class RiskRule(models.Model):
    """One rule of a question: when `condition` holds, the question has `risk`. Rules are tried by `order`."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="risk_rules")
    order = models.PositiveIntegerField(default=0)
    condition = models.CharField(max_length=2048)
    risk = models.CharField(max_length=12, choices=Risk.choices)

    objects = QuestionPartManager()

    class Meta:
        ordering = ["question_id", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["question", "order"], name="risk_rule_unique_order")]

    def __str__(self) -> str:
        return f"{self.condition} → {self.get_risk_display()}"

    def natural_key(self) -> tuple:
        return (*self.question.natural_key(), self.order)

    natural_key.dependencies = ["lenses.question", "lenses.choice"]
