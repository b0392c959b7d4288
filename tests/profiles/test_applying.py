"""Saving a workload profile marks what does not apply on the open review, and never undoes a person's choice."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from tests.factories import ChoiceFactory, ProfileQuestionFactory, build_lens
from tests.profiles.helpers import answer_of, marks, profile_url
from wareview.lenses.models import Choice, Lens
from wareview.lenses.services import lens_publish
from wareview.plans.selectors import plan_items
from wareview.profiles import services
from wareview.profiles.models import WorkloadProfile
from wareview.reviews.models import AnswerChange, AnswerRisk
from wareview.reviews.services import AnswerState, answer_save, review_start
from wareview.workloads.models import Workload

pytestmark = pytest.mark.django_db

NO_CACHE = "Not in this workload's profile: Does the workload keep a cache? — No"


def save_profile(client, cast, **answers: str):
    client.force_login(cast.contributor)
    return client.post(profile_url(cast), {"keeps_cache": "", "users": "", **answers})


def test_answering_no_cache_marks_the_cache_practices_with_the_profile_reason(client, profiled):
    response = save_profile(client, profiled, keeps_cache="no")
    assert response.status_code == 302
    assert marks(profiled.profiled_review) == {
        "q_01_b": {"reason": "profile", "note": NO_CACHE},
        "q_02_c": {"reason": "profile", "note": NO_CACHE},
    }
    profile = WorkloadProfile.objects.get(workload=profiled.storefront)
    assert profile.answers == {"keeps_cache": False} and profile.updated_by == profiled.contributor


def test_the_profile_never_marks_a_practice_that_always_applies(client, profiled):
    save_profile(client, profiled, keeps_cache="no")
    assert "q_04_a" not in marks(profiled.profiled_review)


def test_the_marks_alone_leave_a_question_unanswered_and_are_kept_in_its_history(client, profiled):
    save_profile(client, profiled, keeps_cache="no")
    answer = answer_of(profiled.profiled_review, "Q_01")
    assert answer.risk == AnswerRisk.UNANSWERED and answer.version == 1
    change = AnswerChange.objects.get(answer=answer)
    assert (
        change.note == "Workload profile changed" and change.version == 1 and change.changed_by == profiled.contributor
    )
    assert change.before["practices_not_applicable"] == {} and "q_01_b" in change.after["practices_not_applicable"]
    assert AnswerChange.objects.filter(answer__review=profiled.profiled_review).count() == 2


def test_a_mark_counts_as_followed_on_a_question_a_person_answered(client, profiled):
    answer = answer_of(profiled.profiled_review, "Q_01")
    answer_save(answer=answer, user=profiled.owner, data=AnswerState(selected=("q_01_a",)), expected_version=0)
    assert answer.risk == AnswerRisk.MEDIUM  # q_01_b missing
    save_profile(client, profiled, keeps_cache="no")
    assert answer_of(profiled.profiled_review, "Q_01").risk == AnswerRisk.NONE


def test_the_message_says_what_changed_and_names_the_practices(client, profiled):
    response = save_profile(client, profiled, keeps_cache="no", users="one_region")
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert said[0] == "Saved the workload profile. 3 practices no longer apply to this workload."
    assert said[1] == "No longer apply: Q_01 · Q_01 practice b; Q_02 · Q_02 practice c; Q_03 · Q_03 practice c."
    response = save_profile(client, profiled, keeps_cache="yes", users="one_region")
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert said[-2:] == [
        "Saved the workload profile. 2 practices apply again.",
        "Apply again: Q_01 · Q_01 practice b; Q_02 · Q_02 practice c.",
    ]


def test_a_persons_override_survives_a_profile_change(client, profiled):
    save_profile(client, profiled, keeps_cache="no")
    # The person unmarks q_02_c on the question page: the profile was wrong about it.
    client.force_login(profiled.owner)
    url = reverse("reviews:question", args=[profiled.profiled_review.pk, "Q_02"])
    assert client.post(url, {"version": 1, "selected": [], "reason": "", "notes": ""}).status_code == 302
    answer = answer_of(profiled.profiled_review, "Q_02")
    assert answer.practices_not_applicable == {} and answer.profile_overrides == ["q_02_c"]
    save_profile(client, profiled, keeps_cache="yes")
    client.get(profile_url(profiled))  # shows, and so clears, the messages so far
    response = save_profile(client, profiled, keeps_cache="no")
    assert "q_02_c" not in marks(profiled.profiled_review) and "q_01_b" in marks(profiled.profiled_review)
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert said[0] == (
        "Saved the workload profile. 1 practice no longer applies to this workload; "
        "1 you set yourself was left as it was."
    )
    assert said[2] == "Left as you set them: Q_02 · Q_02 practice c."


def test_ticking_a_practice_the_profile_marked_is_an_override(client, profiled):
    save_profile(client, profiled, keeps_cache="no")
    answer = answer_of(profiled.profiled_review, "Q_01")
    answer_save(answer=answer, user=profiled.owner, data=AnswerState(selected=("q_01_b",)), expected_version=1)
    assert answer.profile_overrides == ["q_01_b"]
    save_profile(client, profiled, keeps_cache="yes")
    save_profile(client, profiled, keeps_cache="no")
    assert answer_of(profiled.profiled_review, "Q_01").practices_not_applicable == {}


def test_a_practice_a_person_marked_for_another_reason_is_left_alone(client, profiled):
    answer = answer_of(profiled.profiled_review, "Q_01")
    own = {"q_01_b": {"reason": "out_of_scope", "note": "Handled by the platform."}}
    answer_save(answer=answer, user=profiled.owner, data=AnswerState(practices_not_applicable=own), expected_version=0)
    save_profile(client, profiled, keeps_cache="no")
    save_profile(client, profiled, keeps_cache="yes")
    answer.refresh_from_db()
    assert answer.practices_not_applicable == own and answer.profile_overrides == []


def test_a_question_left_unanswered_again_takes_the_profile_marks_off(client, profiled):
    save_profile(client, profiled, keeps_cache="no")
    save_profile(client, profiled, keeps_cache="")
    assert marks(profiled.profiled_review) == {}
    assert WorkloadProfile.objects.get(workload=profiled.storefront).answers == {}


def test_a_profile_of_a_workload_without_an_open_review_is_kept_for_its_next_review(client, profiled):
    profiled.profiled_review.status = "closed"
    profiled.profiled_review.save()
    response = save_profile(client, profiled, keeps_cache="no")
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Saved the workload profile. No practice changed."]
    assert marks(profiled.profiled_review) == {}
    review = review_start(workload=profiled.storefront, lens=profiled.profiled_lens, user=profiled.owner)
    assert set(marks(review)) == {"q_01_b", "q_02_c"}
    change = AnswerChange.objects.filter(answer__review=review).first()
    assert change.note == "Marked from the workload profile as the review started"


def test_a_review_on_a_version_without_profile_questions_is_left_as_it_is(profiled):
    workload = Workload.objects.create(team=profiled.team, name="Back office", created_by=profiled.owner)
    review = review_start(workload=workload, lens=profiled.lens, user=profiled.owner)
    changes = services.profile_save(
        workload=workload, lens=profiled.lens, answers={"keeps_cache": False}, user=profiled.owner
    )
    assert changes == services.ProfileChanges() and marks(review) == {}


def _lens_with(questions_per_area: int) -> Lens:
    """A lens of twice `questions_per_area` questions, each with its second practice needing a cache."""
    lens = build_lens(status=Lens.Status.DRAFT, questions_per_area=questions_per_area)
    ProfileQuestionFactory(lens=lens, code="keeps_cache", title="Does the workload keep a cache?")
    Choice.objects.filter(question__pillar__lens=lens, code__endswith="_b").update(applies_when="keeps_cache")
    ChoiceFactory.reset_sequence()
    return lens_publish(lens=lens)


@pytest.mark.parametrize("questions_per_area", [2, 20])
def test_applying_takes_as_many_queries_for_forty_questions_as_for_four(
    profiled, questions_per_area, django_assert_num_queries
):
    lens = _lens_with(questions_per_area)
    review = review_start(workload=profiled.workload, lens=lens, user=profiled.owner)
    # The profile's row (a read, and an insert in two savepoints: six statements), the open review; the review's
    # lock, the profile questions, the practices, the answers' lock, the rules, one update and one insert of
    # history; the plan's check whether it has started; the savepoints of the test's and of the save's transaction.
    with django_assert_num_queries(17):
        services.profile_save(
            workload=profiled.workload, lens=lens, answers={"keeps_cache": False}, user=profiled.owner
        )
    assert len(marks(review)) == 2 * questions_per_area


def test_a_review_closed_before_the_profile_is_applied_is_left_as_it_is(profiled):
    profiled.profiled_review.status = "closed"
    profiled.profiled_review.save()
    changes = services.profile_apply(
        review=profiled.profiled_review, answers={"keeps_cache": False}, user=None, note=services.CHANGED_NOTE
    )
    assert changes == services.ProfileChanges() and marks(profiled.profiled_review) == {}


def test_a_profile_is_named_after_its_workload_and_question_set(client, profiled):
    save_profile(client, profiled, keeps_cache="no")
    profile = WorkloadProfile.objects.get()
    assert str(profile) == f"Storefront — {profiled.profiled_lens.slug} profile"


def test_a_save_from_a_page_opened_before_the_profile_keeps_the_profile_marks(client, profiled):
    client.force_login(profiled.owner)
    url = reverse("reviews:question", args=[profiled.profiled_review.pk, "Q_01"])
    save_profile(client, profiled, keeps_cache="no")
    client.force_login(profiled.owner)
    # The page still shows version 0, without the mark: the save is merged over the profile's change.
    response = client.post(url, {"version": 0, "selected": ["q_01_a"], "reason": "", "notes": "Checked."})
    assert response.status_code == 302
    answer = answer_of(profiled.profiled_review, "Q_01")
    assert answer.selected == ["q_01_a"] and answer.notes == "Checked."
    assert answer.practices_not_applicable == {"q_01_b": {"reason": "profile", "note": NO_CACHE}}
    assert answer.profile_overrides == [] and answer.risk == AnswerRisk.NONE and answer.version == 2


def test_a_started_plan_follows_the_practices_the_profile_marks_and_unmarks(client, profiled):
    review = profiled.profiled_review
    answer = answer_of(review, "Q_01")
    answer_save(answer=answer, user=profiled.owner, data=AnswerState(selected=("q_01_a",)), expected_version=0)
    client.force_login(profiled.owner)
    plan_url = reverse("plans:plan", args=[review.pk])
    assert "Q_01 practice b" in client.get(plan_url).content.decode()  # reading the plan starts it

    save_profile(client, profiled, keeps_cache="no")
    listed = [(item.question_code, item.practice_code) for item in plan_items(review=review)]
    assert ("Q_01", "q_01_b") not in listed  # no longer applies, so no longer recommended
    client.get(profile_url(profiled))  # shows, and so clears, the message naming the practice
    assert "Q_01 practice b" not in client.get(plan_url).content.decode()

    save_profile(client, profiled, keeps_cache="yes")
    client.get(profile_url(profiled))
    listed = [(item.question_code, item.practice_code) for item in plan_items(review=review)]
    assert ("Q_01", "q_01_b") in listed
    assert "Q_01 practice b" in client.get(plan_url).content.decode()
