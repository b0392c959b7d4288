"""The daily look for expired evidence (`evidence.expiry`, run by Celery beat; called directly here): a ticked
practice of an open review is told once when its latest evidence passes the team's "Evidence expires after", and
again only after newer evidence came and expired in turn."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.evidence.helpers import answer_of
from wareview.evidence.models import Evidence, EvidencePolicy
from wareview.evidence.services import evidence_expiry_notify
from wareview.evidence.signals import evidence_expired
from wareview.evidence.tasks import evidence_expiry_task
from wareview.reviews.models import Answer, Review

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 1)


def tick(review, question: str, *codes: str) -> Answer:
    answer = answer_of(review, question)
    Answer.objects.filter(pk=answer.pk).update(selected=list(codes))
    return answer


def item(answer: Answer, practice: str, verified_on: date, **fields) -> Evidence:
    return Evidence.objects.create(
        answer=answer,
        practice=practice,
        kind="link",
        title=fields.pop("title", "Runbook"),
        url="https://runbooks.example.com/",
        verified_on=verified_on,
        **fields,
    )


def told(today: date = TODAY) -> list[tuple[str, str]]:
    return [(found.question_code, found.practice) for found in evidence_expiry_notify(today=today)]


def test_a_ticked_practice_is_told_once_when_its_evidence_passes_the_teams_days(cast, settings):
    settings.EVIDENCE_MAX_AGE_DAYS = 30
    answer = tick(cast.review, "Q_01", "q_01_a")
    item(answer, "q_01_a", TODAY - timedelta(days=30))  # the last day it is verified

    assert told() == []
    assert told(TODAY + timedelta(days=1)) == [("Q_01", "q_01_a")]
    assert told(TODAY + timedelta(days=2)) == []  # once
    assert Evidence.objects.get().expiry_notified_on == TODAY + timedelta(days=1)


def test_the_teams_own_days_decide_and_the_practices_found_say_what_they_were_told(cast, settings):
    settings.EVIDENCE_MAX_AGE_DAYS = 365
    EvidencePolicy.objects.create(team=cast.team, max_age_days=10)
    answer = tick(cast.review, "Q_02", "q_02_a", "q_02_b")
    item(answer, "q_02_a", TODAY - timedelta(days=11))
    item(answer, "q_02_a", TODAY - timedelta(days=40))
    item(answer, "q_02_b", TODAY - timedelta(days=10))

    [found] = evidence_expiry_notify(today=TODAY)
    assert (found.review_id, found.question_code, found.practice) == (cast.review.pk, "Q_02", "q_02_a")
    assert (found.last_verified_on, found.max_age_days) == (TODAY - timedelta(days=11), 10)
    assert set(Evidence.objects.filter(practice="q_02_a").values_list("expiry_notified_on", flat=True)) == {TODAY}
    assert Evidence.objects.get(practice="q_02_b").expiry_notified_on is None


def test_newer_evidence_arms_it_again_and_older_evidence_does_not(cast, settings):
    settings.EVIDENCE_MAX_AGE_DAYS = 30
    answer = tick(cast.review, "Q_01", "q_01_a")
    item(answer, "q_01_a", TODAY - timedelta(days=60))
    assert told() == [("Q_01", "q_01_a")]

    item(answer, "q_01_a", TODAY - timedelta(days=90), title="Older audit")
    assert told() == []  # still the same latest evidence, already told

    item(answer, "q_01_a", TODAY - timedelta(days=5), title="New runbook")
    assert told() == []  # verified again
    assert told(TODAY + timedelta(days=26)) == [("Q_01", "q_01_a")]
    assert told(TODAY + timedelta(days=27)) == []


def test_removed_evidence_unticked_practices_and_closed_reviews_are_not_told(cast, settings):
    settings.EVIDENCE_MAX_AGE_DAYS = 30
    answer = tick(cast.review, "Q_01", "q_01_a")
    item(answer, "q_01_a", TODAY - timedelta(days=60), removed_at=timezone.now())
    item(answer, "q_01_b", TODAY - timedelta(days=60))  # not ticked
    assert told() == []

    tick(cast.review, "Q_01", "q_01_b")
    Review.objects.filter(pk=cast.review.pk).update(status=Review.Status.CLOSED)
    assert told() == []
    Review.objects.filter(pk=cast.review.pk).update(status=Review.Status.OPEN)
    assert told() == [("Q_01", "q_01_b")]


def test_one_query_finds_them_all_and_one_update_marks_them(cast, settings, django_assert_num_queries):
    settings.EVIDENCE_MAX_AGE_DAYS = 30
    for question, codes in (("Q_01", ("q_01_a", "q_01_b")), ("Q_02", ("q_02_a",)), ("Q_03", ("q_03_a", "q_03_b"))):
        answer = tick(cast.review, question, *codes)
        for code in codes:
            for days in (40, 50, 60):
                item(answer, code, TODAY - timedelta(days=days))
    # A transaction's savepoint, the query, the update, its release.
    with django_assert_num_queries(4):
        assert len(evidence_expiry_notify(today=TODAY)) == 5
    assert not Evidence.objects.filter(expiry_notified_on=None).exists()


def test_the_signal_goes_after_the_commit(cast, settings, django_capture_on_commit_callbacks):
    settings.EVIDENCE_MAX_AGE_DAYS = 30
    item(tick(cast.review, "Q_01", "q_01_a"), "q_01_a", date.today() - timedelta(days=31))
    sent = []

    def listen(sender, practices, **kwargs):
        sent.append(practices)

    evidence_expired.connect(listen, dispatch_uid="test.listen")
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            evidence_expiry_task()
        assert sent == [] and len(callbacks) == 1
        callbacks[0]()
    finally:
        evidence_expired.disconnect(dispatch_uid="test.listen")
    [[practice]] = sent
    assert practice.practice == "q_01_a"


def test_celery_beat_runs_it_daily(settings):
    assert settings.CELERY_BEAT_SCHEDULE["evidence-expiry"] == {"task": "evidence.expiry", "schedule": 24 * 60 * 60}
