import re

import pytest
from django.urls import reverse

from tests.factories import build_lens
from tests.reports.helpers import answer
from wareview.milestones.services import milestone_save
from wareview.plans.services import plan_open
from wareview.reviews.models import Review
from wareview.workloads.models import Workload

pytestmark = pytest.mark.django_db

FIELDS = {
    "name": "Search API",
    "environment": "pre_production",
    "regions": "eu-west-1",
    "description": "",
    "architecture_url": "",
    "review_owner": "Ana",
    "notes": "",
}


def test_a_contributor_creates_a_workload(client, cast):
    client.force_login(cast.contributor)
    response = client.post(reverse("workloads:create", args=[cast.team.pk]), FIELDS)
    workload = Workload.objects.get(name="Search API")
    assert response["Location"] == reverse("workloads:detail", args=[workload.pk])
    assert (workload.team, workload.environment, workload.created_by) == (cast.team, "pre_production", cast.contributor)


def test_workload_names_are_unique_in_a_team_whatever_the_case(client, cast):
    client.force_login(cast.contributor)
    response = client.post(reverse("workloads:create", args=[cast.team.pk]), {**FIELDS, "name": "CHECKOUT"})
    assert response.status_code == 400
    assert "The team already has a workload called “CHECKOUT”." in response.content.decode()
    assert Workload.objects.filter(team=cast.team).count() == 1


def test_another_team_may_use_the_same_name(client, cast):
    from wareview.teams.models import Team

    client.force_login(cast.outsider)
    other_team = Team.objects.get(name="Elsewhere")
    response = client.post(reverse("workloads:create", args=[other_team.pk]), {**FIELDS, "name": "Checkout"})
    assert response.status_code == 302


def test_a_bad_link_is_refused_with_a_message(client, cast):
    client.force_login(cast.contributor)
    response = client.post(
        reverse("workloads:edit", args=[cast.workload.pk]), {**FIELDS, "architecture_url": "not a link"}
    )
    assert response.status_code == 400
    assert "Enter a valid URL." in response.content.decode()


def test_deleting_asks_for_confirmation_naming_all_that_goes_then_removes_the_workload(client, cast):
    answer(cast.review, "Q_01", "a")
    plan_open(review=cast.review)
    milestone_save(review=cast.review, name="Baseline", user=cast.owner)
    client.force_login(cast.owner)
    page = client.get(reverse("workloads:delete", args=[cast.workload.pk])).content.decode()
    for words in ("1 review, with their answers", "1 milestone", "2 improvement plan items", "0 PDF reports"):
        assert words in page
    assert Workload.objects.filter(pk=cast.workload.pk).exists()
    client.post(reverse("workloads:delete", args=[cast.workload.pk]))
    assert not Workload.objects.filter(pk=cast.workload.pk).exists()
    assert not Review.objects.filter(pk=cast.review.pk).exists()


def test_starting_a_second_open_review_on_the_same_lens_is_refused(client, cast):
    client.force_login(cast.owner)
    response = client.post(reverse("reviews:start", args=[cast.workload.pk]), {"lens": cast.lens.pk}, follow=True)
    assert "Checkout already has an open review on" in response.content.decode()
    assert Review.objects.filter(workload=cast.workload).count() == 1


def test_a_review_cannot_start_on_a_draft_lens(client, cast):
    from tests.factories import build_lens
    from wareview.lenses.models import Lens

    draft = build_lens(status=Lens.Status.DRAFT)
    client.force_login(cast.owner)
    response = client.post(reverse("reviews:start", args=[cast.workload.pk]), {"lens": draft.pk})
    assert response.status_code == 400
    assert "That question set does not exist or is not published" in response.content.decode()
    assert Review.objects.filter(workload=cast.workload).count() == 1


def test_starting_a_review_creates_an_unanswered_answer_per_question_and_opens_the_first(client, cast):
    from tests.factories import build_lens

    lens = build_lens(questions_per_area=3, areas=2)
    client.force_login(cast.contributor)
    response = client.post(reverse("reviews:start", args=[cast.workload.pk]), {"lens": lens.pk})
    review = Review.objects.get(workload=cast.workload, lens=lens)
    assert response["Location"] == reverse("reviews:question", args=[review.pk, "Q_01"])
    assert list(review.answers.order_by().values_list("risk", flat=True).distinct()) == ["UNANSWERED"]
    assert review.answers.count() == 6


