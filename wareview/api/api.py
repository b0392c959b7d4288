"""The JSON API on django-ninja: one `NinjaAPI` under /api/v1/, its routers (routes/), and how every refusal and
error is answered: JSON with a "message" (and, for a 400, the `errors` with their paths), never a 500 page.

The docs page (/api/v1/docs) is Swagger UI served from django-ninja's own static files ("ninja" is in
INSTALLED_APPS), so it loads under the site's Content-Security-Policy without a CDN or an exception.
"""

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from wareview.api.auth import ApiRefusal, TokenAuth
from wareview.api.routes import lenses, milestones, plans, reports, reviews, workloads
from wareview.teams.access import NOT_FOUND

logger = logging.getLogger(__name__)

api = NinjaAPI(
    title="wareview API",
    version="1",
    description=(
        "Workloads, reviews, answers, milestones, improvement plans and reports, with the browser's access rules. "
        "Authenticate with a personal API token (your account → API tokens) as `Authorization: Bearer <token>`."
    ),
    auth=TokenAuth(),
    urls_namespace="api",
)
for router in (lenses.router, workloads.router, reviews.router, milestones.router, plans.router, reports.router):
    api.add_router("", router)


def message(request: HttpRequest, text: str, *, status: int, **more: object) -> HttpResponse:
    return api.create_response(request, {"message": text, **more}, status=status)


@api.exception_handler(HttpError)
def refused(request: HttpRequest, exc: HttpError) -> HttpResponse:
    response = message(request, exc.message, status=exc.status_code)
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


@api.exception_handler(Exception)
def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("The API failed on %s %s", request.method, request.path, exc_info=exc)
    return message(request, "Something went wrong on the server; it has been logged.", status=500)


def _path(location: tuple | list) -> str:
    """A field's place in the request as a path: "body.payload.selected[0]" becomes "selected[0]"."""
    parts = [part for part in location if part not in ("body", "payload", "query", "path")]
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def unknown_address(request: HttpRequest, rest: str) -> HttpResponse:
    """Any address under /api/v1/ that names no endpoint: the API's 404, in JSON."""
    return message(request, f"There is no API endpoint at {request.path}.", status=404)
