"""An answer's history, newest first, 20 changes a page: every change can be reached, with and without htmx."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from wareview.reviews.models import Answer, AnswerChange

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
# With Redis, sessions are read from the cache; without it, from the database (one more query).
SESSION_QUERIES = 0 if settings.SESSION_ENGINE.endswith("cached_db") else 1
# User, answer with its access check, then a count and a page of changes.
HISTORY_QUERIES = 4 + SESSION_QUERIES


def add_changes(review, number: int, *, by, first: int = 0) -> None:
    """`number` changes of Q_01, a minute apart; change n leaves the notes "note n"."""
    answer = Answer.objects.get(review=review, question__code="Q_01")
    start = timezone.now() - timedelta(days=1)
    AnswerChange.objects.bulk_create(
        AnswerChange(
            answer=answer,
            changed_by=by,
            changed_at=start + timedelta(minutes=n),
            before={"selected": [], "notes": f"note {n - 1}", "risk": "UNANSWERED"},
            after={"selected": [], "notes": f"note {n}", "risk": "UNANSWERED"},
            version=n + 1,
        )
        for n in range(first, first + number)
    )


def history_url(review, **query) -> str:
    url = reverse("reviews:history", args=[review.pk, "Q_01"])
    return f"{url}?{'&'.join(f'{key}={value}' for key, value in query.items())}" if query else url


def shown(body: str) -> int:
    return len(re.findall(r"<li>\d{4}-\d\d-\d\d", body))


def test_the_history_shows_the_newest_20_changes_and_a_link_to_older_ones(client, cast):
    add_changes(cast.review, 45, by=cast.contributor)
    client.force_login(cast.viewer)
    body = client.get(history_url(cast.review)).content.decode()
    assert shown(body) == 20
    assert "Page 1 of 3" in body
    assert f'href="{history_url(cast.review, page=2)}" rel="next"' in body
    assert ">Older changes</a>" in body and "Newer changes" not in body


def test_every_change_can_be_reached_by_following_the_older_changes_links(client, cast):
    add_changes(cast.review, 45, by=cast.contributor)
    client.force_login(cast.viewer)
    url, seen = history_url(cast.review), 0
    while url:
        body = client.get(url).content.decode()
        seen += shown(body)
        older = re.search(r'<a href="([^"]+)" rel="next"', body)
        url = older.group(1).replace("&amp;", "&") if older else None
    assert seen == 45
    assert "Page 3 of 3" in body and ">Newer changes</a>" in body
    assert 'start="41"' in body  # the oldest page goes on numbering where the one before stopped


def test_with_htmx_the_history_is_a_fragment_whose_links_load_in_place(client, cast):
    add_changes(cast.review, 45, by=cast.contributor)
    client.force_login(cast.viewer)
    response = client.get(history_url(cast.review, page=2), headers=HTMX)
    body = response.content.decode()
    assert "<html" not in body and body.lstrip().startswith('<div class="history-list">')
    assert shown(body) == 20
    # The links name the history's own address: the fragment sits inside the question page.
    older = history_url(cast.review, page=3)
    assert f'<a href="{older}" rel="next" hx-get="{older}" hx-target="closest .history-list"' in body
    assert 'hx-swap="outerHTML"' in body


def test_the_history_varies_on_htmx_so_no_cache_mixes_up_the_page_and_the_fragment(client, cast):
    client.force_login(cast.viewer)
    for headers in ({}, HTMX):
        assert "HX-Request" in client.get(history_url(cast.review), headers=headers)["Vary"]


def test_a_short_history_shows_no_page_links(client, cast):
    add_changes(cast.review, 3, by=cast.contributor)
    client.force_login(cast.owner)
    body = client.get(history_url(cast.review)).content.decode()
    assert shown(body) == 3 and 'class="pager"' not in body


@pytest.mark.parametrize(("asked", "page"), [("x", 1), ("0", 3), ("1000", 3), ("", 1)])
def test_a_page_number_that_is_no_page_shows_the_first_or_the_last_page(client, cast, asked, page):
    add_changes(cast.review, 45, by=cast.contributor)
    client.force_login(cast.viewer)
    response = client.get(history_url(cast.review, page=asked))
    assert response.status_code == 200
    assert f"Page {page} of 3" in response.content.decode()


def test_an_outsider_asking_for_a_page_of_the_history_gets_the_404(client, cast):
    add_changes(cast.review, 45, by=cast.contributor)
    client.force_login(cast.outsider)
    response = client.get(history_url(cast.review, page=2), headers=HTMX)
    assert response.status_code == 404
    assert "note" not in response.content.decode()


def count_queries(client, review) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(history_url(review), headers=HTMX).status_code == 200
    return len(queries)


def test_the_history_takes_the_same_queries_for_3_and_60_changes(client, cast):
    client.force_login(cast.viewer)
    add_changes(cast.review, 3, by=cast.contributor)
    client.get(history_url(cast.review))  # the session is in the cache from here on
    few = count_queries(client, cast.review)
    add_changes(cast.review, 57, by=cast.owner, first=3)
    many = count_queries(client, cast.review)
    assert few == many == HISTORY_QUERIES
