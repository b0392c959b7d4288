"""Long lists shown a page at a time, with links to the neighbouring pages that keep the rest of the query."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZE = 25


@dataclass(frozen=True)
class Pager:
    page: Page
    previous_url: str | None
    next_url: str | None

    @property
    def is_split(self) -> bool:
        return self.page.paginator.num_pages > 1


def paginate(
    request: HttpRequest, items: QuerySet | Sequence, *, param: str = "page", per_page: int = PAGE_SIZE
) -> Pager:
    """The page of `items` that `request.GET[param]` asks for, in two queries (a count and the page) whatever
    the length of the list, or none for a list already read. A page number that is not a number gives the first
    page and one out of range the last, so no address of a page fails."""
    page = Paginator(items, per_page).get_page(request.GET.get(param))
    previous = page.previous_page_number() if page.has_previous() else None
    following = page.next_page_number() if page.has_next() else None
    return Pager(page, _page_url(request, param, previous), _page_url(request, param, following))


def _page_url(request: HttpRequest, param: str, number: int | None) -> str | None:
    if number is None:
        return None
    query = request.GET.copy()
    query[param] = str(number)
    # The full path, not "?page=…": a fragment loaded into another page (with htmx) links to its own address.
    return f"{request.path}?{query.urlencode()}"
