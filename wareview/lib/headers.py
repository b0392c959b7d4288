"""Response headers every page gets: what a browser may do with the page, and what it may keep of it.

- `Permissions-Policy` turns off the browser features wareview never uses (camera, microphone, location,
  payment and the like), so an injected script or a framed page cannot ask for them.
- `Cache-Control: private, no-store` on every response to a signed-in person: pages, fragments and exports
  (CSV, JSON, PDF) hold a team's answers, and a shared proxy or the browser's disk cache must not keep them. A
  response that already says how it may be cached (static files) is left alone. "Signed in" is read from the
  session cookie, sent by everyone signed in and set by signing in, rather than from the user: so a response
  whose view never needed the user costs no session read and no user query for this header, and someone whose
  session has ended is treated as signed in, which only keeps a page more private. A request with credentials
  in `Authorization` (the JSON API's tokens) is private in the same way.
- Static files are answered by WhiteNoise before any other middleware runs: `static_file_headers` gives them the
  same `Permissions-Policy` and Content-Security-Policy as pages (an SVG opened on its own runs no script).
"""

from collections.abc import Callable
from wsgiref.headers import Headers

from csp.utils import build_policy
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
)


class PrivacyHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if _identified(request, response) and "Cache-Control" not in response.headers:
            patch_cache_control(response, private=True, no_store=True)
        return response


def _identified(request: HttpRequest, response: HttpResponse) -> bool:
    """The request carried the session cookie or credentials (an API token), or the response sets (or clears)
    the session cookie."""
    name = settings.SESSION_COOKIE_NAME
    return name in request.COOKIES or name in response.cookies or "HTTP_AUTHORIZATION" in request.META


def static_file_headers(headers: Headers, path: str, url: str) -> None:
    """WhiteNoise's WHITENOISE_ADD_HEADERS_FUNCTION: the headers every page gets, on every static file."""
    headers["Permissions-Policy"] = PERMISSIONS_POLICY
    headers["Content-Security-Policy"] = build_policy()
