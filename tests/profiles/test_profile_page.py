"""The "Workload profile" page: who may see and change it, what bad input gets, and where it is asked and linked."""

import pytest
from django.urls import reverse

from tests.profiles.helpers import answer_of, profile_url
from wareview.profiles.models import WorkloadProfile
from wareview.profiles.services import profile_save
from wareview.reviews.models import Answer, AnswerRisk

pytestmark = pytest.mark.django_db


def test_the_page_asks_each_question_in_a_fieldset_with_not_answered_yet_chosen(client, profiled):
    client.force_login(profiled.viewer)
    body = client.get(profile_url(profiled)).content.decode()
    assert "<legend>Does the workload keep a cache?</legend>" in body
    assert "<legend>Where are its users?</legend>" in body
    assert '<input type="radio" name="users" value="many_regions"> In several</label>' in body
    assert '<input type="radio" name="keeps_cache" value="" checked> Not answered yet</label>' in body


def test_the_page_shows_the_saved_answers(client, profiled):
    profile_save(workload=profiled.storefront, lens=profiled.profiled_lens, answers={"users": "one_region"}, user=None)
    client.force_login(profiled.contributor)
    body = client.get(profile_url(profiled)).content.decode()
    assert '<input type="radio" name="users" value="one_region" checked> In one region</label>' in body


def test_a_viewer_reads_the_profile_but_cannot_change_it(client, profiled):
    client.force_login(profiled.viewer)
    body = client.get(profile_url(profiled)).content.decode()
    assert "Save the profile" not in body and " disabled>" in body
    response = client.post(profile_url(profiled), {"keeps_cache": "no"})
    assert response.status_code == 403
    assert not WorkloadProfile.objects.exists()


def test_an_outsider_gets_nothing(client, profiled):
    client.force_login(profiled.outsider)
    assert client.get(profile_url(profiled)).status_code == 404
    assert client.post(profile_url(profiled), {"keeps_cache": "no"}).status_code == 404
    assert not WorkloadProfile.objects.exists()


def test_an_unknown_option_is_refused_with_words_and_nothing_saved(client, profiled):
    client.force_login(profiled.owner)
    response = client.post(profile_url(profiled), {"keeps_cache": "no", "users": "everywhere"})
    assert response.status_code == 400
    assert (
        "“everywhere” is not an answer to “Where are its users?”; choose one of its answers."
        in response.content.decode()
    )
    assert not WorkloadProfile.objects.exists()
    assert answer_of(profiled.profiled_review, "Q_01").practices_not_applicable == {}


def test_a_long_unknown_answer_is_quoted_shortened(client, profiled):
    client.force_login(profiled.owner)
    response = client.post(profile_url(profiled), {"users": "x" * 5000})
    assert response.status_code == 400
    body = response.content.decode()
    assert f"“{'x' * 60}” is not an answer to “Where are its users?”" in body and "x" * 61 not in body


def test_a_question_set_that_does_not_exist_is_a_404(client, profiled):
    client.force_login(profiled.owner)
    assert client.get(reverse("profiles:profile", args=[profiled.storefront.pk, "no-such-lens"])).status_code == 404


def test_a_question_set_without_profile_questions_says_so_and_saves_nothing(client, profiled):
    client.force_login(profiled.owner)
    url = reverse("profiles:profile", args=[profiled.storefront.pk, profiled.lens.slug])
    assert "asks no profile questions" in client.get(url).content.decode()
    assert client.post(url, {}).status_code == 302
    assert not WorkloadProfile.objects.exists()


def test_starting_a_review_asks_the_profile_once_with_a_skip_link_to_the_review(client, profiled):
    profiled.profiled_review.status = "closed"
    profiled.profiled_review.save()
    client.force_login(profiled.owner)
    response = client.post(reverse("reviews:start", args=[profiled.storefront.pk]), {"lens": profiled.profiled_lens.pk})
    review = profiled.storefront.reviews.get(status="open")
    overview = reverse("reviews:overview", args=[review.pk])
    assert response.url == profile_url(profiled, next=overview)
    body = client.get(response.url).content.decode()
    assert f'<a href="{overview}">Skip for now</a>' in body
    saved = client.post(response.url, {"keeps_cache": "no", "users": "many_regions"})
    assert saved.url == overview
    assert "q_01_b" in answer_of(review, "Q_01").practices_not_applicable


def test_a_review_started_with_a_profile_goes_to_the_first_question_it_asks_first(client, profiled):
    answers = {"keeps_cache": True, "users": "many_regions"}
    profile_save(workload=profiled.storefront, lens=profiled.profiled_lens, answers=answers, user=profiled.owner)
    profiled.profiled_review.status = "closed"
    profiled.profiled_review.save()
    client.force_login(profiled.owner)
    response = client.post(reverse("reviews:start", args=[profiled.storefront.pk]), {"lens": profiled.profiled_lens.pk})
    review = profiled.storefront.reviews.get(status="open")
    assert response.url == reverse("reviews:question", args=[review.pk, "Q_03"])


