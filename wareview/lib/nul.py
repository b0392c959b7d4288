"""Refuse requests that carry a NUL character: PostgreSQL cannot store one in a text column.

Without this, a NUL typed into notes or put into a URL reaches a query and fails there with a 500. Checked once,
here, every view can trust that its path, query string and form fields are free of NUL.
"""

from collections.abc import Callable, Iterable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render

NUL = "\x00"
MESSAGE = "The request contains a NUL character, which wareview cannot store. Remove it and try again."


class RejectNulMiddleware:
    """Answer 400 with words to a request with a NUL in its path, query string or a form field's name or value.

    Files of a multipart upload are not looked at: whoever reads the file (the lens importer) checks its content.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if has_nul(request):
            return refuse(request)
        return self.get_response(request)


def has_nul(request: HttpRequest) -> bool:
    # The path and the parsed query and form fields are already percent-decoded, so %00 shows up as a NUL too.
    # The raw query string is looked at as well, for a NUL in a part the parser drops (such as "&%00").
    query_string = request.META.get("QUERY_STRING", "")
    if NUL in request.path or NUL in query_string or "%00" in query_string:
        return True
    return _fields_have_nul(request.GET.lists()) or (
        request.method == "POST" and _fields_have_nul(request.POST.lists())
    )


def _fields_have_nul(fields: Iterable[tuple[str, list[str]]]) -> bool:
    return any(NUL in name or any(NUL in value for value in values) for name, values in fields)


def refuse(request: HttpRequest) -> HttpResponse:
    if request.headers.get("HX-Request") == "true":
        # An htmx request swaps the answer into part of a page: words alone, not a second page inside the first.
        return HttpResponseBadRequest(MESSAGE, content_type="text/plain; charset=utf-8")
    return render(request, "400.html", {"exception": MESSAGE}, status=400)
