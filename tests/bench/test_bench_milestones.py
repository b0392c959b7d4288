"""The web benchmark's milestone measures: the two milestones it prepares on the 200-question review differ in
the number of answers the compare measure expects, run after run; a saved milestone answers with the redirect."""

import pytest
from django.urls import reverse

from bench.web import MILESTONE_CHANGES, milestone_pair, switch_lens
from tests.factories import UserFactory
from wareview.milestones.models import Milestone
from wareview.reviews.services import review_start
from wareview.teams.services import team_create
from wareview.workloads.models import Workload

pytestmark = pytest.mark.django_db


def test_each_run_prepares_two_milestones_that_differ_in_the_expected_answers(client):
    user = UserFactory()
    workload = Workload.objects.create(team=team_create(name="Bench team", user=user), name="Bench workload")
    review = review_start(workload=workload, lens=switch_lens(), user=user)
    client.force_login(user)
    for run in range(3):  # the answers change differently on each run; earlier runs' milestones go
        before, after = milestone_pair(review)
        response = client.get(reverse("milestones:compare", args=[workload.pk]), {"before": before, "after": after})
        assert response.content.count(b'<tr class="compare-') == MILESTONE_CHANGES, run
        assert Milestone.objects.count() == 2
    response = client.post(reverse("milestones:create", args=[workload.pk]), {"name": "Bench 1", "review": review.pk})
    assert response.status_code == 302
    assert Milestone.objects.get(name="Bench 1").answers.count() == 200
