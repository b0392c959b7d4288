"""What the question page tells about each best practice under "About this practice"."""

import pytest
from django.urls import reverse

from tests.factories import build_lens
from wareview.lenses.models import Choice, Lens
from wareview.lenses.services import lens_publish
from wareview.reviews.services import review_start

pytestmark = pytest.mark.django_db

VERIFY = "Open the last load-test report: does it compare instance types?"


@pytest.fixture
def review(cast):
    """A review of a lens whose q_01_a says how to verify it, its effort and impact, and q_01_b only its impact
    (a published lens never changes, so they are given in the draft)."""
    draft = build_lens(status=Lens.Status.DRAFT)
    choices = Choice.objects.filter(question__pillar__lens=draft)
    choices.filter(code="q_01_a").update(verification=VERIFY, effort="small", impact="high")
    choices.filter(code="q_01_b").update(impact="medium")
    return review_start(workload=cast.workload, lens=lens_publish(lens=draft), user=cast.owner)


def practice_html(page: str, code: str) -> str:
    start = page.index(f'id="choice-{code}"')
    return page[start : page.index('<div class="practice">', start)]


def test_about_this_practice_says_how_to_verify_it_its_effort_and_its_impact(client, cast, review):
    client.force_login(cast.viewer)
    page = client.get(reverse("reviews:question", args=[review.pk, "Q_01"])).content.decode()

    first = practice_html(page, "q_01_a")
    assert f"<strong>How to verify:</strong> {VERIFY}" in first
    assert "Effort: Small · Impact: High" in first
    second = practice_html(page, "q_01_b")
    assert "Impact: Medium" in second
    assert "How to verify" not in second and "Effort:" not in second


def test_a_practice_whose_lens_does_not_say_shows_none_of_them(client, cast):
    client.force_login(cast.viewer)
    page = client.get(reverse("reviews:question", args=[cast.review.pk, "Q_01"])).content.decode()

    assert "About this practice" in page
    assert "How to verify" not in page and "Effort:" not in page and "Impact:" not in page
