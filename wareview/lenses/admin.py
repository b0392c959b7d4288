"""Admin for question sets: lens → the workload profile's questions and pillars → questions → choices and risk
rules.

A published lens is read-only here; the "Create a new draft version" action copies it for editing.
"""

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse

from wareview.audit.services import client_ip
from wareview.lenses import services
from wareview.lenses.checks import MappingCheck
from wareview.lenses.conditions import (
    applicability_problem,
    check_profile_condition,
    code_problem,
    option_problems,
    repeated_facts,
)
from wareview.lenses.interchange import LensImportError, lens_export, lens_import
from wareview.lenses.models import (
    Choice,
    DesignPrinciple,
    FocusArea,
    Lens,
    Pillar,
    ProfileQuestion,
    Question,
    RiskRule,
)
from wareview.lenses.risk import RuleError, check_condition
from wareview.lenses.selectors import lens_profile_facts


def lens_of(obj: object) -> Lens | None:
    """The lens an admin object belongs to (inlines receive their parent object)."""
    if isinstance(obj, Lens):
        return obj
    if isinstance(obj, Pillar | ProfileQuestion):
        return obj.lens
    if isinstance(obj, DesignPrinciple | FocusArea | Question):
        return obj.pillar.lens
    if isinstance(obj, Choice | RiskRule):
        return obj.question.pillar.lens
    return None


if TYPE_CHECKING:
    # The mixin's super() calls reach the admin class it is mixed into: a ModelAdmin or an inline.
    _AdminBase = admin.options.BaseModelAdmin[Any]
else:
    _AdminBase = object


class PublishedLensReadOnly(_AdminBase):
    """Nothing under a published lens can be added, changed or deleted in place."""

    def _editable(self, obj: object) -> bool:
        lens = lens_of(obj)
        return lens is None or not lens.is_published

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return super().has_change_permission(request, obj) and self._editable(obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return super().has_delete_permission(request, obj) and self._editable(obj)

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if self._is_inline():  # an inline's has_add_permission also takes the parent object
            allowed = cast("admin.options.InlineModelAdmin[Any, Any]", super()).has_add_permission(request, obj)
        else:
            allowed = super().has_add_permission(request)
        return allowed and self._editable(obj)

    def _is_inline(self) -> bool:
        return isinstance(self, admin.options.InlineModelAdmin)


class LensUploadForm(forms.Form):
    file = forms.FileField(label="Lens file", help_text="An AWS custom-lens JSON file.")
    slug = forms.SlugField(required=False, help_text="Optional; an existing slug gets a new draft version.")

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        limit = settings.LENS_UPLOAD_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is {filesizeformat(upload.size)}; lens files may be at most {filesizeformat(limit)}. "
                "Check that this is a lens file, or ask whoever runs wareview to raise LENS_UPLOAD_MAX_BYTES."
            )
        return upload


class PillarInline(PublishedLensReadOnly, admin.TabularInline):
    model = Pillar
    fields = ["order", "code", "name"]
    extra = 0
    show_change_link = True


class ProfileQuestionForm(forms.ModelForm):
    """A profile question: a well-formed code, and options that are two or more `{"code", "label"}` or none (a
    yes/no question)."""

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        problem = code_problem(code)
        if problem:
            raise forms.ValidationError(problem, code="invalid_code")
        return str(code)

    def clean_options(self) -> list:
        options = self.cleaned_data.get("options")
        if options in (None, "", []):
            return []
        problems = option_problems(options)
        if problems:
            raise forms.ValidationError([f"options{where}: {message}" for where, message in problems])
        assert isinstance(options, list)  # anything else is a problem above
        return options


class ProfileQuestionFormSet(forms.BaseInlineFormSet):
    """Each fact once in the lens: a yes/no question's code, an option's code."""

    def clean(self) -> None:
        super().clean()
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and not form.errors
        ]
        repeated = repeated_facts((data["code"], data["options"]) for data in kept)
        if repeated:
            raise forms.ValidationError(
                [f"The fact '{fact}' is given twice (first by the question {first})." for fact, first in repeated]
            )


class ProfileQuestionInline(PublishedLensReadOnly, admin.StackedInline):
    """The workload profile's questions; their codes (yes/no) and options' codes are the facts conditions name."""

    model = ProfileQuestion
    form = ProfileQuestionForm
    formset = ProfileQuestionFormSet
    fields = [("order", "code"), "title", "description", "options"]
    extra = 0


