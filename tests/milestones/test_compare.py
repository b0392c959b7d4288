"""Comparing two points of a workload (milestones or now): per question the risk before → after, practices gained
and lost by title, notes and applicability changes, counts at the top, and questions on one side only apart."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import build_lens
from tests.reports.helpers import answer
from wareview.lenses.services import lens_new_draft, lens_publish
from wareview.milestones.compare import IMPROVED, UNCHANGED, WORSENED, outlines_compare
from wareview.milestones.models import Milestone
from wareview.milestones.services import milestone_save
from wareview.reviews.selectors import OutlineArea, OutlineQuestion, ReviewOutline
from wareview.reviews.services import review_start
from wareview.reviews.upgrade import review_upgrade
from wareview.workloads.models import Workload


def outline(*questions: OutlineQuestion) -> ReviewOutline:
    return ReviewOutline(areas=[OutlineArea(key="a", name="Area", parent_name="", questions=list(questions))])


def question(code: str, risk: str, *selected: str, notes: str = "", reason: str = "") -> OutlineQuestion:
    return OutlineQuestion(
        code=code, title=f"{code} title", risk=risk, question_id=1, selected=selected, notes=notes, reason=reason
    )


TITLES = {1: {"a": "Practice A", "b": "Practice B"}}


def test_risk_moves_count_as_improved_worsened_or_unchanged():
    before = outline(
        question("Q1", "HIGH_RISK"),
        question("Q2", "NO_RISK"),
        question("Q3", "MEDIUM_RISK"),
        question("Q4", "UNANSWERED"),
    )
    after = outline(
        question("Q1", "MEDIUM_RISK"),
        question("Q2", "HIGH_RISK"),
        question("Q3", "MEDIUM_RISK"),
        question("Q4", "NO_RISK"),
    )
    comparison = outlines_compare(before=before, after=after, titles=TITLES, before_label="A", after_label="B")
    assert (comparison.improved, comparison.worsened, comparison.unchanged) == (2, 1, 1)
    assert [(change.code, change.movement) for change in comparison.changes] == [
        ("Q1", IMPROVED),
        ("Q2", WORSENED),
        ("Q4", IMPROVED),
    ]


def test_practices_gained_and_lost_come_by_title_and_notes_and_applicability_changes_are_seen():
    before = outline(
        question("Q1", "MEDIUM_RISK", "a"), question("Q2", "NO_RISK", notes="old"), question("Q3", "HIGH_RISK")
    )
    after = outline(
        question("Q1", "MEDIUM_RISK", "b"),
        question("Q2", "NO_RISK", notes="new"),
        question("Q3", "NOT_APPLICABLE", reason="out_of_scope"),
    )
    changes = {
        change.code: change
        for change in outlines_compare(
            before=before, after=after, titles=TITLES, before_label="A", after_label="B"
        ).changes
    }
    assert (changes["Q1"].gained, changes["Q1"].lost, changes["Q1"].movement) == (
        ("Practice B",),
        ("Practice A",),
        UNCHANGED,
    )
    assert changes["Q2"].notes_changed and not changes["Q2"].applicability_changed
    assert (changes["Q3"].applicability_before, changes["Q3"].applicability_after) == (
        "Applies",
        "Does not apply (Out of scope)",
    )


def test_questions_on_one_side_only_are_listed_apart_and_identical_ones_not_at_all():
    before = outline(question("Q1", "HIGH_RISK"), question("OLD", "HIGH_RISK"))
    after = outline(question("Q1", "HIGH_RISK"), question("NEW", "UNANSWERED"))
    comparison = outlines_compare(before=before, after=after, titles=TITLES, before_label="A", after_label="B")
    assert comparison.changes == [] and comparison.unchanged == 1
    assert [q.code for q in comparison.only_before] == ["OLD"] and [q.code for q in comparison.only_after] == ["NEW"]


def test_a_practice_marked_as_not_applying_alone_is_a_change_and_the_same_answer_in_another_order_is_not():
    marked = OutlineQuestion(
        code="Q1",
        title="Q1 title",
        risk="MEDIUM_RISK",
        question_id=1,
        selected=("a",),
        practices_not_applicable={"b": {"reason": "out_of_scope", "note": ""}},
    )
    before = outline(question("Q1", "MEDIUM_RISK", "a"), question("Q2", "NO_RISK", "a", "b"))
    after = outline(marked, question("Q2", "NO_RISK", "b", "a"))
    comparison = outlines_compare(before=before, after=after, titles=TITLES, before_label="A", after_label="B")
    assert [(change.code, change.marked) for change in comparison.changes] == [("Q1", ("Practice B",))]
    assert comparison.unchanged == 2


def page_text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def compare(client, workload, before, after):
    points = {"before": getattr(before, "pk", before), "after": getattr(after, "pk", after)}
    return client.get(reverse("milestones:compare", args=[workload.pk]), points)


@pytest.mark.django_db
def test_the_compare_page_shows_the_changed_questions_with_their_risk_moves(client, answered, baseline):
    answer(answered.review, "Q_02", "a", "b")  # medium → none
    answer(answered.review, "Q_01", "b", notes="Load tested in March.")  # none → high, loses practice a
    answer(answered.review, "Q_04", reason="out_of_scope")  # unanswered → not applicable
    after = milestone_save(review=answered.review, name="After fixes", user=answered.owner)
    client.force_login(answered.viewer)
    response = compare(client, answered.workload, baseline, after)
    assert response.status_code == 200
    body = response.content.decode()
    text = page_text(response)
    assert "2 improved" in text and "1 worsened" in text and "1 unchanged" in text
    rows = re.findall(r"<th scope=\"row\">(Q_\d\d) ·", body)
    assert rows == ["Q_01", "Q_02", "Q_04"]
    assert "No longer followed: Q_01 practice a" in text and "Now followed: Q_02 practice b" in text
    assert "Applicability: Applies → Does not apply (Out of scope)" in text
    assert "Notes changed" not in text  # the notes were sent again unchanged


@pytest.mark.django_db
def test_a_milestone_compares_with_now(client, answered, baseline):
    answer(answered.review, "Q_03", "a", "b", notes="Fixed the cache.")
    client.force_login(answered.owner)
    text = page_text(compare(client, answered.workload, baseline, "now"))
    assert f"Baseline ({baseline.date_label}) → Now" in text
    assert "1 improved" in text and "Notes changed: “Fixed the cache.”" in text


@pytest.mark.django_db
def test_after_a_lens_upgrade_the_questions_on_one_side_only_are_listed_apart(client, answered, baseline):
    draft = lens_new_draft(lens=answered.lens)
    draft_question = draft.pillars.get().questions.get(code="Q_04")
    draft_question.code, draft_question.title = "Q_05", "A question new in version two"
    draft_question.save()
    review_upgrade(review=answered.review, target=lens_publish(lens=draft), user=answered.owner)
    client.force_login(answered.owner)
    text = page_text(compare(client, answered.workload, baseline, "now"))
    assert "Only in Baseline" in text and "Q_04 ·" in text
    assert "Only in Now: Q_05 · A question new in version two" in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("points", "message"),
    [
        ({"before": "now", "after": "now"}, "Choose two different points to compare."),
        ({"before": "2000000000", "after": "now"}, "That milestone is not one of this workload’s"),
        ({"before": "nonsense", "after": "now"}, "That milestone is not one of this workload’s"),
        ({"before": "now"}, "Choose two points to compare."),
    ],
)
def test_bad_points_are_refused_with_words(client, baseline, answered, points, message):
    client.force_login(answered.owner)
    response = client.get(reverse("milestones:compare", args=[answered.workload.pk]), points)
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.django_db
def test_comparing_with_a_milestone_of_another_workload_is_refused(client, answered, baseline):
    other = Workload.objects.create(team=answered.team, name="Other", created_by=answered.owner)
    foreign = milestone_save(
        review=review_start(workload=other, lens=answered.lens, user=answered.owner), name="X", user=answered.owner
    )
    client.force_login(answered.owner)
    response = compare(client, answered.workload, baseline, foreign)
    assert response.status_code == 400
    assert "That milestone is not one of this workload’s; choose one from the list." in response.content.decode()
    response = compare(client, other, baseline, foreign)
    assert response.status_code == 400


@pytest.mark.django_db
def test_comparing_takes_as_many_queries_for_50_questions_as_for_5(client, cast):
    client.force_login(cast.owner)
    counts = []
    for size in (1, 10):
        workload = Workload.objects.create(team=cast.team, name=f"Size {size}", created_by=cast.owner)
        review = review_start(workload=workload, lens=build_lens(questions_per_area=size, areas=5), user=cast.owner)
        first = milestone_save(review=review, name="First", user=cast.owner)
        for code in ("Q_01", "Q_02"):
            answer(review, code, "a")
        second = milestone_save(review=review, name="Second", user=cast.owner)
        with CaptureQueriesContext(connection) as queries:
            assert compare(client, workload, first, second).status_code == 200
        counts.append(len(queries))
        with CaptureQueriesContext(connection) as queries:
            assert compare(client, workload, first, "now").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[2] and counts[1] == counts[3]
    assert max(counts) <= 7  # user, workload with access, its milestones, each side's answers, the titles
    assert Milestone.objects.count() == 4


def test_compare_opens_on_the_newest_milestone_and_now_when_now_differs(client, answered, baseline):
    answer(answered.review, "Q_02", "a", "b")
    client.force_login(answered.viewer)
    page = page_text(client.get(reverse("milestones:compare", args=[answered.workload.pk])))
    assert "Baseline" in page and "→ Now" in page and "Q_02" in page and "1 improved" in page


def test_compare_opens_on_the_two_newest_milestones_right_after_saving_one(client, answered, baseline):
    answer(answered.review, "Q_02", "a", "b")
    milestone_save(review=answered.review, name="Sprint 2", user=answered.owner)
    client.force_login(answered.viewer)
    response = client.get(reverse("milestones:compare", args=[answered.workload.pk]))
    page = page_text(response)
    assert re.search(r"Baseline \([^)]*\) → Sprint 2", page) and "Q_02" in page and "No answer changed" not in page
    html = response.content.decode()
    assert re.search(rf'<option value="{baseline.pk}" selected>', html)


def test_compare_says_when_there_is_nothing_to_compare(client, answered, baseline):
    client.force_login(answered.viewer)
    page = page_text(client.get(reverse("milestones:compare", args=[answered.workload.pk])))
    assert "Nothing to compare yet: no answer has changed" in page


def test_compare_without_a_milestone_says_to_save_one(client, answered):
    client.force_login(answered.viewer)
    page = page_text(client.get(reverse("milestones:compare", args=[answered.workload.pk])))
    assert "Nothing to compare yet: save a milestone" in page


def test_the_points_drawn_again_offer_a_milestone_saved_since_and_keep_the_points_chosen(client, answered, baseline):
    client.force_login(answered.viewer)
    assert compare(client, answered.workload, baseline, "now").status_code == 200
    answer(answered.review, "Q_02", "a", "b")
    later = milestone_save(review=answered.review, name="Sprint 2", user=answered.owner)
    html = compare(client, answered.workload, baseline, "now").content.decode()
    assert f'<option value="{later.pk}">Sprint 2 (' in html
    assert f'<option value="{baseline.pk}" selected>' in html
    html = compare(client, answered.workload, later, baseline).content.decode()
    assert f'<option value="{later.pk}" selected>' in html and f'<option value="{baseline.pk}" selected>' in html
