"""The overview says how many ticked practices evidence backs, in each focus area and in all, without touching
the risks, in a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.reports.evidence_helpers import add_evidence, backed
from tests.reports.helpers import answer

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(cast):
    """The cast's review answered as the report tests' (Q_01 "None of these", Q_02 a, Q_03 a b c, Q_04 not
    applicable)."""
    review = cast.review
    answer(review, "Q_01", "no")
    answer(review, "Q_02", "a")
    answer(review, "Q_03", "a", "b", "c")
    answer(review, "Q_04", reason="out_of_scope")
    return review


def evidence_card(body: str) -> str:
    return body.split('<h2 id="evidence-title">')[1].split("</section>")[0]


def test_the_overview_counts_the_verified_and_expired_ticked_practices_by_focus_area_and_in_all(client, cast, review):
    backed(review)
    client.force_login(cast.viewer)
    card = evidence_card(client.get(reverse("reviews:overview", args=[review.pk])).content.decode())
    total, *areas = card.split('<th scope="row">')
    assert "2 of 4 ticked practices verified, 1 with evidence expired" in total
    names = [area.name for area in cast.lens.pillars.get().focus_areas.order_by("order")]
    assert names[0] in areas[0] and "1 of 1 ticked practice verified<" in areas[0]
    assert names[1] in areas[1] and "1 of 3 ticked practices verified, 1 with evidence expired" in areas[1]


def test_the_bar_is_hidden_from_screen_readers_and_its_words_say_it_all(client, cast, review):
    backed(review)
    client.force_login(cast.viewer)
    card = evidence_card(client.get(reverse("reviews:overview", args=[review.pk])).content.decode())
    bar = card.split('<svg class="verified-bar"')[1].split("</svg>")[0]
    assert 'aria-hidden="true"' in bar
    # 2 of 4 verified (50), 1 expired (25) after them.
    assert '<rect width="50" height="4" fill="#1e6b3a"/>' in bar
    assert '<rect x="50" width="25" height="4" fill="#c98a1b"/>' in bar
    assert 'style="' not in card  # the Content-Security-Policy allows no inline style


def test_a_review_with_nothing_ticked_says_so_without_a_table(client, cast):
    client.force_login(cast.viewer)
    card = evidence_card(client.get(reverse("reviews:overview", args=[cast.review.pk])).content.decode())
    assert "No practice ticked yet" in card and "<table" not in card


def test_evidence_leaves_the_risks_of_the_overview_as_they_were(client, cast, review):
    client.force_login(cast.viewer)

    def risks() -> str:
        body = client.get(reverse("reviews:overview", args=[review.pk])).content.decode()
        return body.split('aria-label="Questions by risk"')[1].split("</ul>")[0]

    before = risks()
    backed(review)
    assert risks() == before


def test_the_overview_takes_as_many_queries_with_much_evidence_as_with_none(client, cast, review):
    client.force_login(cast.contributor)
    url = reverse("reviews:overview", args=[review.pk])
    client.get(url)  # the session and caches settle
    with CaptureQueriesContext(connection) as none:
        client.get(url)
    backed(review)
    for number in range(10):
        add_evidence(review, "Q_03", "b", title=f"Diagram {number}", days=number * 50)
    with CaptureQueriesContext(connection) as much:
        body = client.get(url).content.decode()
    assert "3 of 4 ticked practices verified" in body
    assert len(much.captured_queries) == len(none.captured_queries)


def test_someone_outside_the_team_sees_no_overview_and_no_count(client, cast, review):
    backed(review)
    client.force_login(cast.outsider)
    response = client.get(reverse("reviews:overview", args=[review.pk]))
    assert response.status_code == 404 and b"ticked practice" not in response.content
