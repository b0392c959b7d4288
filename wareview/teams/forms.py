from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm

from wareview.teams.models import Role, Team


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ["name"]


class InvitationForm(forms.Form):
    email = forms.EmailField(label="E-mail address", max_length=254)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.CONTRIBUTOR)

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip()


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class InvitationSignUpForm(UserCreationForm):
    """A new account for the person an invitation was sent to: a username and a password; the e-mail address is
    the invitation's, which the link has just proven to be theirs."""

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The page offers signing in first: focus stays where the reader is.
        self.fields["username"].widget.attrs.pop("autofocus", None)
        self.email = email
        # The password checks (e.g. "too similar to the e-mail address") see the address the account will have.
        self.instance.email = email

    def clean(self) -> dict | None:
        cleaned = super().clean()
        if get_user_model().objects.filter(email__iexact=self.email).exists():
            raise forms.ValidationError(
                f"An account with the address {self.email} already exists: sign in with it to accept the "
                "invitation instead.",
                code="email_taken",
            )
        return cleaned
