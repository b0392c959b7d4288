"""The milestones' forms: saving one, and choosing two points to compare. Every check and its message is here."""

from hashlib import blake2b
from typing import Any

from django import forms

from wareview.milestones.models import NAME_MAX_LENGTH, Milestone
from wareview.milestones.selectors import NOW
from wareview.milestones.services import name_taken_message
from wareview.reviews.models import Review
from wareview.workloads.models import Workload

NOT_THIS_WORKLOAD = "That milestone is not one of this workload’s; choose one from the list."


class MilestoneForm(forms.Form):
    name = forms.CharField(
        label="Milestone name",
        max_length=NAME_MAX_LENGTH,
        error_messages={
            "required": "Give the milestone a name.",
            "max_length": "A milestone name can be at most %(limit_value)d characters; this one has %(show_value)d.",
        },
    )
    review = forms.ModelChoiceField(
        queryset=Review.objects.none(),
        error_messages={
            "required": "Choose the review to save.",
            "invalid_choice": "That review is not one of this workload’s; choose one from the list.",
        },
    )

    def __init__(self, *args: Any, workload: Workload, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.workload = workload
        self.fields["review"].queryset = Review.objects.filter(workload=workload)  # type: ignore[attr-defined]

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if Milestone.objects.filter(workload=self.workload, name__iexact=name).exists():
            raise forms.ValidationError(name_taken_message(name))
        return name

    def first_error(self) -> str:
        """One message for the person: the form's first problem."""
        for messages in self.errors.values():
            return str(messages[0])
        return ""


class CompareForm(forms.Form):
    """Two points of the workload: milestones (by id) of the workload, or "now"."""

    before = forms.ChoiceField(label="From")
    after = forms.ChoiceField(label="To")

    def __init__(self, *args: Any, milestones: list[Milestone], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.milestones = {str(milestone.pk): milestone for milestone in milestones}
        choices = [(pk, f"{milestone.name} ({milestone.date_label})") for pk, milestone in self.milestones.items()]
        choices.append((NOW, "Now"))
        for name in ("before", "after"):
            field = self.fields[name]
            field.choices = choices  # type: ignore[attr-defined]
            field.error_messages = {"required": "Choose two points to compare.", "invalid_choice": NOT_THIS_WORKLOAD}

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        if not self.errors and cleaned["before"] == cleaned["after"]:
            raise forms.ValidationError("Choose two different points to compare.")
        return cleaned

    def digest(self) -> str:
        """A digest of everything the form shows (its points and the two chosen): the page caches its markup
        under it, with the workload's id."""
        shown = (self.fields["before"].choices, self["before"].value(), self["after"].value())  # type: ignore[attr-defined]
        return blake2b(repr(shown).encode(), digest_size=16).hexdigest()

    def milestone(self, side: str) -> Milestone | None:
        """The milestone chosen for `side` ("before" or "after"), or None for now."""
        return self.milestones.get(self.cleaned_data[side])

    def first_error(self) -> str:
        """One message for the person: the form's first problem."""
        for messages in self.errors.values():
            return str(messages[0])
        return ""
