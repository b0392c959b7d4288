"""The access helpers: each reads its object and the member's role in one query and returns both as a frozen
result; outsiders get the one 404, roles short of the need get 403 with the reason."""

import re
from dataclasses import FrozenInstanceError

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from wareview.lenses.selectors import question_sheet
from wareview.milestones.access import get_milestone_for
from wareview.milestones.services import milestone_save
from wareview.reports.access import get_report_for
from wareview.reports.models import Report
from wareview.reviews.access import get_answer_for, get_answer_to_write, get_review_for
from wareview.teams.access import NOT_FOUND, Need, get_team_for
from wareview.teams.models import Role
from wareview.workloads.access import get_workload_for

pytestmark = pytest.mark.django_db

MISSING_ID = 2_000_000_000


@pytest.fixture
def report(cast) -> Report:
    return Report.objects.create(review=cast.review, requested_by=cast.owner)


# helper name → (call with the cast's object, call with an id that matches nothing, what the result holds)
HELPERS = {
    "team": (
        lambda c, user, **kw: get_team_for(user, c.team.pk, **kw),
        lambda user: get_team_for(user, MISSING_ID),
        lambda c, access: access.team == c.team,
    ),
    "workload": (
        lambda c, user, **kw: get_workload_for(user, c.workload.pk, **kw),
        lambda user: get_workload_for(user, MISSING_ID),
        lambda c, access: access.workload == c.workload,
    ),
    "review": (
        lambda c, user, **kw: get_review_for(user, c.review.pk, **kw),
        lambda user: get_review_for(user, MISSING_ID),
        lambda c, access: access.review == c.review,
    ),
    "answer": (
        lambda c, user, **kw: get_answer_for(user, c.review.pk, "Q_01", **kw),
        lambda user: get_answer_for(user, MISSING_ID, "Q_01"),
        lambda c, access: (access.answer.review, access.answer.question.code) == (c.review, "Q_01"),
    ),
    "milestone": (
        lambda c, user, **kw: get_milestone_for(user, c.milestone.pk, **kw),
        lambda user: get_milestone_for(user, MISSING_ID),
        lambda c, access: access.milestone == c.milestone and access.milestone.review.workload.team == c.team,
    ),
    "report": (
        lambda c, user, **kw: get_report_for(user, c.report.pk, **kw),
        lambda user: get_report_for(user, MISSING_ID),
        lambda c, access: access.report == c.report,
    ),
}


@pytest.fixture
def everything(cast, report):
    cast.report = report
    cast.milestone = milestone_save(review=cast.review, name="Baseline", user=cast.owner)
    return cast


@pytest.mark.parametrize("helper", sorted(HELPERS))
def test_each_helper_gives_a_member_the_object_and_their_role_in_one_query(
    everything, helper, django_assert_num_queries
):
    call, _, holds = HELPERS[helper]
    with django_assert_num_queries(1):
        access = call(everything, everything.contributor)
    assert holds(everything, access)
    assert access.role is Role.CONTRIBUTOR


@pytest.mark.parametrize("helper", sorted(HELPERS))
def test_no_helper_leaves_the_role_on_the_model_instance(everything, helper):
    call, *_ = HELPERS[helper]
    access = call(everything, everything.owner)
    loaded = next(value for name, value in vars(access).items() if name != "role")
    assert not hasattr(loaded, "role") and not hasattr(loaded, "access_role")


@pytest.mark.parametrize("helper", sorted(HELPERS))
def test_an_outsider_gets_the_same_404_as_for_an_object_that_does_not_exist(everything, helper):
    call, missing, _ = HELPERS[helper]
    with pytest.raises(Http404) as theirs:
        call(everything, everything.outsider)
    with pytest.raises(Http404) as absent:
        missing(everything.owner)
    assert str(theirs.value) == str(absent.value) == NOT_FOUND


@pytest.mark.parametrize("helper", sorted(HELPERS))
def test_an_anonymous_visitor_gets_the_404_without_a_query(everything, helper, django_assert_num_queries):
    call, *_ = HELPERS[helper]
    with django_assert_num_queries(0), pytest.raises(Http404):
        call(everything, AnonymousUser())


