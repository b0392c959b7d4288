"""The portfolio's filters and sorting: a GET form, so a filtered list has an address to share and to export."""

from collections.abc import Mapping
from hashlib import blake2b
from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.models import User

from wareview.lenses.models import Lens
from wareview.teams.models import Team
from wareview.workloads.forms import normalized_tags
from wareview.workloads.models import Environment

COMPLETION_BUCKETS = [
    ("", "Any"),
    ("no_review", "No open review"),
    ("not_started", "Not started (0%)"),
    ("under_half", "Under half (1–49%)"),
    ("over_half", "Half or more (50–99%)"),
    ("complete", "Complete (100%)"),
]
VERIFIED = [
    ("", "Any"),
    ("all", "Every ticked practice verified"),
    ("expired", "Some evidence expired"),
    ("unverified", "Some ticked practices without evidence"),
    ("none_ticked", "No practice ticked"),
]
HIGH_RISKS = [("", "Any"), ("yes", "With high risks"), ("no", "Without high risks")]
SORTS = [
    ("name", "Name"),
    ("team", "Team"),
    ("-high", "Most high risks"),
    ("completion", "Least complete"),
    ("-completion", "Most complete"),
    ("verified", "Least verified"),
    ("-verified", "Most verified"),
]


class PortfolioFilterForm(forms.Form):
    team = forms.ModelChoiceField(queryset=Team.objects.order_by("name"), required=False, empty_label="Every team")
    environment = forms.ChoiceField(choices=[("", "Any"), *Environment.choices], required=False)
    lens = forms.ChoiceField(required=False, help_text="Counts, heatmap and missing practices of this lens only")
    tag = forms.CharField(required=False, max_length=100)
    high_risks = forms.ChoiceField(choices=HIGH_RISKS, required=False, label="High risks")
    completion = forms.ChoiceField(choices=COMPLETION_BUCKETS, required=False, label="Review completion")
    verified = forms.ChoiceField(
        choices=VERIFIED, required=False, label="Verified", help_text="The evidence of the ticked practices"
    )
    sort = forms.ChoiceField(choices=SORTS, required=False, label="Sort by")

    def __init__(self, data: Mapping[str, Any] | None, *, user: User, lenses: list[Lens]) -> None:
        super().__init__(data)
        cast(forms.ModelChoiceField, self.fields["team"]).queryset = Team.objects.filter(
            memberships__user=user
        ).order_by("name")
        cast(forms.ChoiceField, self.fields["lens"]).choices = [("", "Every lens")] + [
            (lens.slug, lens.name) for lens in lenses
        ]

    def digest(self) -> str:
        """A digest of everything the form shows (each field's value and choices, the errors): the page caches
        the form's markup under it. Reads the user's teams (a query) once, for the digest and the drawing alike."""
        team = self.fields["team"]
        team.choices = [choice for choice in team.choices]  # type: ignore[attr-defined]  # list() would count first
        shown = [
            (
                name,
                self[name].value(),
                [(str(value), str(label)) for value, label in getattr(field, "choices", ())],
            )
            for name, field in self.fields.items()
        ]
        errors = self.errors.get_json_data() if self.is_bound else {}
        return blake2b(repr((shown, errors)).encode(), digest_size=16).hexdigest()

    def errors_in_words(self) -> str:
        """Every error after its field's label, for an answer in plain text (the CSV's)."""
        return " ".join(
            f"{self[name].label}: {' '.join(str(error) for error in errors)}" for name, errors in self.errors.items()
        )

    def clean_tag(self) -> str:
        tags = normalized_tags(self.cleaned_data["tag"])
        if len(tags) > 1:
            raise forms.ValidationError("Filter on one tag at a time.")
        return tags[0] if tags else ""

    def selection_in_words(self) -> list[str]:
        """The filters that narrow the selection, one "Label: value" each, for a PDF's cover (valid form only)."""
        words = []
        for name, value in self.cleaned_data.items():
            if not value or name == "sort":
                continue
            field = self.fields[name]
            if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
                value = dict(cast(list[tuple[str, str]], field.choices))[value]
            words.append(f"{field.label or name.replace('_', ' ').capitalize()}: {value}")
        return words

    def stored(self) -> dict[str, Any]:
        """The cleaned filters as JSON can hold them (the team by its id); `portfolio_workloads` reads them back."""
        team = self.cleaned_data.get("team")
        return {**self.cleaned_data, "team": team.pk if team else None}

    def query(self) -> str:
        """The filters as a portfolio page's query string: the page they were chosen on."""
        return urlencode({name: self.data[name] for name in self.fields if self.data.get(name)})
