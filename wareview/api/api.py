"""The JSON API on django-ninja: one `NinjaAPI` under /api/v1/, its routers (routes/), and how every refusal and
error is answered: JSON with a "message" (and, for a 400, the `errors` with their paths), never a 500 page. That
goes for what ninja answers before any endpoint runs, too: a method a path does not take is a JSON 405 with
`Allow`, and an address that names no endpoint (the API's root included) a JSON 404.

The docs page (/api/v1/docs) is Swagger UI served from django-ninja's own static files ("ninja" is in
INSTALLED_APPS), so it loads under the site's Content-Security-Policy without a CDN or an exception.
"""

import logging
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, URLResolver
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from wareview.api.auth import ApiRefusal, TokenAuth
from wareview.api.body import BodyRefused, JsonObjectParser
from wareview.api.routes import evidence, findings, lenses, milestones, plans, reports, reviews, workloads
from wareview.teams.access import NOT_FOUND

logger = logging.getLogger(__name__)

# The order methods are named in, in `Allow` and in words.
METHOD_ORDER = ("GET", "POST", "PUT", "PATCH", "DELETE")
View = Callable[..., HttpResponse]


class Api(NinjaAPI):
    """ninja's API with its own answers in JSON: each endpoint's "method not allowed", the docs and schema
    taking GET only, and the root (which names no endpoint) a 404."""

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        patterns = super()._get_urls()
        for pattern in patterns:
            if not isinstance(pattern, URLPattern):
                continue
            if pattern.name == "api-root":
                pattern.callback = _root
            elif pattern.name not in ("openapi-json", "openapi-view"):  # those have `docs_decorator`
                pattern.callback = _json_not_allowed(pattern.callback)
        return patterns


def _json_not_allowed(view: View) -> View:
    """An endpoint's view whose 405 (ninja's, in plain text) is the API's JSON one."""

    @wraps(view)  # keeps ninja's `csrf_exempt`
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            return not_allowed(request, allowed=response["Allow"].split(", "))
        return response

    return wrapped


def _read_only(view: View) -> View:
    """The docs page and the schema: GET only (ninja's own views would answer any method)."""

    @csrf_exempt  # the refusal below comes before the CSRF check, which would answer an HTML page
    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.method != "GET":
            return not_allowed(request, allowed=["GET"])
        return view(request, *args, **kwargs)

    return wrapped


api = Api(
    title="wareview API",
    version="1",
    description=(
        "Workloads, reviews, answers, milestones, improvement plans and reports, with the browser's access rules. "
        "Authenticate with a personal API token (your account → API tokens) as `Authorization: Bearer <token>`."
    ),
    auth=TokenAuth(),
    parser=JsonObjectParser(),
    urls_namespace="api",
    docs_decorator=_read_only,
)
for router in (lenses.router, workloads.router, reviews.router, milestones.router, plans.router, reports.router):
    api.add_router("", router)
api.add_router("", evidence.router)
api.add_router("", findings.router)


def message(request: HttpRequest, text: str, *, status: int, **more: object) -> HttpResponse:
    return api.create_response(request, {"message": text, **more}, status=status)


@api.exception_handler(HttpError)
def refused(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # ninja answers any error of the body's parser with its own "Cannot parse request body"; ours has the words.
    text = str(exc.__cause__) if isinstance(exc.__cause__, BodyRefused) else exc.message
    response = message(request, text, status=exc.status_code)
    if isinstance(exc, ApiRefusal) and exc.retry_after is not None:
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return message(request, str(exc) if exc.args else NOT_FOUND, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return message(request, str(exc) or "You may not do this.", status=403)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [{"path": _path(error.get("loc", ())), "message": error.get("msg", "")} for error in exc.errors]
    first = errors[0] if errors else {"path": "", "message": "The request is not valid."}
    text = f"{first['path']}: {first['message']}" if first["path"] else first["message"]
    return message(request, text, status=400, errors=errors)


@api.exception_handler(RequestDataTooBig)
def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    text = f"The request body is larger than {limit / 2**20:g} MB ({limit} bytes), the most the API takes."
    return message(request, text, status=413)


@api.exception_handler(SuspiciousOperation)
def malformed(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    # Django's own refusals of a request (too many fields, a malformed header); as its handler does, logged as a
    # security event rather than an error.
    logging.getLogger(f"django.security.{type(exc).__name__}").warning(str(exc))
    return message(request, f"The request was refused: {exc}", status=400)


@api.exception_handler(Exception)
def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("The API failed on %s %s", request.method, request.path, exc_info=exc)
    return message(request, "Something went wrong on the server; it has been logged.", status=500)


def _path(location: tuple | list) -> str:
    """A field's place in the request as a path: "body.payload.selected[0]" becomes "selected[0]"."""
    parts = [part for part in location if part not in ("body", "payload", "query", "path")]
    if parts[:1] in (["form"], ["file"]):  # a multipart field's place: ("form", "fields", "title"), ("file", "file")
        parts = parts[2:] if parts[1:2] == ["fields"] else parts[1:]
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def not_allowed(request: HttpRequest, *, allowed: list[str]) -> HttpResponse:
    """405 for a method the address does not take, naming the ones it does, in words and in `Allow`."""
    methods = sorted(allowed, key=lambda method: (*METHOD_ORDER, method).index(method))
    text = f"{request.method} is not allowed at {request.path}; it takes {_words(methods)}."
    response = message(request, text, status=405)
    response["Allow"] = ", ".join(methods)
    return response


def _words(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"


# No API request is cookie-authenticated (see auth.py), so there is nothing for CSRF to protect here, and its
# check would answer a wrong address in HTML.
@csrf_exempt
def unknown_address(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any address under /api/v1/ that names no endpoint: the API's 404, in JSON."""
    return message(request, f"There is no API endpoint at {request.path}.", status=404)


@csrf_exempt
def _root(request: HttpRequest, **kwargs: object) -> HttpResponse:
    # ninja's root view raises Http404 outside any endpoint, which Django answers with its HTML page.
    return unknown_address(request)
