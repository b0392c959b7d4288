"""The API saves answers through the question page's form: a practice that always applies cannot be marked "does
not apply", and the profile's reason is never a caller's."""

import pytest

from tests.factories import build_lens
from wareview.lenses.models import Choice, Lens
from wareview.lenses.services import lens_publish
from wareview.reviews.models import Answer, Review
from wareview.reviews.services import review_start

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(cast) -> Review:
    lens = build_lens(status=Lens.Status.DRAFT)
    Choice.objects.filter(question__pillar__lens=lens, code="q_01_b").update(
        always_applies=True, title="Performance targets are agreed"
    )
    return review_start(workload=cast.workload, lens=lens_publish(lens=lens), user=cast.owner)


def answer_of(review: Review) -> Answer:
    return Answer.objects.get(review=review, question__code="Q_01")


def test_marking_a_practice_that_always_applies_is_400_with_words_and_changes_nothing(api_as, review):
    body = {"version": 0, "selected": ["q_01_a"], "practices_not_applicable": {"q_01_b": {"reason": "other"}}}

    response = api_as("contributor").put(f"/reviews/{review.pk}/answers/Q_01", body)

    assert response.status_code == 400
    assert response.json()["message"] == (
        "“Performance targets are agreed” always applies: it cannot be marked “does not apply”."
    )
    answer = answer_of(review)
    assert (answer.version, answer.practices_not_applicable) == (0, {})


def test_the_profile_s_reason_is_400_unless_the_profile_set_the_mark(api_as, review):
    url = f"/reviews/{review.pk}/answers/Q_01"
    mark = {"q_01_c": {"reason": "profile", "note": "No cache"}}

    refused = api_as("contributor").put(url, {"version": 0, "selected": ["q_01_a"], "practices_not_applicable": mark})
    assert refused.status_code == 400
    assert "is given by the workload profile only" in refused.json()["message"]
    assert answer_of(review).version == 0

    Answer.objects.filter(pk=answer_of(review).pk).update(practices_not_applicable=mark)
    kept = api_as("contributor").put(url, {"version": 0, "selected": ["q_01_a"], "practices_not_applicable": mark})
    assert kept.status_code == 200, kept.json()
    assert answer_of(review).practices_not_applicable == mark


def test_a_viewer_is_refused_whatever_the_body(api_as, review):
    body = {"version": 0, "practices_not_applicable": {"q_01_b": {"reason": "other"}}}

    assert api_as("viewer").put(f"/reviews/{review.pk}/answers/Q_01", body).status_code == 403
