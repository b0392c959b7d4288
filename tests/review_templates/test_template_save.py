"""Saving a review's answers as a template of its team, the team's templates page, deleting one; who may."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.review_templates.conftest import MARK
from wareview.review_templates.models import ReviewTemplate
from wareview.review_templates.services import template_save
from wareview.reviews.services import review_close
from wareview.teams.models import Membership, Role

pytestmark = pytest.mark.django_db


def save_url(review) -> str:
    return reverse("review_templates:save", args=[review.pk])


def list_url(team) -> str:
    return reverse("review_templates:list", args=[team.pk])


@pytest.mark.parametrize("role", ["owner", "contributor"])
def test_a_writer_saves_the_reviews_answers_as_a_template_of_its_team(client, cast, answered, role):
    client.force_login(cast.user(role))
    response = client.post(save_url(answered), {"name": "Payments baseline", "description": "Our usual answers."})
    assert response.status_code == 302
    assert response["Location"] == list_url(cast.team)
    template = ReviewTemplate.objects.get()
    assert (template.team, template.lens, str(template)) == (cast.team, cast.lens, "Payments baseline")
    assert (template.description, template.created_by) == ("Our usual answers.", cast.user(role))
    # Every answer that says something, without its risk; Q_04 said nothing.
    assert template.answers == {
        "Q_01": {
            "selected": ["q_01_a", "q_01_b"],
            "not_applicable": False,
            "reason": "",
            "notes": "Checked in March.",
            "practices_not_applicable": {},
        },
        "Q_02": {
            "selected": [],
            "not_applicable": True,
            "reason": "out_of_scope",
            "notes": "",
            "practices_not_applicable": {},
        },
        "Q_03": {
            "selected": ["q_03_a"],
            "not_applicable": False,
            "reason": "",
            "notes": "",
            "practices_not_applicable": {"q_03_b": MARK},
        },
    }


def test_the_review_overview_offers_save_as_template_to_writers_only(client, cast):
    url = reverse("reviews:overview", args=[cast.review.pk])
    client.force_login(cast.contributor)
    assert "Save as template" in client.get(url).content.decode()
    client.force_login(cast.viewer)
    assert "Save as template" not in client.get(url).content.decode()


def test_a_viewer_cannot_save_a_template(client, cast, answered):
    client.force_login(cast.viewer)
    response = client.post(save_url(answered), {"name": "Mine"})
    assert response.status_code == 403
    assert not ReviewTemplate.objects.exists()


def test_an_outsider_cannot_save_a_template_nor_learn_the_review_exists(client, cast, answered):
    client.force_login(cast.outsider)
    response = client.post(save_url(answered), {"name": "Mine"})
    assert response.status_code == 404
    assert not ReviewTemplate.objects.exists()


def test_a_closed_review_may_still_be_saved_as_a_template(client, cast, answered):
    review_close(review=answered)
    client.force_login(cast.contributor)
    assert client.post(save_url(answered), {"name": "From the closed one"}).status_code == 302
    assert ReviewTemplate.objects.get().answers["Q_01"]["selected"] == ["q_01_a", "q_01_b"]


def test_a_name_the_team_already_uses_is_refused_with_words_whatever_its_case(client, cast, answered):
    template_save(review=answered, name="Payments baseline", description="", user=cast.owner)
    client.force_login(cast.contributor)
    response = client.post(save_url(answered), {"name": "PAYMENTS Baseline", "description": "Again"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "The team already has a template named “PAYMENTS Baseline”" in body
    assert 'value="PAYMENTS Baseline"' in body  # the form keeps what was typed
    assert ReviewTemplate.objects.count() == 1


def test_another_team_may_use_the_same_name(cast, answered):
    from wareview.teams.services import team_create
    from wareview.workloads.models import Workload

    other = team_create(name="Search", user=cast.owner)
    workload = Workload.objects.create(team=other, name="Search", created_by=cast.owner)
    from wareview.reviews.services import review_start

    review = review_start(workload=workload, lens=cast.lens, user=cast.owner)
    template_save(review=answered, name="Baseline", description="", user=cast.owner)
    template_save(review=review, name="Baseline", description="", user=cast.owner)
    assert ReviewTemplate.objects.filter(name="Baseline").count() == 2


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"name": ""}, "Give the template a name."),
        ({"name": "   "}, "Give the template a name."),
        ({"name": "x" * 121}, "A template&#x27;s name can be at most 120 characters; this one has 121."),
        ({"name": "Fine", "description": "y" * 2001}, "A description can be at most 2000 characters"),
        ({"name": "Nul\x00here"}, "contains a NUL character, which wareview cannot store"),
    ],
)
def test_a_bad_template_is_refused_with_words_and_nothing_is_saved(client, cast, answered, data, words):
    client.force_login(cast.owner)
    response = client.post(save_url(answered), data)
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not ReviewTemplate.objects.exists()


def test_saving_needs_a_post(client, cast):
    client.force_login(cast.owner)
    assert client.get(save_url(cast.review)).status_code == 405


def test_every_member_sees_the_teams_templates_and_writers_may_delete_them(client, cast, answered):
    template_save(review=answered, name="Baseline", description="The usual.", user=cast.owner)
    client.force_login(cast.viewer)
    body = client.get(list_url(cast.team)).content.decode()
    assert "Baseline" in body and "The usual." in body
    assert "Delete" not in body
    client.force_login(cast.contributor)
    assert "Delete" in client.get(list_url(cast.team)).content.decode()


def test_an_outsider_cannot_see_the_teams_templates(client, cast, answered):
    template_save(review=answered, name="Baseline", description="", user=cast.owner)
    client.force_login(cast.outsider)
    assert client.get(list_url(cast.team)).status_code == 404


def test_a_writer_deletes_a_template(client, cast, answered):
    template = template_save(review=answered, name="Baseline", description="", user=cast.owner)
    client.force_login(cast.contributor)
    response = client.post(reverse("review_templates:delete", args=[template.pk]))
    assert response.status_code == 302
    assert response["Location"] == list_url(cast.team)
    assert not ReviewTemplate.objects.exists()


@pytest.mark.parametrize(("role", "status"), [("viewer", 403), ("outsider", 404)])
def test_a_viewer_or_an_outsider_cannot_delete_a_template(client, cast, answered, role, status):
    template = template_save(review=answered, name="Baseline", description="", user=cast.owner)
    client.force_login(cast.user(role))
    assert client.post(reverse("review_templates:delete", args=[template.pk])).status_code == status
    assert ReviewTemplate.objects.filter(pk=template.pk).exists()


def test_the_templates_page_shows_25_at_a_time_in_the_same_queries_for_3_as_for_60(
    client, cast, answered, django_assert_num_queries
):
    client.force_login(cast.contributor)
    counts = []
    for total in (3, 60):
        ReviewTemplate.objects.all().delete()
        ReviewTemplate.objects.bulk_create(
            ReviewTemplate(team=cast.team, lens=cast.lens, name=f"Template {n:02d}", created_by=cast.owner)
            for n in range(total)
        )
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            response = client.get(list_url(cast.team))
        assert response.status_code == 200
        counts.append(len(queries))
    body = response.content.decode()
    assert "Template 24" in body and "Template 25" not in body
    assert "Page 1 of 3" in body
    assert counts[0] == counts[1]
    assert "Template 59" in client.get(list_url(cast.team), {"page": 3}).content.decode()


def test_a_member_who_joins_later_sees_the_templates_too(client, cast, answered):
    template_save(review=answered, name="Baseline", description="", user=cast.owner)
    newcomer = UserFactory(username="nina")
    Membership.objects.create(team=cast.team, user=newcomer, role=Role.VIEWER)
    client.force_login(newcomer)
    assert "Baseline" in client.get(list_url(cast.team)).content.decode()


def test_saving_takes_the_same_queries_on_a_small_and_a_large_lens(client, cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import build_lens
    from tests.review_templates.conftest import answer
    from wareview.reviews.services import review_start
    from wareview.workloads.models import Workload

    large = review_start(
        workload=Workload.objects.create(team=cast.team, name="Search", created_by=cast.owner),
        lens=build_lens(questions_per_area=6, areas=4),
        user=cast.owner,
    )
    client.force_login(cast.contributor)
    counts = []
    for review in (cast.review, large):
        answer(review, "Q_01", cast.owner, selected=["q_01_a"])
        with CaptureQueriesContext(connection) as queries:
            assert client.post(save_url(review), {"name": f"From {review.pk}"}).status_code == 302
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert ReviewTemplate.objects.get(name=f"From {large.pk}").answers["Q_01"]["selected"] == ["q_01_a"]