def test_a_review_on_a_lens_without_profile_questions_starts_at_its_first_question(client, profiled):
    client.force_login(profiled.owner)
    response = client.post(reverse("reviews:start", args=[profiled.storefront.pk]), {"lens": profiled.lens.pk})
    review = profiled.storefront.reviews.get(lens=profiled.lens)
    assert response.url == reverse("reviews:question", args=[review.pk, "Q_01"])


def test_an_address_of_another_site_in_next_is_not_followed(client, profiled):
    client.force_login(profiled.owner)
    url = profile_url(profiled, next="https://elsewhere.example/")
    assert "Skip for now" not in client.get(url).content.decode()
    assert client.post(url, {"keeps_cache": "no"}).url == profile_url(profiled)


def test_the_overview_starts_with_the_questions_the_profile_puts_first(client, profiled):
    answers = {"keeps_cache": True, "users": "many_regions"}
    profile_save(workload=profiled.storefront, lens=profiled.profiled_lens, answers=answers, user=profiled.owner)
    client.force_login(profiled.viewer)
    body = client.get(reverse("reviews:overview", args=[profiled.profiled_review.pk])).content.decode()
    first = body.split("Start with these")[1].split("</section>")[0]
    assert "Q_03" in first and "Q_01" not in first
    walk = reverse("reviews:question", args=[profiled.profiled_review.pk, "Q_03"])
    assert f'<a class="button primary" href="{walk}">Walk through the questions</a>' in body
    assert f'href="{profile_url(profiled)}">Workload profile</a>' in body


def test_the_walk_goes_on_in_lens_order_once_the_first_questions_are_answered(client, profiled):
    answers = {"keeps_cache": True, "users": "many_regions"}
    profile_save(workload=profiled.storefront, lens=profiled.profiled_lens, answers=answers, user=profiled.owner)
    Answer.objects.filter(review=profiled.profiled_review, question__code="Q_03").update(risk=AnswerRisk.NONE)
    client.force_login(profiled.viewer)
    body = client.get(reverse("reviews:overview", args=[profiled.profiled_review.pk])).content.decode()
    walk = reverse("reviews:question", args=[profiled.profiled_review.pk, "Q_01"])
    assert f'<a class="button primary" href="{walk}">Walk through the questions</a>' in body


def test_an_overview_without_a_profile_neither_lists_first_questions_nor_links_one_for_a_lens_without_them(
    client, profiled
):
    client.force_login(profiled.viewer)
    body = client.get(reverse("reviews:overview", args=[profiled.profiled_review.pk])).content.decode()
    assert "Start with these" not in body and "Workload profile" in body
    body = client.get(reverse("reviews:overview", args=[profiled.review.pk])).content.decode()
    assert "Workload profile" not in body


def test_the_workload_page_links_the_profile_of_a_lens_under_review(client, profiled):
    client.force_login(profiled.viewer)
    body = client.get(reverse("workloads:detail", args=[profiled.storefront.pk])).content.decode()
    assert f'<a href="{profile_url(profiled)}">Workload profile' in body
    body = client.get(reverse("workloads:detail", args=[profiled.workload.pk])).content.decode()
    assert "Workload profile" not in body


def test_the_question_page_shows_the_profile_reason_on_the_practice(client, profiled):
    profile_save(
        workload=profiled.storefront, lens=profiled.profiled_lens, answers={"keeps_cache": False}, user=profiled.owner
    )
    client.force_login(profiled.viewer)
    body = client.get(reverse("reviews:question", args=[profiled.profiled_review.pk, "Q_01"])).content.decode()
    assert (
        '<p class="practice-profile" id="practice-profile-q_01_b">'
        "Not in this workload&#x27;s profile: Does the workload keep a cache? — No</p>"
    ) in body
    # Said in one line; the mark's controls stay folded until a person opens them to override it.
    practice = body[body.index('id="choice-q_01_b"') : body.index('id="practice-profile-q_01_b"')]
    assert '<details class="practice-na">' in practice and 'id="practice-na-q_01_b" checked' in practice
    assert '<details class="practice-na" open>' not in practice


def test_the_overview_reads_the_profile_in_two_more_queries(client, profiled, django_assert_num_queries):
    answers = {"keeps_cache": True, "users": "many_regions"}
    profile_save(workload=profiled.storefront, lens=profiled.profiled_lens, answers=answers, user=profiled.owner)
    client.force_login(profiled.contributor)
    # As tests/reviews/test_dashboard_and_overview.py, plus the workload's profile and the questions' first_when.
    with django_assert_num_queries(9):
        client.get(reverse("reviews:overview", args=[profiled.profiled_review.pk]))
