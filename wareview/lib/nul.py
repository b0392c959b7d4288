"""Refuse requests that carry a NUL character: PostgreSQL cannot store one in a text column.

Without this, a NUL typed into notes or put into a URL reaches a query and fails there with a 500. Checked once,
here, every view can trust that its path, query string and form fields are free of NUL.
"""

from collections.abc import Callable, Iterable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_vary_headers

NUL = "\x00"
MESSAGE = "The request contains a NUL character, which wareview cannot store. Remove it and try again."


class RejectNulMiddleware:
    """Answer 400 with words to a request with a NUL in its path, query string, cookies or a form field's name or
    value. It sits before the session middleware: a NUL in the session cookie would fail the session's query. It
    sits after the middlewares that set every page's headers (CSP, Permissions-Policy, Cache-Control), so its
    refusal carries them like any page. Under the JSON API the refusal is the API's JSON, as its errors are.

    Files of a multipart upload are not looked at: whoever reads the file (the lens importer) checks its content.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if has_nul(request):
            return refuse(request)
        return self.get_response(request)


def has_nul(request: HttpRequest) -> bool:
    # The path is already percent-decoded, so %00 shows up there as a NUL; the query string is looked at raw, so
    # a NUL in a part the parser would drop (such as "&%00") counts too. Form fields come parsed and decoded.
    query_string = request.META.get("QUERY_STRING", "")
    if NUL in request.path or NUL in query_string or "%00" in query_string:
        return True
    if _fields_have_nul((name, [value]) for name, value in request.COOKIES.items()):
        return True
    return request.method == "POST" and _fields_have_nul(request.POST.lists())


def _fields_have_nul(fields: Iterable[tuple[str, list[str]]]) -> bool:
    return any(NUL in name or any(NUL in value for value in values) for name, values in fields)


def refuse(request: HttpRequest) -> HttpResponse:
    # Rendered before the session and user are loaded, so the page shows no signed-in header.
    response: HttpResponse
    if _is_api(request):
        response = JsonResponse({"message": MESSAGE}, status=400, content_type="application/json; charset=utf-8")
    elif request.headers.get("HX-Request") == "true":
        # An htmx request swaps the answer into part of a page: words alone, not a second page inside the first.
        response = HttpResponseBadRequest(MESSAGE, content_type="text/plain; charset=utf-8")
    else:
        response = render(request, "400.html", {"exception": MESSAGE}, status=400)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _is_api(request: HttpRequest) -> bool:
    try:
        return request.path_info.startswith(reverse("api:api-root"))
    except NoReverseMatch:  # a site without the API
        return False
