from typing import Any

from allauth.account.forms import LoginForm as AllauthLoginForm


class SignInForm(AllauthLoginForm):
    """allauth's sign-in form, with the browser told the first field takes a username (or an address) and no
    placeholders that repeat the labels."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"].widget.attrs.update(autocomplete="username")
        # The page writes the password's help (the "Forgot your password?" link) under the field itself.
        self.fields["password"].help_text = ""
        self.fields["password"].widget.attrs["aria-describedby"] = "id_password_helptext"
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)
