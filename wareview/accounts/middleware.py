from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from wareview.accounts.adapters import MailNotSent


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
