"""Moving a review to a new lens version saves a milestone "Before upgrade to v<N>" first, in the same
transaction, so the answers as they were stay readable and comparable."""

import pytest
from django.urls import reverse

from tests.factories import build_question
from wareview.lenses.models import Question
from wareview.lenses.services import lens_new_draft, lens_publish
from wareview.milestones.models import Milestone
from wareview.milestones.services import milestone_save
from wareview.reviews.models import Review

pytestmark = pytest.mark.django_db


@pytest.fixture
def version_two(answered):
    """v2 of the cast's lens: Q_04 removed, Q_05 new."""
    draft = lens_new_draft(lens=answered.lens)
    Question.objects.filter(pillar__lens=draft, code="Q_04").delete()
    pillar = draft.pillars.get()
    build_question(pillar=pillar, focus_area=pillar.focus_areas.first(), code="Q_05", order=9)
    return lens_publish(lens=draft)


def move(client, cast, lens):
    client.force_login(cast.owner)
    return client.post(reverse("reviews:upgrade", args=[cast.review.pk, lens.pk]))


def test_the_move_saves_the_answers_before_it_as_a_milestone(client, answered, version_two):
    response = move(client, answered, version_two)
    assert response.status_code == 302
    milestone = Milestone.objects.get()
    assert (milestone.name, milestone.lens, milestone.created_by) == (
        "Before upgrade to v2",
        answered.lens,
        answered.owner,
    )
    codes = sorted(milestone.answers.values_list("question__code", flat=True))
    assert codes == ["Q_01", "Q_02", "Q_03", "Q_04"]  # the removed question is kept in the milestone
    assert Review.objects.get().lens == version_two
    messages = [str(message) for message in response.wsgi_request._messages]
    assert "kept as the milestone “Before upgrade to v2”" in messages[0]


def test_a_taken_name_gets_a_number(client, answered, version_two):
    milestone_save(review=answered.review, name="before upgrade to v2", user=answered.owner)
    milestone_save(review=answered.review, name="Before upgrade to v2 (2)", user=answered.owner)
    move(client, answered, version_two)
    assert Milestone.objects.filter(lens=answered.lens).latest("pk").name == "Before upgrade to v2 (3)"


def test_a_move_that_fails_saves_no_milestone(client, answered, version_two, monkeypatch):
    from wareview.milestones import services

    def broken(**kwargs):
        raise RuntimeError("the move broke")

    monkeypatch.setattr(services, "review_upgrade", broken)
    client.raise_request_exception = False
    assert move(client, answered, version_two).status_code == 500
    assert not Milestone.objects.exists()
