"""The answers follow the plan: marking an item done ticks its practice in the review, as a tick on the question
page would, and reopening it unticks it, so the plan, the answers and the report agree."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.plans.helpers import edit, item_of, plan_url
from tests.reports.helpers import answer
from wareview.plans.models import ImprovementItem, ImprovementItemChange, ItemStatus
from wareview.reports.selectors import report_data
from wareview.reviews.models import Answer, AnswerChange, Review
from wareview.reviews.services import AnswerState, answer_save, review_close

pytestmark = pytest.mark.django_db


def selected(review, code: str = "Q_01") -> list[str]:
    return Answer.objects.get(review=review, question__code=code).selected


def recommended(review) -> list[str]:
    return [rec.practice.code for rec in report_data(review=review).recommendations]


@pytest.fixture
def planned(client, cast):
    """Q_01 follows practice a alone (medium risk: b and c recommended), the plan read once by the contributor."""
    answer(cast.review, "Q_01", "a")
    client.force_login(cast.contributor)
    client.get(plan_url(cast.review))
    return cast.review


def test_marking_an_item_done_ticks_its_practice_and_the_answers_history_says_so(client, cast, planned):
    response = edit(client, item_of(planned, "q_01_c"), status="done")
    assert response.status_code == 302
    assert selected(planned) == ["q_01_a", "q_01_c"]
    change = AnswerChange.objects.filter(answer__review=planned, answer__question__code="Q_01").first()
    assert (change.note, change.changed_by) == ("ticked from the improvement plan", cast.contributor)
    history = client.get(reverse("reviews:history", args=[planned.pk, "Q_01"])).content.decode()
    assert "carlos (ticked from the improvement plan)" in history
    # The item's history has the contributor's edit alone: the tick's own signal found the item already done.
    lines = [(change.note, change.after) for change in item_of(planned, "q_01_c").changes.all()]
    assert lines == [("", {"Status": "Done"})]


def test_an_item_marked_done_is_no_longer_recommended_and_its_question_follows(client, cast, planned):
    edit(client, item_of(planned, "q_01_b"), status="done")
    assert Answer.objects.get(review=planned, question__code="Q_01").risk == "NO_RISK"
    assert recommended(planned) == []
    page = client.get(reverse("reports:page", args=[planned.pk])).content.decode()
    assert "Plan: Done" not in page


def test_reopening_a_done_item_unticks_its_practice(client, cast, planned):
    item = item_of(planned, "q_01_c")
    edit(client, item, status="done")
    edit(client, item, status="in_progress")
    assert selected(planned) == ["q_01_a"]
    assert recommended(planned) == ["q_01_b", "q_01_c"]
    change = AnswerChange.objects.filter(answer__review=planned, answer__question__code="Q_01").first()
    assert change.note == "unticked from the improvement plan"
    item.refresh_from_db()
    assert item.status == ItemStatus.IN_PROGRESS


def test_a_done_item_turned_wont_do_unticks_its_practice_too(client, cast, planned):
    item = item_of(planned, "q_01_c")
    edit(client, item, status="done")
    edit(client, item, status="wont_do", wont_do_reason="The platform does it.")
    assert selected(planned) == ["q_01_a"]


def test_a_done_item_edited_without_a_new_status_leaves_the_answer_alone(client, cast, planned):
    item = item_of(planned, "q_01_c")
    edit(client, item, status="done")
    version = Answer.objects.get(review=planned, question__code="Q_01").version
    edit(client, item, status="done", owner="vera", due_date="2030-01-01")
    assert Answer.objects.get(review=planned, question__code="Q_01").version == version


def test_marking_done_unticks_none_of_these_as_the_question_page_does(client, cast):
    answer(cast.review, "Q_02", "no")  # "None of these": high risk, a, b and c recommended
    client.force_login(cast.owner)
    client.get(plan_url(cast.review))
    edit(client, item_of(cast.review, "q_02_a"), status="done")
    assert selected(cast.review, "Q_02") == ["q_02_a"]


def test_a_practice_marked_as_not_applying_is_ticked_instead(client, cast, planned):
    current = Answer.objects.get(review=planned, question__code="Q_01")
    marks = {"q_01_c": {"reason": "out_of_scope", "note": ""}}
    state = AnswerState(selected=["q_01_a"], practices_not_applicable=marks)
    answer_save(answer=current, user=cast.owner, data=state, expected_version=current.version)
    item = item_of(planned, "q_01_c")
    edit(client, item, status="done")
    current.refresh_from_db()
    assert (current.selected, current.practices_not_applicable) == (["q_01_a", "q_01_c"], {})


def test_a_question_page_save_from_before_the_tick_keeps_it(client, cast, planned):
    version = Answer.objects.get(review=planned, question__code="Q_01").version  # the question page is open
    edit(client, item_of(planned, "q_01_c"), status="done")
    form = {"version": version, "selected": ["q_01_a"], "reason": "", "notes": "Load tested."}
    response = client.post(reverse("reviews:question", args=[planned.pk, "Q_01"]), form, headers={"HX-Request": "true"})
    assert response.status_code == 200
    current = Answer.objects.get(review=planned, question__code="Q_01")
    assert (current.selected, current.notes) == (["q_01_a", "q_01_c"], "Load tested.")
    assert item_of(planned, "q_01_c").status == ItemStatus.DONE


def test_a_viewer_cannot_tick_a_practice_through_the_plan(client, cast, planned):
    client.force_login(cast.viewer)
    response = edit(client, item_of(planned, "q_01_c"), status="done")
    assert response.status_code == 403
    assert selected(planned) == ["q_01_a"]
    assert item_of(planned, "q_01_c").status == ItemStatus.OPEN


def test_a_closed_review_refuses_an_item_marked_done_with_words(client, cast, planned):
    review_close(review=planned)
    response = edit(client, item_of(planned, "q_01_c"), status="done")
    assert response.status_code == 403
    assert "This review is closed, so it cannot change." in response.content.decode()
    assert selected(planned) == ["q_01_a"]
    assert Review.objects.get(pk=planned.pk).is_closed


def mark_done_as_before(item, by) -> None:
    """Mark `item` done as the plan did before marking an item done ticked its practice: the answer untouched."""
    ImprovementItem.objects.filter(pk=item.pk).update(status=ItemStatus.DONE)
    ImprovementItemChange.objects.create(item=item, changed_by=by, before={"Status": "Open"}, after={"Status": "Done"})


def test_the_data_fix_ticks_the_practice_of_an_item_marked_done_before_done_ticked_it(cast, planned):
    mark_done_as_before(item_of(planned, "q_01_c"), cast.contributor)
    assert selected(planned) == ["q_01_a"]
    out = StringIO()
    call_command("plan_tick_done_items", stdout=out)
    assert selected(planned) == ["q_01_a", "q_01_c"]
    change = AnswerChange.objects.filter(answer__review=planned, answer__question__code="Q_01").first()
    assert (change.note, change.changed_by) == ("ticked from the improvement plan", cast.contributor)
    assert "Ticked the practice of 1 done item(s)." in out.getvalue()
    assert item_of(planned, "q_01_c").status == ItemStatus.DONE


def test_the_data_fix_run_again_changes_nothing(cast, planned):
    mark_done_as_before(item_of(planned, "q_01_c"), cast.contributor)
    call_command("plan_tick_done_items", stdout=StringIO())
    version = Answer.objects.get(review=planned, question__code="Q_01").version
    out = StringIO()
    call_command("plan_tick_done_items", stdout=out)
    assert Answer.objects.get(review=planned, question__code="Q_01").version == version
    assert selected(planned) == ["q_01_a", "q_01_c"]
    assert "Ticked the practice of 0 done item(s)." in out.getvalue()


def test_the_data_fix_leaves_a_closed_review_as_it_was_closed(cast, planned):
    mark_done_as_before(item_of(planned, "q_01_c"), cast.contributor)
    review_close(review=planned)
    out = StringIO()
    call_command("plan_tick_done_items", stdout=out)
    assert selected(planned) == ["q_01_a"]
    assert "Ticked the practice of 0 done item(s)." in out.getvalue()
