"""Each event the apps send makes one delivery per enabled webhook of the team that wants it, after the commit."""

import pytest

from tests.reports.helpers import answer
from wareview.milestones.services import milestone_save
from wareview.milestones.signals import milestone_saved
from wareview.plans.models import ImprovementItem, ItemStatus
from wareview.plans.services import ItemEdit, item_update
from wareview.reports.models import Report
from wareview.reports.services import report_render
from wareview.teams.models import Team
from wareview.webhooks.models import Delivery, Event, Webhook

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what the block left for after the commit, as production does once the transaction commits."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def events_of(receiver) -> list[str]:
    return [got.headers["Wareview-Event"] for got in receiver.received]


def test_saving_a_milestone_sends_its_name_counts_team_workload_and_review(cast, webhook, receiver, commit):
    with commit():
        milestone = milestone_save(review=cast.review, name="Baseline", user=cast.owner)
    [got] = receiver.received
    payload = got.json()
    assert payload["event"] == "milestone.saved"
    assert payload["team"] == {"id": cast.team.pk, "name": "Payments"}
    assert payload["workload"] == {"id": cast.workload.pk, "name": "Checkout"}
    assert payload["review"]["id"] == cast.review.pk and payload["review"]["lens"] == cast.lens.slug
    assert payload["milestone"]["id"] == milestone.pk and payload["milestone"]["name"] == "Baseline"
    assert payload["summary"] == (
        "Milestone “Baseline” of Checkout: 0 of 4 questions answered, 0 high and 0 medium risks."
    )
    assert payload["occurred_at"].endswith("Z")
    assert Delivery.objects.get().status == Delivery.Status.SUCCEEDED


def test_only_the_save_that_answers_the_last_unanswered_question_completes_the_review(cast, webhook, receiver, commit):
    with commit():
        answer(cast.review, "Q_01", "no")
        answer(cast.review, "Q_02", "a")
        answer(cast.review, "Q_03", "a", "b", "c")
    assert "review.completed" not in events_of(receiver)
    with commit():
        answer(cast.review, "Q_04", reason="out_of_scope")
    assert events_of(receiver).count("review.completed") == 1
    completed = next(got.json() for got in receiver.received if got.headers["Wareview-Event"] == "review.completed")
    assert completed["risks"] == {"HIGH_RISK": 1, "MEDIUM_RISK": 1, "NO_RISK": 1, "NOT_APPLICABLE": 1}
    assert completed["summary"] == "Every question of the review of Checkout is answered: 1 high and 1 medium risks."
    # Changing an answered question of a complete review completes nothing new.
    with commit():
        answer(cast.review, "Q_02", "a", "b", notes="More now.")
    assert events_of(receiver).count("review.completed") == 1


def test_a_review_emptied_and_answered_again_completes_again(cast, webhook, receiver, commit):
    for code, letters in (("Q_01", "a"), ("Q_02", "a"), ("Q_03", "a"), ("Q_04", "a")):
        answer(cast.review, code, letters)
    answer(cast.review, "Q_02")  # nothing ticked: unanswered again
    with commit():
        answer(cast.review, "Q_02", "b")
    assert events_of(receiver) == ["review.completed"]


def test_a_ready_report_sends_its_id_and_where_to_download_it(cast, webhook, receiver, commit, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report = Report.objects.create(review=cast.review, requested_by=cast.owner)
    with commit():
        report_render(report_id=report.pk)
    [got] = receiver.received
    payload = got.json()
    assert payload["event"] == "report.ready"
    assert payload["report"] == {"id": report.pk, "milestone": None, "download_path": f"/reports/{report.pk}/download/"}
    assert payload["summary"] == "The PDF report of Checkout is ready."


def test_editing_an_improvement_item_sends_its_status_and_owner(cast, webhook, receiver, commit):
    item = ImprovementItem.objects.create(review=cast.review, question_code="Q_01", practice_code="q_01_b")
    edit = ItemEdit(status=ItemStatus.IN_PROGRESS, owner=cast.contributor, due_date=None, note="", wont_do_reason="")
    with commit():
        item_update(item=item, user=cast.owner, edit=edit)
    [got] = receiver.received
    assert got.json()["item"] == {
        "id": item.pk,
        "question": "Q_01",
        "practice": "q_01_b",
        "status": "in_progress",
        "owner": "carlos",
        "due_date": None,
    }
    with commit():
        item_update(item=item, user=cast.owner, edit=edit)  # no change: no event
    assert len(receiver.received) == 1


def test_ticking_a_practice_that_marks_its_item_done_sends_the_item(cast, webhook, receiver, commit):
    webhook.events = [Event.ITEM_CHANGED]
    webhook.save()
    ImprovementItem.objects.create(review=cast.review, question_code="Q_01", practice_code="q_01_b")
    with commit():
        answer(cast.review, "Q_01", "b")
    [got] = receiver.received
    assert got.json()["item"]["status"] == "done"
    assert got.json()["summary"] == "Improvement item Q_01/q_01_b of Checkout: Done."


def test_webhooks_that_do_not_want_the_event_are_disabled_or_of_another_team_get_nothing(
    cast, receiver, other_receiver, commit
):
    Webhook.objects.create(team=cast.team, url=receiver.url, events=[Event.REPORT_READY])
    Webhook.objects.create(team=cast.team, url=receiver.url, events=[Event.MILESTONE_SAVED], is_active=False)
    elsewhere = Team.objects.get(name="Elsewhere")
    Webhook.objects.create(team=elsewhere, url=receiver.url, events=[Event.MILESTONE_SAVED])
    wanted = Webhook.objects.create(team=cast.team, url=other_receiver.url, events=[Event.MILESTONE_SAVED])
    with commit():
        milestone_save(review=cast.review, name="Baseline", user=cast.owner)
    assert receiver.received == []
    assert len(other_receiver.received) == 1
    assert list(Delivery.objects.values_list("webhook", flat=True)) == [wanted.pk]


def test_a_rolled_back_save_sends_nothing(cast, webhook, receiver, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        milestone_save(review=cast.review, name="Baseline", user=cast.owner)
    # Nothing is sent inside the transaction; what would be sent waits for the commit, which never comes here.
    assert receiver.received == [] and len(callbacks) == 1
    assert not Delivery.objects.exists()


def test_an_event_of_a_team_without_webhooks_costs_one_query(cast, django_assert_num_queries):
    milestone = milestone_save(review=cast.review, name="Baseline", user=cast.owner)
    with django_assert_num_queries(1):
        milestone_saved.send(sender=type(milestone), milestone=milestone, user=cast.owner)
