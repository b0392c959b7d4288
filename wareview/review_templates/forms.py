"""The forms of review templates: saving a review as a template, and starting a review from a template or from
another review. Every check of what a person submits is here; the services trust what these forms clean."""

from typing import Any

from django import forms

from wareview.lenses.models import Lens
from wareview.review_templates.models import ReviewTemplate
from wareview.review_templates.selectors import PrefillSource, prefill_sources
from wareview.teams.models import Team

NUL_IN_TEXT = "Text cannot contain a NUL character."
NAME_LIMIT = ReviewTemplate._meta.get_field("name").max_length or 120
DESCRIPTION_LIMIT = ReviewTemplate._meta.get_field("description").max_length or 2000


class TemplateSaveForm(forms.Form):
    name = forms.CharField(
        max_length=NAME_LIMIT,
        error_messages={
            "required": "Give the template a name.",
            "max_length": "A template's name can be at most %(limit_value)d characters; this one has %(show_value)d.",
            "null_characters_not_allowed": NUL_IN_TEXT,
        },
    )
    description = forms.CharField(
        required=False,
        max_length=DESCRIPTION_LIMIT,
        error_messages={
            "max_length": "A description can be at most %(limit_value)d characters; this one has %(show_value)d.",
            "null_characters_not_allowed": NUL_IN_TEXT,
        },
    )


class LensChoiceForm(forms.Form):
    """The question set a new review is started on (the first step of "Start from a template")."""

    lens = forms.ModelChoiceField(
        queryset=Lens.objects.published(),
        error_messages={
            "required": "Choose the question set to review against.",
            "invalid_choice": "That question set does not exist or is not published; choose one from the list.",
        },
    )


class StartFromForm(LensChoiceForm):
    """The question set and what to pre-fill the new review from: one of the team's templates or reviews on that
    question set (`selectors.prefill_sources`); `cleaned_data["source"]` is the chosen `PrefillSource`."""

    source = forms.CharField(error_messages={"required": "Choose a template or a review to start from."})

    def __init__(self, data: Any = None, *, team: Team) -> None:
        super().__init__(data)
        self.team = team

    def clean(self) -> dict:
        super().clean()
        cleaned = self.cleaned_data
        lens, key = cleaned.get("lens"), cleaned.get("source")
        if lens is None or key is None:
            return cleaned
        sources = {source.key: source for source in prefill_sources(team=self.team, lens=lens)}
        if key not in sources:
            raise forms.ValidationError(
                "That is not a template or a review of this team on this question set; choose one from the list."
            )
        cleaned["source"] = sources[key]
        return cleaned

    def chosen_source(self) -> PrefillSource:
        return self.cleaned_data["source"]


def first_error(form: forms.Form) -> str:
    """One message for the person: the first problem of a form that did not validate."""
    return str(next(iter(form.errors.values()))[0])
