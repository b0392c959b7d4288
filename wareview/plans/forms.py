"""Input of the plan pages: the filters (a GET form) and an item's edit. Every check and its message is here."""

from django import forms

from wareview.lib import risk_levels
from wareview.plans.models import NOTE_MAX_LENGTH, WONT_DO_REASON_MAX_LENGTH, ItemStatus
from wareview.plans.selectors import TO_DO
from wareview.plans.services import ItemEdit

NOBODY = "none"


class PlanFilterForm(forms.Form):
    """Which items the plan shows; blank means any. `members` are the team's members (the owners to choose)."""

    status = forms.ChoiceField(required=False, error_messages={"invalid_choice": "There is no status “%(value)s”."})
    owner = forms.ChoiceField(
        required=False, error_messages={"invalid_choice": "“%(value)s” is not a member of the team."}
    )
    risk = forms.ChoiceField(required=False, error_messages={"invalid_choice": "There is no risk level “%(value)s”."})

    def __init__(self, *args, members: list, **kwargs) -> None:
        kwargs.setdefault("auto_id", "filter-%s")
        super().__init__(*args, **kwargs)
        people = [(str(member.pk), member.get_username()) for member in members]
        choices = {
            "status": [("", "Any status"), (TO_DO, "Open or in progress"), *ItemStatus.choices],
            "owner": [("", "Anyone"), (NOBODY, "Nobody"), *people],
            "risk": [("", "Any risk"), *((level.value, level.label) for level in risk_levels.LEVELS)],
        }
        for name, options in choices.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = options

    def first_error(self) -> str:
        """One message for the person: the form's first problem."""
        return str(next(iter(self.errors.values()))[0])


class ItemForm(forms.Form):
    """An item's status, owner (a member of the team, or nobody), due date, note and, for "won't do", the reason."""

    status = forms.ChoiceField(
        choices=ItemStatus.choices, error_messages={"invalid_choice": "There is no status “%(value)s”."}
    )
    owner: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None,
        required=False,
        to_field_name="username",
        error_messages={"invalid_choice": "The owner must be a member of the team: “%(value)s” is not."},
    )
    due_date = forms.DateField(
        required=False, error_messages={"invalid": "Give the due date as a date, such as 2025-06-30."}
    )
    note = forms.CharField(required=False, max_length=NOTE_MAX_LENGTH, strip=True)
    wont_do_reason = forms.CharField(required=False, max_length=WONT_DO_REASON_MAX_LENGTH, strip=True)

    def __init__(self, *args, members, **kwargs) -> None:
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
        data = self.cleaned_data
        return ItemEdit(
            status=data["status"],
            owner=data["owner"],
            due_date=data["due_date"],
            note=data["note"],
            wont_do_reason=data["wont_do_reason"],
        )
