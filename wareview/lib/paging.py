"""Long lists shown a page at a time, with links to the neighbouring pages that keep the rest of the query."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.paginator import InvalidPage, Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict

PAGE_SIZE = 25


class PageNotFound(Exception):
    """A page number a strict list does not have, with words for the person who asked for it."""


@dataclass(frozen=True)
class Pager:
    page: Page
    previous_url: str | None
    next_url: str | None

    @property
    def is_split(self) -> bool:
        return self.page.paginator.num_pages > 1


def paginate(
    request: HttpRequest,
    items: QuerySet | Sequence,
    *,
    param: str = "page",
    per_page: int = PAGE_SIZE,
    strict: bool = False,
    address: tuple[str, QueryDict] | None = None,
) -> Pager:
    """The page of `items` that `request.GET[param]` asks for, in two queries (a count and the page) whatever
    the length of the list. A page number that is not a number gives the first page and one out of range the
    last, so no address of a page fails; with `strict`, either raises PageNotFound with the reason instead.
    `address` (path, query) is the page's own when the request is another's (a refused form shown again)."""
    path, query = address or (request.path, request.GET)
    paginator = Paginator(items, per_page)
    number = query.get(param)
    page = _strict_page(paginator, number) if strict and number is not None else paginator.get_page(number)
    previous = page.previous_page_number() if page.has_previous() else None
    following = page.next_page_number() if page.has_next() else None
    return Pager(page, _page_url(path, query, param, previous), _page_url(path, query, param, following))


def _strict_page(paginator: Paginator, number: str) -> Page:
    try:
        return paginator.page(number)
    except InvalidPage as error:
        pages = paginator.num_pages
        raise PageNotFound(
            f"There is no page {number[:20]} here: the list has {pages} page{'s' if pages != 1 else ''}."
        ) from error


def _page_url(path: str, query: QueryDict, param: str, number: int | None) -> str | None:
    if number is None:
        return None
    query = query.copy()
    query[param] = str(number)
    # The full path, not "?page=…": a fragment loaded into another page (with htmx) links to its own address.
    return f"{path}?{query.urlencode()}"
