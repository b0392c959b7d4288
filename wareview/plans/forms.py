"""Input of the plan pages: the filters (a GET form) and an item's edit. Every check and its message is here."""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet

from wareview.lib import risk_levels
from wareview.plans.models import NOTE_MAX_LENGTH, WONT_DO_REASON_MAX_LENGTH, ItemStatus
from wareview.plans.selectors import TO_DO
from wareview.plans.services import ItemEdit

NOBODY = "none"


class ItemFilterForm(forms.Form):
    """Which items a list shows ("My items"): by status and by their question's risk; blank means any."""

    status = forms.ChoiceField(required=False, error_messages={"invalid_choice": "There is no status “%(value).60s”."})
    risk = forms.ChoiceField(
        required=False, error_messages={"invalid_choice": "There is no risk level “%(value).60s”."}
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "filter-%s")
        super().__init__(*args, **kwargs)
        self._choose("status", [("", "Any status"), (TO_DO, "Open or in progress"), *ItemStatus.choices])
        self._choose("risk", [("", "Any risk"), *((level.value, level.label) for level in risk_levels.LEVELS)])

    def _choose(self, name: str, options: list[tuple[str, str]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = options

    def first_error(self) -> str:
        """One message for the person: the form's first problem."""
        return str(next(iter(self.errors.values()))[0])


class PlanFilterForm(ItemFilterForm):
    """Which items the plan shows: also by owner. `members` are the team's members (the owners to choose)."""

    owner = forms.ChoiceField(
        required=False, error_messages={"invalid_choice": "“%(value).60s” is not a member of the team."}
    )

    def __init__(self, *args: Any, members: Sequence[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = [(str(member.pk), member.get_username()) for member in members]
        self._choose("owner", [("", "Anyone"), (NOBODY, "Nobody"), *people])


class ItemForm(forms.Form):
    """An item's status, owner (a member of the team, or nobody), due date, note and, for "won't do", the reason."""

    status = forms.ChoiceField(
        choices=ItemStatus.choices, error_messages={"invalid_choice": "There is no status “%(value).60s”."}
    )
    owner: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None,
        required=False,
        to_field_name="username",
        error_messages={"invalid_choice": "The owner must be a member of the team: “%(value).60s” is not."},
    )
    due_date = forms.DateField(
        required=False, error_messages={"invalid": "Give the due date as a date, such as 2025-06-30."}
    )
    note = forms.CharField(required=False, max_length=NOTE_MAX_LENGTH, strip=True)
    wont_do_reason = forms.CharField(required=False, max_length=WONT_DO_REASON_MAX_LENGTH, strip=True)

    def __init__(self, *args: Any, members: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = members

    def clean(self) -> dict:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("status") == ItemStatus.WONT_DO and not cleaned.get("wont_do_reason"):
            self.add_error("wont_do_reason", "Say why the team won't do it: a reason is needed for “Won't do”.")
        return cleaned

    def first_error(self) -> str:
        """One message for the person: the form's first problem."""
        return str(next(iter(self.errors.values()))[0])

    def edit(self) -> ItemEdit:
        """The edit to make; a form without a note (a row of the plan) leaves the note as it is."""
        data = self.cleaned_data
        return ItemEdit(
            status=data["status"],
            owner=data["owner"],
            due_date=data["due_date"],
            note=data["note"] if "note" in self.data else None,
            wont_do_reason=data["wont_do_reason"],
        )

    def typed(self, name: str) -> str:
        """What the person typed in field `name`, to show again beside the reason it was refused."""
        return str(self.data.get(name, ""))

    def field_errors(self) -> dict[str, str]:
        """Each field's first problem, by field name."""
        return {name: str(messages[0]) for name, messages in self.errors.items()}
