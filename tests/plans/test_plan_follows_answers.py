"""The plan follows the review: ticking a practice marks its item done, unticking reopens it, with history."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.plans.helpers import edit, item_of, plan_url, practices_listed, row_of
from tests.reports.helpers import answer
from wareview.lenses.services import lens_new_draft, lens_publish
from wareview.plans.models import ImprovementItem, ItemStatus
from wareview.reviews.models import Answer
from wareview.reviews.upgrade import review_upgrade

pytestmark = pytest.mark.django_db


def tick(client, review, code, *practices, version=None):
    current = Answer.objects.get(review=review, question__code=code)
    data = {"version": current.version if version is None else version, "reason": "", "notes": current.notes}
    data["selected"] = list(practices)
    return client.post(reverse("reviews:question", args=[review.pk, code]), data, headers={"HX-Request": "true"})


@pytest.fixture
def planned(client, cast):
    """Q_01 answered with practice a only (medium risk: b and c recommended) and the plan read once."""
    answer(cast.review, "Q_01", "a")
    client.force_login(cast.contributor)
    client.get(plan_url(cast.review))
    return cast.review


def test_ticking_a_recommended_practice_marks_its_item_done_and_unticking_reopens_it(client, cast, planned):
    assert tick(client, planned, "Q_01", "q_01_a", "q_01_c").status_code == 200
    item = item_of(planned, "q_01_c")
    assert item.status == ItemStatus.DONE
    tick(client, planned, "Q_01", "q_01_a")
    item.refresh_from_db()
    assert item.status == ItemStatus.OPEN
    notes = [(change.note, change.before, change.after, change.changed_by) for change in item.changes.all()]
    assert notes == [
        ("Practice unticked in the review", {"Status": "Done"}, {"Status": "Open"}, cast.contributor),
        ("Practice ticked in the review", {"Status": "Open"}, {"Status": "Done"}, cast.contributor),
    ]


def test_a_done_item_stays_listed_as_done_when_its_question_reaches_no_risk(client, cast, planned):
    tick(client, planned, "Q_01", "q_01_a", "q_01_b")  # no risk now: nothing is recommended
    body = client.get(plan_url(planned)).content.decode()
    assert practices_listed(body) == ["Q_01 practice b"]  # c is open, and no longer needed
    assert '<option value="done" selected>' in row_of(body, "Q_01 practice b")
    assert "Done: 1" in body and "Open: 0" in body


def test_ticking_marks_an_item_in_progress_or_wont_do_done_too_and_leaves_its_owner(client, cast, planned):
    edit(client, item_of(planned, "q_01_b"), status="wont_do", owner="carlos", wont_do_reason="Too costly.")
    tick(client, planned, "Q_01", "q_01_a", "q_01_b")
    item = item_of(planned, "q_01_b")
    assert (item.status, item.owner, item.wont_do_reason) == (ItemStatus.DONE, cast.contributor, "")


def test_unticking_leaves_an_item_that_is_not_done_alone(client, cast, planned):
    edit(client, item_of(planned, "q_01_b"), status="in_progress")
    tick(client, planned, "Q_01", "q_01_a", "q_01_b")
    edit(client, item_of(planned, "q_01_b"), status="in_progress")  # someone set it back by hand
    tick(client, planned, "Q_01", "q_01_a")
    assert item_of(planned, "q_01_b").status == ItemStatus.IN_PROGRESS


def test_a_merged_save_follows_the_ticks_it_kept(client, cast, planned):
    other = Client()
    other.force_login(cast.owner)
    version = Answer.objects.get(review=planned, question__code="Q_01").version
    tick(other, planned, "Q_01", "q_01_a", "q_01_b")  # the owner saves first
    response = tick(client, planned, "Q_01", "q_01_a", "q_01_c", version=version)  # merged over it
    assert response.status_code == 200
    assert Answer.objects.get(review=planned, question__code="Q_01").selected == ["q_01_a", "q_01_b", "q_01_c"]
    assert item_of(planned, "q_01_b").changes.get().changed_by == cast.owner
    assert item_of(planned, "q_01_c").changes.get().changed_by == cast.contributor
    assert item_of(planned, "q_01_c").status == ItemStatus.DONE


def test_ticks_before_anyone_read_the_plan_write_no_item(client, cast):
    answer(cast.review, "Q_01", "a")
    client.force_login(cast.contributor)
    tick(client, cast.review, "Q_01", "q_01_a", "q_01_c")
    assert not ImprovementItem.objects.exists()


def test_items_follow_their_practices_to_a_new_lens_version(client, cast, planned):
    edit(client, item_of(planned, "q_01_b"), status="in_progress", owner="carlos", note="Load test first.")
    new_version = lens_publish(lens=lens_new_draft(lens=cast.lens))
    review_upgrade(review=planned, target=new_version, user=cast.owner)
    body = client.get(plan_url(planned)).content.decode()
    row = row_of(body, "Q_01 practice b")
    assert '<option value="in_progress" selected>' in row and "Note: Load test first." in row
    assert ImprovementItem.objects.filter(review=planned).count() == 2  # the same items, not new ones
    tick(client, planned, "Q_01", "q_01_a", "q_01_b")
    assert item_of(planned, "q_01_b").status == ItemStatus.DONE
