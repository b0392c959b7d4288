"""A workload reviewed on several lenses at once: one living review per lens, side by side on its page, and a
report of the whole workload that takes each lens in turn."""

import re

import pytest
from django.urls import reverse

from tests.factories import build_lens
from wareview.reviews.models import Answer, AnswerRisk
from wareview.reviews.services import review_close, review_start

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_lens_review(cast):
    lens = build_lens(questions_per_area=1, areas=3)
    review = review_start(workload=cast.workload, lens=lens, user=cast.owner)
    Answer.objects.filter(review=review, question__code="Q_01").update(risk=AnswerRisk.HIGH)
    Answer.objects.filter(review=review, question__code="Q_02").update(risk=AnswerRisk.NONE)
    Answer.objects.filter(review=cast.review, question__code="Q_01").update(risk=AnswerRisk.MEDIUM)
    return review


def lens_cards(body: str) -> dict[str, tuple[str, ...]]:
    cards = re.findall(r'<li class="card lens-card">(.*?)</li>\s*(?=<li class="card lens-card">|</ul>)', body, re.S)
    found = {}
    for card in cards:
        name = re.search(r'<a href="/reviews/\d+/">([^<]+)</a>', card).group(1)
        found[name] = tuple(re.findall(r"</dt><dd>(\d+)</dd>", card))
    return found


def test_the_workload_page_shows_each_living_review_side_by_side_with_its_risk_counts(client, cast, second_lens_review):
    client.force_login(cast.viewer)
    body = client.get(reverse("workloads:detail", args=[cast.workload.pk])).content.decode()
    assert lens_cards(body) == {cast.lens.name: ("0", "1", "0"), second_lens_review.lens.name: ("1", "0", "1")}
    assert "1/4 answered" in body and "2/3 answered" in body


def test_a_closed_review_leaves_the_side_by_side_view(client, cast, second_lens_review):
    review_close(review=second_lens_review)
    client.force_login(cast.viewer)
    body = client.get(reverse("workloads:detail", args=[cast.workload.pk])).content.decode()
    assert list(lens_cards(body)) == [cast.lens.name]


def test_the_whole_workload_report_takes_every_lens_in_turn_with_ids_unique_on_the_page(
    client, cast, second_lens_review
):
    client.force_login(cast.viewer)
    response = client.get(reverse("reports:workload_page", args=[cast.workload.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    first = body.index(f"{cast.lens.name} version 1")
    second = body.index(f"{second_lens_review.lens.name} version 1")
    assert body.count("Executive summary") == 2 and body.count("Prioritized recommendations") == 2
    assert first < body.index("Executive summary") < second < body.rindex("Executive summary")
    ids = re.findall(r' id="([^"]+)"', body)
    assert len(ids) == len(set(ids))
    assert f'id="lens-{second_lens_review.pk}-risk-chart-title"' in body


def test_the_whole_workload_report_of_a_workload_without_reviews_says_so(client, cast):
    review_close(review=cast.review)
    client.force_login(cast.owner)
    body = client.get(reverse("reports:workload_page", args=[cast.workload.pk])).content.decode()
    assert "No lens is under review" in body


def test_the_whole_workload_report_takes_a_few_queries_per_lens(
    client, cast, second_lens_review, django_assert_max_num_queries
):
    client.force_login(cast.viewer)
    # The session, the user, the workload and its reviews, then each lens's report (its evidence in one query).
    with django_assert_max_num_queries(17):
        client.get(reverse("reports:workload_page", args=[cast.workload.pk]))
