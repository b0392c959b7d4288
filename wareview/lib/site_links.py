"""The links of every page's header, reversed once per script prefix rather than on every page.

A context processor (settings.TEMPLATES): base.html reads `site_links.dashboard` and so on. A URL without
arguments only changes with the prefix the site is served under, so the few of them are kept per prefix.
"""

import functools

from django.http import HttpRequest
from django.urls import get_script_prefix, reverse

HEADER_LINKS = {
    "dashboard": "reviews:dashboard",
    "portfolio": "portfolio:page",
    "my_items": "plans:mine",
    "teams": "teams:list",
    "question_sets": "admin:index",
    "sign_out": "logout",
    "account": "account_email",
}


def site_links(request: HttpRequest) -> dict[str, dict[str, str]]:
    return {"site_links": _links(get_script_prefix())}


@functools.lru_cache(maxsize=8)
def _links(prefix: str) -> dict[str, str]:
    return {key: reverse(name) for key, name in HEADER_LINKS.items()}