@admin.register(Lens)
class LensAdmin(PublishedLensReadOnly, admin.ModelAdmin):
    list_display = ["name", "slug", "version", "status", "published_at"]
    list_filter = ["status"]
    search_fields = ["name", "slug", "description"]
    readonly_fields = ["status", "published_at", "created_at"]
    fields = ["name", "slug", "version", "description", "status", "published_at", "created_at"]
    inlines = [ProfileQuestionInline, PillarInline]
    actions = ["publish", "new_draft"]

    def get_urls(self) -> list:
        own = [
            path("import/", self.admin_site.admin_view(self.import_view), name="lenses_lens_import"),
            path("<int:pk>/export/", self.admin_site.admin_view(self.export_view), name="lenses_lens_export"),
        ]
        return own + super().get_urls()

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload an AWS custom-lens JSON file; it becomes a draft lens, or nothing at all."""
        if not self.has_add_permission(request):
            raise PermissionDenied("You may not add question sets.")
        form = LensUploadForm(request.POST or None, request.FILES or None)
        errors: list[str] = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = lens_import(
                    text=upload.read(),
                    slug=form.cleaned_data["slug"] or None,
                    by=cast(User, request.user),
                    ip=client_ip(request),
                )
            except LensImportError as error:
                errors = error.errors
            else:
                for warning in result.warnings:
                    self.message_user(request, f"Warning: {warning}", messages.WARNING)
                self.message_user(request, f"Imported {result.lens.name} as draft v{result.lens.version}.")
                return redirect("admin:lenses_lens_change", result.lens.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": "Import a lens file",
            "form": form,
            "errors": errors,
            "opts": self.model._meta,
        }
        status = 400 if (errors or form.errors) else 200
        return TemplateResponse(request, "admin/lenses/lens/import.html", context, status=status)

    def export_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Download the lens as AWS custom-lens JSON."""
        if not self.has_view_permission(request):
            raise PermissionDenied("You may not see question sets.")
        lens = get_object_or_404(Lens, pk=pk)
        result = lens_export(lens=lens)
        response = HttpResponse(
            json.dumps(result.document, indent=2, ensure_ascii=False), content_type="application/json"
        )
        response["Content-Disposition"] = f'attachment; filename="{lens.slug}-v{lens.version}.json"'
        return response

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if object_id:
            extra_context = {
                **(extra_context or {}),
                "export_url": reverse("admin:lenses_lens_export", args=[object_id]),
            }
        return super().changeform_view(request, object_id, form_url, extra_context)

    @admin.action(description="Publish the selected drafts")
    def publish(self, request: HttpRequest, queryset: QuerySet[Lens]) -> None:
        for lens in queryset:
            try:
                published = services.lens_publish(lens=lens, by=cast(User, request.user), ip=client_ip(request))
            except services.LensStateError as error:
                self.message_user(request, str(error), messages.WARNING)
            else:
                self.message_user(request, f"Published {published.name} v{published.version}.")

    @admin.action(description="Create a new draft version (a full copy) of the selected lenses")
    def new_draft(self, request: HttpRequest, queryset: QuerySet[Lens]) -> None:
        for lens in queryset:
            draft = services.lens_new_draft(lens=lens)
            self.message_user(request, f"Created draft {draft.name} v{draft.version} from v{lens.version}.")


class DesignPrincipleInline(PublishedLensReadOnly, admin.TabularInline):
    model = DesignPrinciple
    fields = ["order", "code", "name", "description"]
    extra = 0


class FocusAreaInline(PublishedLensReadOnly, admin.TabularInline):
    model = FocusArea
    fields = ["order", "code", "name", "parent"]
    extra = 0


class QuestionInline(PublishedLensReadOnly, admin.TabularInline):
    model = Question
    fields = ["order", "code", "title", "focus_area"]
    extra = 0
    show_change_link = True


@admin.register(Pillar)
class PillarAdmin(PublishedLensReadOnly, admin.ModelAdmin):
    list_display = ["name", "code", "lens"]
    list_filter = ["lens"]
    search_fields = ["name", "code"]
    inlines = [DesignPrincipleInline, FocusAreaInline, QuestionInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Pillar]:
        # The page and its inlines ask whether the lens is published: load it in the same query.
        return super().get_queryset(request).select_related("lens")

    fields = ["lens", "order", "code", "name", "description"]


