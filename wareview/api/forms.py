"""The API token settings page's form: every check and message of a new token is here."""

from django import forms

from wareview.api.models import NAME_MAX_LENGTH, Scope

EXPIRY_CHOICES = [("7", "7 days"), ("30", "30 days"), ("90", "90 days"), ("365", "1 year")]


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=NAME_MAX_LENGTH,
        help_text="What the token is for, such as “CI pipeline”.",
        error_messages={
            "required": "Give the token a name, so you can tell it apart later.",
            "max_length": "A token name can be at most %(limit_value)d characters; this one has %(show_value)d.",
        },
    )
    scope = forms.ChoiceField(
        label="Access",
        choices=Scope.choices,
        initial=Scope.READ,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the token may do.", "invalid_choice": "Choose read or read-write."},
    )
    days = forms.TypedChoiceField(
        label="Expires after",
        choices=EXPIRY_CHOICES,
        coerce=int,
        initial="90",
        error_messages={"required": "Choose when the token expires.", "invalid_choice": "Choose one of the expiries."},
    )

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()
