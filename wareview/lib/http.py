"""Small view helpers shared by the apps."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A request as views see it behind django-htmx's middleware: with `request.htmx`, for the type checker."""

    htmx: HtmxDetails


class AuthenticatedHttpRequest(HttpRequest):
    """A request only a signed-in person reaches (behind `login_required`, or the API's token check), for the
    type checker: its `user` is an account, never AnonymousUser."""

    user: User


class AuthenticatedHtmxHttpRequest(AuthenticatedHttpRequest, HtmxHttpRequest):
    """An `HtmxHttpRequest` only a signed-in person reaches."""


POST_ONLY = "This address only takes a submitted form. Use the buttons on the page instead."


def require_post(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Like Django's `require_POST`, but the 405 says in words what went wrong instead of an empty page."""

    @wraps(view)
    def only_post(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method != "POST":
            response = render(request, "400.html", {"exception": POST_ONLY}, status=405)
            response["Allow"] = "POST"
            return response
        return view(request, *args, **kwargs)

    return only_post