class ReplacesForm(forms.ModelForm):
    """Checks `replaces` (the upgrade mapping) as `check_lenses` does: well formed, and naming what the lens's
    previous published version has. `mapping` is None when the lens is not known yet (a new question)."""

    of_choice: bool = False

    def __init__(self, *args: Any, mapping: MappingCheck | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mapping = mapping

    def clean_replaces(self) -> list:
        replaces = self.cleaned_data.get("replaces")
        if replaces in (None, ""):
            return []
        problems = (self._mapping() or MappingCheck.format_only()).problems(replaces, of_choice=self.of_choice)
        if problems:
            raise forms.ValidationError(problems, code="invalid_replaces")
        assert isinstance(replaces, list)  # a value that is not a list is a problem above
        return replaces

    def _mapping(self) -> MappingCheck | None:
        return self.mapping


# The profile facts of the lens a form's row belongs to, read when first needed; None when it is not known yet.
LensFacts = Callable[[], frozenset[str] | None]


def profile_condition(condition: str, facts: frozenset[str] | None) -> str:
    """A condition over the lens's profile facts, checked with the risk rules' parser; blank is none."""
    condition = condition.strip()
    if condition and facts is not None:
        try:
            check_profile_condition(condition, facts)
        except RuleError as error:
            raise forms.ValidationError(error.message, code="invalid_condition") from error
    return condition


class ChoiceForm(ReplacesForm):
    """Also checks the practice's condition against the lens's profile (`facts`), and that a practice that always
    applies has none, nor "None of these" either."""

    of_choice = True

    def __init__(self, *args: Any, facts: LensFacts = lambda: None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.facts = facts

    def clean_applies_when(self) -> str:
        return profile_condition(self.cleaned_data.get("applies_when") or "", self.facts())

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        problem = applicability_problem(
            always_applies=bool(cleaned.get("always_applies")),
            applies_when=cleaned.get("applies_when") or "",
            is_none=bool(cleaned.get("is_none")),
        )
        if problem:
            raise forms.ValidationError(problem[0].upper() + problem[1:] + ".", code="applicability")
        return cleaned


class QuestionForm(ReplacesForm):
    def _mapping(self) -> MappingCheck | None:
        pillar = self.cleaned_data.get("pillar")
        return MappingCheck.of(pillar.lens) if pillar is not None else None

    def clean_first_when(self) -> str:
        pillar = self.cleaned_data.get("pillar")
        facts = lens_profile_facts(lens_id=pillar.lens_id) if pillar is not None else None
        return profile_condition(self.cleaned_data.get("first_when") or "", facts)


class ChoiceInline(PublishedLensReadOnly, admin.StackedInline):
    model = Choice
    form = ChoiceForm
    fields = [
        ("order", "code", "is_none"),
        "title",
        "description",
        ("helpful_resource_text", "helpful_resource_url"),
        ("improvement_text", "improvement_url"),
        "verification",
        ("effort", "impact"),
        ("applies_when", "always_applies"),
        "principles",
        ("replaces", "replaces_needs_all"),
    ]
    extra = 0
    filter_horizontal = ["principles"]


class RiskRuleForm(forms.ModelForm):
    """Checks the condition with the risk-rule parser against the question's choice codes."""

    def __init__(self, *args: Any, known_codes: frozenset[str] = frozenset(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.known_codes = known_codes

    def clean_condition(self) -> str:
        condition = self.cleaned_data["condition"]
        try:
            check_condition(condition, self.known_codes)
        except RuleError as error:
            raise forms.ValidationError(str(error), code="invalid_condition") from error
        return condition


class RiskRuleInline(PublishedLensReadOnly, admin.TabularInline):
    model = RiskRule
    form = RiskRuleForm
    fields = ["order", "condition", "risk"]
    extra = 0


@admin.register(Question)
class QuestionAdmin(PublishedLensReadOnly, admin.ModelAdmin):
    list_display = ["code", "title", "focus_area", "pillar"]
    list_filter = ["pillar__lens", "focus_area"]
    search_fields = ["code", "title", "description", "choices__title"]
    list_select_related = ["focus_area", "pillar"]
    fields = [
        "pillar",
        "focus_area",
        "order",
        "code",
        "title",
        "description",
        ("helpful_resource_text", "helpful_resource_url"),
        "first_when",
        "replaces",
    ]
    form = QuestionForm
    inlines = [ChoiceInline, RiskRuleInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Question]:
        # The page and its inlines ask whether the lens is published: load it in the same query.
        return super().get_queryset(request).select_related("pillar__lens")

    def get_formset_kwargs(
        self, request: HttpRequest, obj: Question, inline: "admin.options.InlineModelAdmin[Any, Question]", prefix: str
    ) -> dict[str, Any]:
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, RiskRuleInline):
            kwargs["form_kwargs"] = {"known_codes": submitted_choice_codes(request, obj)}
        if isinstance(inline, ChoiceInline) and request.method == "POST":
            lens = obj.pillar.lens if obj is not None and obj.pk else None
            kwargs["form_kwargs"] = {"mapping": MappingCheck.of(lens) if lens else None, "facts": lens_facts(obj)}
        return kwargs


def lens_facts(question: Question | None) -> LensFacts:
    """The profile facts of the question's lens, read once when a choice's condition is first checked: by then
    the question page's own form has given a new question its pillar."""
    read: list[frozenset[str] | None] = []

    def facts() -> frozenset[str] | None:
        if not read:
            pillar = question.pillar if question is not None and question.pillar_id is not None else None
            read.append(lens_profile_facts(lens_id=pillar.lens_id) if pillar is not None else None)
        return read[0]

    return facts


def submitted_choice_codes(request: HttpRequest, question: Question | None) -> frozenset[str]:
    """The choice codes the question will have once this admin form is saved.

    Rules are checked against the choices submitted in the same form, so that adding a choice and a rule
    naming it works in one save.
    """
    if request.method != "POST":
        if question is None or question.pk is None:
            return frozenset()
        return frozenset(question.choices.values_list("code", flat=True))
    total = int(request.POST.get("choices-TOTAL_FORMS", 0) or 0)
    return frozenset(
        request.POST[f"choices-{index}-code"].strip()
        for index in range(total)
        if request.POST.get(f"choices-{index}-code") and not request.POST.get(f"choices-{index}-DELETE")
    )
