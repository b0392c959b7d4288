"""Long lists a page at a time: `?page=` (from 1) and `?per_page=` (at most MAX_PER_PAGE)."""

from collections.abc import Callable, Sequence
from typing import Any

from django.core.paginator import InvalidPage, Paginator
from django.db.models import QuerySet
from ninja import Schema
from pydantic import Field

from wareview.api.auth import ApiRefusal

PER_PAGE = 25
MAX_PER_PAGE = 100


class PageQuery(Schema):
    page: int = Field(1, ge=1)
    per_page: int = Field(PER_PAGE, ge=1, le=MAX_PER_PAGE)


def page_of(items: QuerySet | Sequence, query: PageQuery, shape: Callable[[Any], Any]) -> dict:
    """The page `query` asks for, each item passed through `shape`: a count and the page (two queries for a
    queryset), whatever the length of the list. A page past the end is a 404 that says how many there are."""
    paginator = Paginator(items, query.per_page)
    try:
        page = paginator.page(query.page)
    except InvalidPage:
        pages = paginator.num_pages
        refusal = f"There is no page {query.page}: the list has {pages} page{'s' * (pages != 1)}."
        raise ApiRefusal(404, refusal) from None
    return {
        "items": [shape(item) for item in page.object_list],
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
        "next": page.next_page_number() if page.has_next() else None,
        "previous": page.previous_page_number() if page.has_previous() else None,
    }