@pytest.mark.parametrize("helper", sorted(HELPERS))
def test_a_viewer_reads_but_is_refused_what_needs_writing_or_owning(everything, helper):
    call, *_ = HELPERS[helper]
    assert call(everything, everything.viewer).role is Role.VIEWER
    for need in (Need.WRITE, Need.OWNER):
        with pytest.raises(PermissionDenied):
            call(everything, everything.viewer, need=need)


@pytest.mark.parametrize("helper", sorted(HELPERS))
def test_a_contributor_writes_but_is_told_only_owners_may_do_what_needs_an_owner(everything, helper):
    call, *_ = HELPERS[helper]
    assert call(everything, everything.contributor, need=Need.WRITE).can_write
    with pytest.raises(PermissionDenied, match=re.escape("Only the team's owners can do this.")):
        call(everything, everything.contributor, need=Need.OWNER)


def test_the_refusals_say_what_a_viewer_may_not_do(cast):
    refusals = {
        "Viewers cannot create workloads.": lambda: get_team_for(cast.viewer, cast.team.pk, need=Need.WRITE),
        "Viewers can read this workload but not change it.": lambda: get_workload_for(
            cast.viewer, cast.workload.pk, need=Need.WRITE
        ),
        "Viewers can read this review but not change its answers.": lambda: get_answer_for(
            cast.viewer, cast.review.pk, "Q_01", need=Need.WRITE
        ),
    }
    for message, call in refusals.items():
        with pytest.raises(PermissionDenied, match=message):
            call()


@pytest.mark.parametrize(
    ("role", "can_write", "is_owner"),
    [("owner", True, True), ("contributor", True, False), ("viewer", False, False)],
)
def test_the_result_says_what_each_role_may_do(cast, role, can_write, is_owner):
    access = get_review_for(cast.user(role), cast.review.pk)
    assert (access.can_write, access.is_owner) == (can_write, is_owner)


def test_the_result_cannot_be_changed(cast):
    access = get_team_for(cast.viewer, cast.team.pk)
    with pytest.raises(FrozenInstanceError):
        access.role = Role.OWNER


def test_the_answer_comes_with_what_the_question_page_shows(cast, django_assert_num_queries):
    with django_assert_num_queries(1):
        answer = get_answer_for(cast.contributor, cast.review.pk, "Q_01").answer
    with django_assert_num_queries(0):
        assert answer.review.workload.name == "Checkout"
        assert answer.review.lens == cast.lens
        assert answer.question.title


def test_an_answer_to_write_is_one_query_with_its_question_from_memory(cast, django_assert_num_queries):
    answer = get_answer_for(cast.contributor, cast.review.pk, "Q_02").answer
    question_sheet(answer.question_id)  # what the question page reads before any save
    with django_assert_num_queries(1):
        access = get_answer_to_write(cast.contributor, cast.review.pk, "Q_02")
    with django_assert_num_queries(0):
        assert (access.answer, access.answer.question.code, access.role) == (answer, "Q_02", Role.CONTRIBUTOR)
    assert not hasattr(access.answer, "access_role")


@pytest.mark.parametrize("role", ["owner", "contributor"])
def test_owners_and_contributors_get_an_answer_to_write(cast, role):
    assert get_answer_to_write(cast.user(role), cast.review.pk, "Q_01").can_write


def test_a_viewer_is_refused_an_answer_to_write_with_the_reason(cast):
    with pytest.raises(PermissionDenied, match=re.escape("Viewers can read this review but not change its answers.")):
        get_answer_to_write(cast.viewer, cast.review.pk, "Q_01")


def test_an_outsider_asking_for_an_answer_to_write_gets_the_same_404_as_for_one_that_does_not_exist(cast):
    for user, review_pk, code in [
        (cast.outsider, cast.review.pk, "Q_01"),
        (cast.owner, MISSING_ID, "Q_01"),
        (cast.owner, cast.review.pk, "Q_99"),
    ]:
        with pytest.raises(Http404, match=NOT_FOUND):
            get_answer_to_write(user, review_pk, code)


def test_an_anonymous_visitor_asking_for_an_answer_to_write_gets_the_404_without_a_query(
    cast, django_assert_num_queries
):
    with django_assert_num_queries(0), pytest.raises(Http404):
        get_answer_to_write(AnonymousUser(), cast.review.pk, "Q_01")
