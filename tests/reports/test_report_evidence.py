"""What stands behind each answer in the report: each ticked practice's evidence and state, the verified counts by
focus area and in all, the expired evidence to refresh (oldest first); pure where it can be, then from the
database with its one extra query."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import build_lens
from tests.reports.evidence_helpers import MAX_AGE_DAYS, add_evidence, backed, days_ago
from tests.reports.helpers import answer, start_review
from wareview.evidence.selectors import EvidenceRecord, EvidenceState, ReviewEvidence, VerifiedCount
from wareview.milestones.services import milestone_save
from wareview.reports.data import AreaSection, Practice, QuestionFacts
from wareview.reports.rendering import report_html
from wareview.reports.selectors import report_data, report_evidence, review_answers_fingerprint
from wareview.reviews.access import get_review_for

TODAY = date(2026, 12, 7)
A, B, C = (
    Practice(code="q_a", title="Runbooks"),
    Practice(code="q_b", title="Alerts"),
    Practice(code="q_c", title="Drills"),
)
NONE = Practice(code="q_no", title="None of these", is_none=True)


def question(code: str, *selected: str, risk: str = "MEDIUM_RISK") -> QuestionFacts:
    return QuestionFacts(
        code=code, title=f"Question {code}", risk=risk, practices=(A, B, C, NONE), selected=frozenset(selected)
    )


def record(question_code: str, practice: str, title: str, verified_on: date) -> EvidenceRecord:
    return EvidenceRecord(
        question_code=question_code,
        practice=practice,
        title=title,
        kind="link",
        url="https://x.example/",
        verified_on=verified_on,
    )


# Pure: report_evidence reads nothing from the database.


def test_each_ticked_practice_gets_its_items_and_the_state_its_latest_item_gives():
    areas = [AreaSection(name="Ops", questions=[question("Q1", "q_a", "q_b", "q_c")])]
    evidence = ReviewEvidence(
        records=(
            record("Q1", "q_a", "Fresh", date(2026, 11, 1)),
            record("Q1", "q_a", "Older", date(2024, 1, 1)),
            record("Q1", "q_b", "Stale", date(2025, 1, 1)),
        ),
        max_age_days=90,
    )
    shown = report_evidence(areas=areas, evidence=evidence, today=TODAY)
    ticked = areas[0].questions[0].ticked
    assert [(item.practice.code, item.state) for item in ticked] == [
        ("q_a", EvidenceState.VERIFIED),
        ("q_b", EvidenceState.EXPIRED),
        ("q_c", EvidenceState.NOT_VERIFIED),
    ]
    assert [r.title for r in ticked[0].evidence] == ["Fresh", "Older"]
    assert shown.verified == VerifiedCount(ticked=3, verified=1, expired=1)
    assert areas[0].verified == shown.verified


def test_none_of_these_unanswered_and_not_applicable_questions_tick_nothing():
    areas = [
        AreaSection(name="A", questions=[question("Q1", "q_no", risk="HIGH_RISK"), question("Q2", risk="UNANSWERED")]),
        AreaSection(name="B", questions=[question("Q3", "q_a", risk="NOT_APPLICABLE")]),
    ]
    shown = report_evidence(areas=areas, evidence=ReviewEvidence(), today=TODAY)
    assert [q.ticked for area in areas for q in area.questions] == [(), (), ()]
    assert shown.verified == VerifiedCount() and [area.verified for area in areas] == [VerifiedCount(), VerifiedCount()]


def test_the_evidence_to_refresh_lists_every_item_of_an_expired_practice_oldest_first_with_its_age():
    areas = [
        AreaSection(name="A", questions=[question("Q1", "q_a")]),
        AreaSection(name="B", questions=[question("Q2", "q_b", "q_c")]),
    ]
    evidence = ReviewEvidence(
        records=(
            record("Q1", "q_a", "Newer stale", date(2025, 6, 1)),
            record("Q2", "q_b", "Oldest", date(2024, 12, 7)),
            record("Q1", "q_a", "Older stale", date(2025, 1, 1)),
            record("Q2", "q_c", "Fresh", date(2026, 12, 1)),
        ),
        max_age_days=90,
    )
    shown = report_evidence(areas=areas, evidence=evidence, today=TODAY)
    assert [
        (item.record.title, item.question.code, item.practice.title, item.age_days) for item in shown.to_refresh
    ] == [
        ("Oldest", "Q2", "Alerts", 730),
        ("Older stale", "Q1", "Runbooks", 705),
        ("Newer stale", "Q1", "Runbooks", 554),
    ]
    assert shown.max_age_days == 90


def test_the_verified_count_says_how_many_in_words_and_draws_parts_that_never_pass_the_whole():
    count = VerifiedCount(ticked=30, verified=12, expired=3)
    assert count.words == "12 of 30 ticked practices verified, 3 with evidence expired"
    assert (count.not_verified, count.verified_share, count.expired_share) == (15, 40, 10)
    assert VerifiedCount(ticked=1, verified=1).words == "1 of 1 ticked practice verified"
    assert VerifiedCount().words == "No practice ticked yet" and VerifiedCount().verified_share == 0
    assert VerifiedCount(ticked=2, verified=1) + VerifiedCount(ticked=3, expired=3) == VerifiedCount(5, 1, 3)
    thirds = VerifiedCount(ticked=3, verified=1, expired=1)
    assert thirds.verified_share + thirds.expired_share <= 100
    assert VerifiedCount.of([EvidenceState.VERIFIED, EvidenceState.NOT_VERIFIED]) == VerifiedCount(2, 1, 0)


def test_a_record_names_its_link_or_its_file():
    link = record("Q1", "q_a", "Page", TODAY)
    file = EvidenceRecord(
        question_code="Q1", practice="q_a", title="Sheet", kind="file", file_name="a.csv", verified_on=TODAY
    )
    assert (link.source, link.is_file, file.source, file.is_file) == ("https://x.example/", False, "a.csv", True)


# From the database.


@pytest.mark.django_db
def test_the_report_data_holds_each_ticked_practices_evidence_and_state(review, owner):
    backed(review)
    data = report_data(review=review)
    by_code = {question.code: question for question in data.questions}
    q3 = {item.practice.code: item for item in by_code["Q_03"].ticked}
    assert {code: item.state for code, item in q3.items()} == {
        "q_03_a": EvidenceState.EXPIRED,
        "q_03_b": EvidenceState.NOT_VERIFIED,
        "q_03_c": EvidenceState.VERIFIED,
    }
    assert [(r.title, r.source, r.verified_on, r.added_by) for r in q3["q_03_a"].evidence] == [
        ("Capacity plan 2024", "https://wiki.example.com/q_03/a", days_ago(400), owner.username),
        ("Old capacity sheet", "capacity.csv", days_ago(500), owner.username),
    ]
    assert q3["q_03_b"].evidence == ()  # removed evidence is not shown
    assert by_code["Q_01"].ticked == ()  # "None of these": its practice a's evidence counts nowhere
    assert by_code["Q_04"].ticked == ()  # not applicable
    assert data.verified == VerifiedCount(ticked=4, verified=2, expired=1)
    assert [area.verified for area in data.areas] == [VerifiedCount(1, 1, 0), VerifiedCount(3, 1, 1)]
    assert [(item.record.title, item.age_days) for item in data.to_refresh] == [
        ("Old capacity sheet", 500),
        ("Capacity plan 2024", 400),
    ]
    assert data.evidence_max_age_days == MAX_AGE_DAYS


@pytest.mark.django_db
def test_evidence_never_changes_a_risk(review):
    before = [(q.code, q.risk) for q in report_data(review=review).questions]
    backed(review)
    assert [(q.code, q.risk) for q in report_data(review=review).questions] == before


@pytest.mark.django_db
def test_a_review_without_evidence_has_every_ticked_practice_not_verified(review):
    data = report_data(review=review)
    assert data.verified == VerifiedCount(ticked=4) and data.to_refresh == []
    assert data.evidence_max_age_days is None


@pytest.mark.django_db
def test_reading_every_practices_evidence_takes_one_query_whatever_the_number_of_questions_and_items(team, owner):
    def queries_for(questions_per_area: int, *, evidence: bool = True) -> int:
        lens = build_lens(questions_per_area=questions_per_area)
        review = start_review(team=team, user=owner, lens=lens, name=f"Workload {questions_per_area} {evidence}")
        for question in lens.pillars.get().questions.all():
            answer(review, question.code, "a", "b")
            for number in range(3):
                add_evidence(review, question.code, "a", title=f"Item {number}", days=number * 300)
        loaded = get_review_for(owner, review.pk).review
        with CaptureQueriesContext(connection) as context:
            data = report_data(review=loaded, evidence=evidence)
        assert data.verified is None or data.verified.ticked == 2 * 2 * questions_per_area
        return len(context.captured_queries)

    assert queries_for(1) == queries_for(4) == queries_for(1, evidence=False) + 1


@pytest.mark.django_db
def test_a_milestone_report_shows_no_evidence_until_milestones_keep_it(review, owner):
    backed(review)
    milestone = milestone_save(review=review, name="Baseline", user=owner)
    data = report_data(review=review, milestone=milestone)
    assert data.verified is None and not data.shows_evidence and data.to_refresh == []
    assert all(question.ticked == () for question in data.questions)
    html = report_html(data=data)
    assert "Evidence to refresh" not in html and "Evidence behind the answers" not in html


@pytest.mark.django_db
def test_adding_or_removing_evidence_or_changing_the_teams_days_makes_a_new_report(review, owner):
    def fingerprint() -> str:
        return review_answers_fingerprint(review_id=review.pk, lens_id=review.lens_id)

    first = fingerprint()
    item = add_evidence(review, "Q_02", "a", title="Runbook", days=3)
    added = fingerprint()
    from wareview.evidence.services import evidence_policy_set, evidence_remove

    evidence_remove(evidence=item, practice_title="Practice a", user=owner)
    removed = fingerprint()
    evidence_policy_set(team=review.workload.team, max_age_days=30)
    assert len({first, added, removed, fingerprint()}) == 4


@pytest.mark.django_db
def test_the_report_html_marks_expired_and_missing_evidence_and_ends_with_what_to_refresh(review):
    backed(review)
    html = report_html(data=report_data(review=review))
    assert "Evidence behind the answers" in html
    assert "2 of 4 ticked practices verified, 1 with evidence expired" in html
    assert '<span class="evidence-state evidence-expired">⚠ Evidence expired</span>' in html
    assert '<span class="evidence-state evidence-not_verified">Not verified</span>' in html
    assert "Old capacity sheet: file capacity.csv" in html
    assert "Removed diagram" not in html and "Unticked practice&#x27;s page" not in html
    refresh = html[html.index("Evidence to refresh") :]
    assert refresh.index("Old capacity sheet") < refresh.index("Capacity plan 2024")
    assert html.index("Appendix: all questions") < html.index('id="refresh-title"')


@pytest.mark.django_db
def test_evidence_titles_and_links_with_markup_are_escaped(review):
    add_evidence(review, "Q_02", "a", title="<script>alert(1)</script>", days=1)
    html = report_html(data=report_data(review=review))
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
