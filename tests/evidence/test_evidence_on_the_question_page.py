"""What the question page shows of each ticked practice's evidence, for a fixed number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.evidence.helpers import answer_of, link, practice_url
from tests.reports.helpers import answer
from wareview.evidence.models import Evidence, EvidencePolicy
from wareview.evidence.selectors import EvidenceState, evidence_state
from wareview.lenses.models import Choice, Question
from wareview.lenses.services import lens_new_draft, lens_publish
from wareview.reviews import upgrade

pytestmark = pytest.mark.django_db


def question_page(client, review, code: str = "Q_01") -> str:
    return client.get(reverse("reviews:question", args=[review.pk, code])).content.decode()


def practice_html(page: str, code: str) -> str:
    start = page.index(f'id="choice-{code}"')
    end = page.find('<div class="practice">', start)
    return page[start : end if end != -1 else None]


def evidence_of(review, practice: str, *, days_ago: int, question: str = "Q_01") -> Evidence:
    return Evidence.objects.create(
        answer=answer_of(review, question),
        practice=practice,
        kind=Evidence.Kind.LINK,
        title=f"Checked {days_ago} days ago",
        url="https://example.com/",
        verified_on=timezone.localdate() - timedelta(days=days_ago),
    )


def test_a_contributor_sees_add_evidence_beside_a_ticked_practice(client, cast):
    answer(cast.review, "Q_01", "a")
    client.force_login(cast.contributor)
    practice = practice_html(question_page(client, cast.review), "q_01_a")

    assert "Not verified" in practice
    assert f'href="{practice_url(cast.review)}#add-evidence">Add evidence' in practice


def test_a_viewer_sees_the_state_and_count_but_no_add_evidence(client, cast):
    answer(cast.review, "Q_01", "a")
    evidence_of(cast.review, "q_01_a", days_ago=3)
    client.force_login(cast.viewer)
    practice = practice_html(question_page(client, cast.review), "q_01_a")

    assert "Verified" in practice and f'href="{practice_url(cast.review)}">Evidence (1)' in practice
    assert "Add evidence" not in practice


def test_none_of_these_has_no_evidence(client, cast):
    client.force_login(cast.owner)
    assert "practice-evidence" not in practice_html(question_page(client, cast.review), "q_01_no")


def test_evidence_added_shows_on_the_question_page_at_once(client, cast):
    answer(cast.review, "Q_01", "a")
    client.force_login(cast.owner)
    assert "Evidence (1)" not in question_page(client, cast.review)  # the practices are now in the fragment cache
    client.post(practice_url(cast.review), link())
    assert "Evidence (1)" in practice_html(question_page(client, cast.review), "q_01_a")


@pytest.mark.parametrize(
    ("days_ago", "state"),
    [
        (None, EvidenceState.NOT_VERIFIED),
        (0, EvidenceState.VERIFIED),
        (180, EvidenceState.VERIFIED),
        (181, EvidenceState.EXPIRED),
    ],
)
def test_a_practice_is_verified_while_its_latest_evidence_is_no_older_than_the_limit(days_ago, state):
    today = timezone.localdate()
    last = None if days_ago is None else today - timedelta(days=days_ago)
    assert evidence_state(last_verified_on=last, today=today, max_age_days=180) is state


def test_a_practice_whose_evidence_is_all_older_than_the_limit_shows_evidence_expired(client, cast, settings):
    settings.EVIDENCE_MAX_AGE_DAYS = 30
    answer(cast.review, "Q_01", "a", "b")
    evidence_of(cast.review, "q_01_a", days_ago=31)
    evidence_of(cast.review, "q_01_b", days_ago=31)
    evidence_of(cast.review, "q_01_b", days_ago=2)
    client.force_login(cast.owner)
    page = question_page(client, cast.review)

    assert "Evidence expired" in practice_html(page, "q_01_a")
    assert "Verified" in practice_html(page, "q_01_b") and "Evidence (2)" in practice_html(page, "q_01_b")


def test_the_question_page_reads_the_evidence_of_all_its_practices_in_one_query(client, cast):
    answer(cast.review, "Q_01", "a", "b", "c")
    client.force_login(cast.owner)
    question_page(client, cast.review)  # the session and the question sheet, as any page after the first
    with CaptureQueriesContext(connection) as without:
        question_page(client, cast.review)
    for practice in ("q_01_a", "q_01_b", "q_01_c"):
        for days_ago in (1, 40, 400):
            evidence_of(cast.review, practice, days_ago=days_ago)
    with CaptureQueriesContext(connection) as with_evidence:
        page = question_page(client, cast.review)

    assert page.count("Evidence (3)") == 3
    assert len(with_evidence) == len(without)
    assert len([query for query in with_evidence if 'FROM "evidence_evidence"' in query["sql"]]) == 1


def test_evidence_stays_with_its_practice_when_the_review_moves_to_a_new_lens_version(client, cast):
    answer(cast.review, "Q_01", "a")
    evidence_of(cast.review, "q_01_a", days_ago=1)
    target = lens_publish(lens=lens_new_draft(lens=cast.lens))
    upgrade.review_upgrade(review=cast.review, target=target, user=cast.owner)
    client.force_login(cast.owner)

    assert "Evidence (1)" in practice_html(question_page(client, cast.review), "q_01_a")
    assert "Checked 1 days ago" in client.get(practice_url(cast.review)).content.decode()


def test_a_team_s_own_expiry_decides_whether_its_evidence_has_expired(client, cast):
    answer(cast.review, "Q_01", "a")
    evidence_of(cast.review, "q_01_a", days_ago=40)
    client.force_login(cast.owner)
    assert "Verified" in practice_html(question_page(client, cast.review), "q_01_a")  # within the default 180

    response = client.post(reverse("evidence:team_policy", args=[cast.team.pk]), {"max_age_days": "30"})

    assert response.status_code == 302
    assert "Evidence expired" in practice_html(question_page(client, cast.review), "q_01_a")


def test_the_team_s_expiry_is_read_in_the_same_query_as_the_evidence(client, cast):
    answer(cast.review, "Q_01", "a")
    evidence_of(cast.review, "q_01_a", days_ago=40)
    client.force_login(cast.owner)
    question_page(client, cast.review)
    with CaptureQueriesContext(connection) as default:
        question_page(client, cast.review)
    client.post(reverse("evidence:team_policy", args=[cast.team.pk]), {"max_age_days": "30"})
    with CaptureQueriesContext(connection) as own:
        question_page(client, cast.review)
    assert len(own) == len(default)


@pytest.mark.parametrize("days", ["0", "-5", "3651", "soon"])
def test_an_expiry_that_is_not_a_number_of_days_from_1_to_3650_is_refused(client, cast, days):
    client.force_login(cast.owner)
    response = client.post(reverse("evidence:team_policy", args=[cast.team.pk]), {"max_age_days": days})
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()
    assert not EvidencePolicy.objects.exists()


def test_only_owners_change_the_team_s_expiry(client, cast):
    client.force_login(cast.contributor)
    response = client.post(reverse("evidence:team_policy", args=[cast.team.pk]), {"max_age_days": "30"})
    assert response.status_code == 403 and not EvidencePolicy.objects.exists()


def test_the_team_page_shows_its_owners_the_evidence_settings(client, cast):
    client.force_login(cast.owner)
    page = client.get(reverse("teams:detail", args=[cast.team.pk])).content.decode()
    assert f'href="{reverse("evidence:team_policy", args=[cast.team.pk])}"' in page


def test_a_merged_autosave_refreshes_the_practices_with_their_evidence(client, cast):
    client.force_login(cast.owner)
    saved = {"version": 0, "reason": "", "notes": "", "selected": ["q_01_a"]}
    assert client.post(reverse("reviews:question", args=[cast.review.pk, "Q_01"]), saved).status_code == 302
    evidence_of(cast.review, "q_01_a", days_ago=1)
    client.force_login(cast.contributor)
    mine = saved | {"selected": ["q_01_b"]}  # from version 0: merged over the owner's tick
    body = client.post(
        reverse("reviews:question", args=[cast.review.pk, "Q_01"]), mine, headers={"HX-Request": "true"}
    ).content.decode()

    assert 'id="practices-Q_01"' in body
    assert f'href="{practice_url(cast.review)}">Evidence (1)' in practice_html(body, "q_01_a")


def test_evidence_of_a_question_merged_into_another_moves_to_the_answer_that_takes_it_over(cast):
    evidence = evidence_of(cast.review, "q_02_a", days_ago=1, question="Q_02")
    draft = lens_new_draft(lens=cast.lens)
    Question.objects.filter(pillar__lens=draft, code="Q_01").update(replaces=["Q_01", "Q_02"])
    Question.objects.filter(pillar__lens=draft, code="Q_02").delete()
    upgrade.review_upgrade(review=cast.review, target=lens_publish(lens=draft), user=cast.owner)

    evidence.refresh_from_db()
    assert evidence.answer == answer_of(cast.review, "Q_01") and evidence.removed_at is None


def test_evidence_of_a_renamed_practice_follows_it_to_its_new_code(client, cast):
    answer(cast.review, "Q_01", "a")
    evidence = evidence_of(cast.review, "q_01_a", days_ago=1)
    draft = lens_new_draft(lens=cast.lens)
    Choice.objects.filter(question__pillar__lens=draft, code="q_01_a").update(
        code="q_01_load", replaces=["Q_01/q_01_a"]
    )
    upgrade.review_upgrade(review=cast.review, target=lens_publish(lens=draft), user=cast.owner)

    evidence.refresh_from_db()
    assert (evidence.answer, evidence.practice) == (answer_of(cast.review, "Q_01"), "q_01_load")
    client.force_login(cast.owner)
    assert "Evidence (1)" in practice_html(question_page(client, cast.review), "q_01_load")


def test_the_question_page_reads_the_team_s_expiry_with_the_answer_not_again_with_the_evidence(client, cast):
    answer(cast.review, "Q_01", "a")
    evidence_of(cast.review, "q_01_a", days_ago=40)
    client.force_login(cast.owner)
    client.post(reverse("evidence:team_policy", args=[cast.team.pk]), {"max_age_days": "30"})
    with CaptureQueriesContext(connection) as queries:
        page = question_page(client, cast.review)
    assert "Evidence expired" in practice_html(page, "q_01_a")
    evidence_reads = [query["sql"] for query in queries if 'FROM "evidence_evidence"' in query["sql"]]
    assert len(evidence_reads) == 1 and "evidence_evidencepolicy" not in evidence_reads[0]