def test_the_workload_page_shows_each_review_with_its_completion(client, cast):
    from wareview.reviews.models import Answer, AnswerRisk

    Answer.objects.filter(review=cast.review, question__code="Q_01").update(risk=AnswerRisk.HIGH)
    client.force_login(cast.viewer)
    body = client.get(reverse("workloads:detail", args=[cast.workload.pk])).content.decode()
    assert reverse("reviews:overview", args=[cast.review.pk]) in body
    assert '<progress max="4" value="1"' in body and "25%" in body


def test_contributors_see_the_start_review_form_and_viewers_do_not(client, cast):
    build_lens()  # a question set with no open review yet
    url = reverse("workloads:detail", args=[cast.workload.pk])
    client.force_login(cast.contributor)
    assert "Start review" in client.get(url).content.decode()
    client.force_login(cast.viewer)
    body = client.get(url).content.decode()
    assert "Start review" not in body and "Edit workload" not in body


def test_the_service_refuses_a_taken_name_that_slipped_past_the_form(cast):
    from wareview.workloads.services import WorkloadError, workload_create

    with pytest.raises(WorkloadError, match=re.escape("The team already has a workload called “CHECKOUT”.")):
        workload_create(team=cast.team, user=cast.owner, fields={"name": "CHECKOUT"})
    # The refused insert ran in a savepoint: the surrounding transaction still answers queries.
    assert list(Workload.objects.filter(team=cast.team).values_list("name", flat=True)) == ["Checkout"]


def test_an_empty_workload_form_is_refused_with_a_message(client, cast):
    client.force_login(cast.contributor)
    response = client.post(reverse("workloads:create", args=[cast.team.pk]), {})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert Workload.objects.filter(team=cast.team).count() == 1


def test_an_edit_sent_empty_is_refused_and_the_workload_is_unchanged(client, cast):
    client.force_login(cast.contributor)
    response = client.post(reverse("workloads:edit", args=[cast.workload.pk]), {})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    cast.workload.refresh_from_db()
    assert (cast.workload.name, cast.workload.environment) == ("Checkout", "production")


def test_renaming_a_workload_to_a_name_the_team_uses_is_refused(client, cast):
    Workload.objects.create(team=cast.team, name="Billing", created_by=cast.owner)
    client.force_login(cast.contributor)
    response = client.post(reverse("workloads:edit", args=[cast.workload.pk]), {**FIELDS, "name": "billing"})
    assert response.status_code == 400
    assert "The team already has a workload called “billing”." in response.content.decode()
    cast.workload.refresh_from_db()
    assert cast.workload.name == "Checkout"


def test_an_unknown_environment_is_refused_with_a_message(client, cast):
    client.force_login(cast.contributor)
    response = client.post(reverse("workloads:create", args=[cast.team.pk]), {**FIELDS, "environment": "mars"})
    assert response.status_code == 400
    assert "Select a valid choice. mars is not one of the available choices." in response.content.decode()
    assert Workload.objects.filter(team=cast.team).count() == 1


def test_a_viewer_cannot_create_or_edit_a_workload_and_is_told_why(client, cast):
    client.force_login(cast.viewer)
    create = client.post(reverse("workloads:create", args=[cast.team.pk]), FIELDS)
    edit = client.post(reverse("workloads:edit", args=[cast.workload.pk]), FIELDS)
    assert (create.status_code, edit.status_code) == (403, 403)
    assert "Viewers cannot create workloads." in create.content.decode()
    assert "Viewers can read this workload but not change it." in edit.content.decode()
    assert list(Workload.objects.filter(team=cast.team).values_list("name", flat=True)) == ["Checkout"]


def test_start_review_offers_only_question_sets_without_an_open_review_and_says_why(client, cast):
    other = build_lens()
    client.force_login(cast.owner)
    page = client.get(reverse("workloads:detail", args=[cast.workload.pk])).content.decode()
    offered = re.findall(r'<option value="(\d+)">', page.split('<select id="lens"')[1].split("</select>")[0])
    assert offered == [str(other.pk)]
    assert f"Not offered: {cast.lens.name}, already under review" in page


def test_with_every_question_set_under_review_the_start_form_gives_way_to_the_reason(client, cast):
    client.force_login(cast.owner)
    page = client.get(reverse("workloads:detail", args=[cast.workload.pk])).content.decode()
    assert '<select id="lens"' not in page
    assert f"No other question set to start: {cast.lens.name}, already under review" in page
