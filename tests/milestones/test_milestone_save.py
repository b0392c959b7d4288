"""Saving a milestone: an immutable copy of every answer with its risk, the lens version, who and when; a name
that is required, at most 100 characters and unique in the workload whatever the case; a constant number of
queries whatever the size of the lens."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import build_lens
from tests.reports.helpers import answer
from wareview.milestones.models import Milestone, MilestoneAnswer
from wareview.milestones.services import COPIED_FIELDS, MilestoneError, milestone_save
from wareview.reviews.models import Answer, AnswerRisk
from wareview.reviews.services import review_start
from wareview.workloads.models import Workload

pytestmark = pytest.mark.django_db


def save(client, cast, name: str, review=None):
    url = reverse("milestones:create", args=[cast.workload.pk])
    return client.post(url, {"name": name, "review": (review or cast.review).pk})


def test_a_contributor_saves_a_milestone_that_copies_every_answer(client, answered):
    client.force_login(answered.contributor)
    response = save(client, answered, "Baseline")
    assert response.status_code == 302 and response["Location"] == reverse(
        "workloads:detail", args=[answered.workload.pk]
    )
    milestone = Milestone.objects.get()
    assert (milestone.name, milestone.created_by, milestone.lens, milestone.review) == (
        "Baseline",
        answered.contributor,
        answered.lens,
        answered.review,
    )
    saved = {
        row.question.code: row for row in MilestoneAnswer.objects.filter(milestone=milestone).select_related("question")
    }
    assert {code: row.risk for code, row in saved.items()} == {
        "Q_01": AnswerRisk.NONE,
        "Q_02": AnswerRisk.MEDIUM,
        "Q_03": AnswerRisk.HIGH,
        "Q_04": AnswerRisk.UNANSWERED,
    }
    assert saved["Q_01"].selected == ["q_01_a", "q_01_b"] and saved["Q_01"].notes == "Load tested in March."
    assert (milestone.question_count, milestone.answered_count, milestone.high_count, milestone.medium_count) == (
        4,
        3,
        1,
        1,
    )
    assert milestone.no_risk_count == 1


def test_a_milestone_does_not_change_when_the_answers_change_later(baseline, answered):
    answer(answered.review, "Q_03", "a", "b", notes="Fixed.")
    row = MilestoneAnswer.objects.get(milestone=baseline, question__code="Q_03")
    assert (row.risk, row.selected, row.notes) == (AnswerRisk.HIGH, ["q_03_c"], "")


def test_a_practice_that_does_not_apply_and_a_question_that_does_not_apply_are_kept(cast):
    from wareview.reviews.models import Answer
    from wareview.reviews.services import AnswerState, answer_save

    current = Answer.objects.get(review=cast.review, question__code="Q_01")
    marks = {"q_01_b": {"reason": "out_of_scope", "note": "No batch jobs."}}
    answer_save(
        answer=current,
        user=cast.owner,
        data=AnswerState(selected=["q_01_a"], practices_not_applicable=marks),
        expected_version=0,
    )
    answer(cast.review, "Q_02", reason="business_priorities")
    milestone = milestone_save(review=cast.review, name="Marks", user=cast.owner)
    rows = {row.question.code: row for row in milestone.answers.select_related("question")}
    assert rows["Q_01"].practices_not_applicable == marks and rows["Q_01"].risk == AnswerRisk.NONE
    assert (rows["Q_02"].not_applicable, rows["Q_02"].reason, rows["Q_02"].risk) == (
        True,
        "business_priorities",
        AnswerRisk.NOT_APPLICABLE,
    )


def queries_to_save(team, owner, questions_per_area: int) -> int:
    workload = Workload.objects.create(team=team, name=f"Size {questions_per_area}", created_by=owner)
    review = review_start(
        workload=workload, lens=build_lens(questions_per_area=questions_per_area, areas=5), user=owner
    )
    with CaptureQueriesContext(connection) as queries:
        milestone_save(review=review, name="Snapshot", user=owner)
    assert MilestoneAnswer.objects.filter(milestone__workload=workload).count() == 5 * questions_per_area
    return len(queries)


def test_saving_takes_as_many_queries_for_50_questions_as_for_5(cast, django_assert_num_queries):
    assert queries_to_save(cast.team, cast.owner, 1) == queries_to_save(cast.team, cast.owner, 10)
    # The service's transaction (a savepoint here, inside the test's) and the insert's savepoint, two statements
    # each; the answers read, the milestone inserted, its answers inserted in one statement; the evidence read
    # (none to insert: tests/milestones/test_milestone_evidence.py counts a save with evidence).
    with django_assert_num_queries(8):
        milestone_save(review=cast.review, name="Pinned", user=cast.owner)


def test_the_save_view_takes_a_fixed_number_of_queries(client, cast, django_assert_max_num_queries):
    client.force_login(cast.owner)
    with django_assert_max_num_queries(12):  # with the evidence's read
        assert save(client, cast, "Pinned").status_code == 302


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Give the milestone a name."),
        ("   ", "Give the milestone a name."),
        ("x" * 101, "A milestone name can be at most 100 characters; this one has 101."),
        ("baseline", "The workload already has a milestone called “baseline”. Choose another name."),
    ],
)
def test_a_bad_name_is_refused_with_words_and_nothing_is_saved(client, answered, baseline, name, message):
    client.force_login(answered.owner)
    response = save(client, answered, name)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert 'aria-invalid="true"' in page and "Save milestone" in page  # the form again, to fix the name
    assert list(Milestone.objects.values_list("name", flat=True)) == ["Baseline"]


def test_a_name_of_100_characters_is_taken(client, cast):
    client.force_login(cast.owner)
    assert save(client, cast, "x" * 100).status_code == 302
    assert Milestone.objects.get().name == "x" * 100


def test_a_review_of_another_workload_is_refused(client, cast):
    other = Workload.objects.create(team=cast.team, name="Other", created_by=cast.owner)
    foreign = review_start(workload=other, lens=cast.lens, user=cast.owner)
    client.force_login(cast.owner)
    response = save(client, cast, "Sneaky", review=foreign)
    assert response.status_code == 400
    assert "That review is not one of this workload’s" in response.content.decode()
    assert not Milestone.objects.exists()


def test_a_viewer_cannot_save_a_milestone(client, cast):
    client.force_login(cast.viewer)
    response = save(client, cast, "Mine")
    assert response.status_code == 403
    assert not Milestone.objects.exists()


def test_the_database_refuses_a_name_taken_meanwhile_with_the_same_words(baseline):
    with pytest.raises(MilestoneError, match="already has a milestone called “BASELINE”"):
        milestone_save(review=baseline.review, name="BASELINE", user=baseline.created_by)
    assert Milestone.objects.count() == 1


def test_the_same_name_may_be_used_in_another_workload(cast, baseline):
    other = Workload.objects.create(team=cast.team, name="Other", created_by=cast.owner)
    review = review_start(workload=other, lens=cast.lens, user=cast.owner)
    assert milestone_save(review=review, name="Baseline", user=cast.owner).name == "Baseline"


def test_the_admin_shows_a_milestone_and_offers_no_change(client, baseline, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("admin:milestones_milestone_change", args=[baseline.pk]))
    assert page.status_code == 200 and "Baseline" in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    response = client.post(reverse("admin:milestones_milestone_change", args=[baseline.pk]), {"name": "Renamed"})
    assert response.status_code == 403
    assert Milestone.objects.get().name == "Baseline"


def test_a_milestone_copies_the_answer_s_fields_in_its_own_answers_field_order():
    # milestone_save makes each copy from positional values in COPIED_FIELDS order, after the id and the milestone.
    assert [field.attname for field in MilestoneAnswer._meta.concrete_fields] == ["id", "milestone_id", *COPIED_FIELDS]
    assert {field.attname for field in Answer._meta.concrete_fields} >= set(COPIED_FIELDS)
