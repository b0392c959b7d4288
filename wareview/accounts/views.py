"""The few allauth views wareview adjusts; the rest are allauth's own (wareview/accounts/urls.py)."""

from typing import Any

from allauth.account import views as allauth_views
from django.conf import settings
from django.http import HttpResponse

from wareview.accounts.adapters import MailNotSent


class LoginView(allauth_views.LoginView):
    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "signup_open": settings.ACCOUNT_SIGNUP_OPEN}


class PasswordResetView(allauth_views.PasswordResetView):
    """A reset whose e-mail cannot be sent says so on the form, instead of claiming it was sent."""

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            return super().form_valid(form)
        except MailNotSent as error:
            form.add_error(None, str(error))
            return self.render_to_response(self.get_context_data(form=form), status=503)


login = LoginView.as_view()
password_reset = PasswordResetView.as_view()
