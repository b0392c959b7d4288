from collections.abc import Callable

from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth import middleware as auth_middleware
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject

from wareview.accounts.adapters import MailNotSent

# The backends a session names were these until wareview.accounts.backends took their place; a session signed in
# before then names its backend by the former path, which settings.AUTHENTICATION_BACKENDS no longer lists.
FORMER_BACKENDS = {
    "django.contrib.auth.backends.ModelBackend": "wareview.accounts.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend": "wareview.accounts.backends.AuthenticationBackend",
}


class AuthenticationMiddleware(auth_middleware.AuthenticationMiddleware):
    """Django's, but a session that names its backend by a former path (`FORMER_BACKENDS`) is moved to the path
    of today's backend before the user is read, so that nobody is signed out by the move. Like Django's, it reads
    the session and the user only when a view asks for `request.user`."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _signed_in_user(request))  # type: ignore[assignment]


def _signed_in_user(request: HttpRequest):
    backend = request.session.get(BACKEND_SESSION_KEY)
    if backend in FORMER_BACKENDS:
        request.session[BACKEND_SESSION_KEY] = FORMER_BACKENDS[backend]
    return auth_middleware.get_user(request)


class MailNotSentMiddleware:
    """An e-mail that could not be sent (a sign-up's confirmation, an added address) is told to the person who
    asked for it, on a page of its own, rather than as a server error. The password-reset page shows it on the
    form itself (views.PasswordResetView)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, MailNotSent):
            return None
        return render(request, "account/mail_not_sent.html", {"reason": str(exception)}, status=503)
