import re
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import build_lens
from tests.plans.helpers import edit, item_of, plan_url, practices_listed, row_of
from tests.reports.helpers import answer
from wareview.plans.models import ImprovementItem, ItemStatus
from wareview.reviews.services import review_start

pytestmark = pytest.mark.django_db


def test_the_plan_lists_the_reports_recommendations_in_its_order_and_writes_their_items(client, cast):
    answer(cast.review, "Q_01", "a")  # medium risk: b and c missing
    answer(cast.review, "Q_02", "no")  # high risk: a, b and c missing
    client.force_login(cast.viewer)
    body = client.get(plan_url(cast.review)).content.decode()
    report = client.get(f"/reviews/{cast.review.pk}/report/").content.decode()
    in_report = re.findall(r'<strong class="recommendation-title">([^<]+)</strong>', report)
    assert practices_listed(body) == in_report
    assert in_report[:3] == ["Q_02 practice a", "Q_02 practice b", "Q_02 practice c"]  # high risk first
    assert ImprovementItem.objects.filter(review=cast.review, status=ItemStatus.OPEN).count() == 5
    assert "Open: 5" in body and "Done: 0" in body


def test_reading_the_plan_twice_writes_each_item_once(client, cast):
    answer(cast.review, "Q_01", "a")
    client.force_login(cast.owner)
    client.get(plan_url(cast.review))
    client.get(plan_url(cast.review))
    assert ImprovementItem.objects.filter(review=cast.review).count() == 2


def test_a_plan_with_nothing_at_risk_says_so(client, cast):
    client.force_login(cast.owner)
    body = client.get(plan_url(cast.review)).content.decode()
    assert "Nothing to improve yet: no question is at high or medium risk." in body


def test_a_contributor_sets_the_status_owner_due_date_and_note_and_the_history_keeps_it(client, cast):
    answer(cast.review, "Q_01", "a")
    client.force_login(cast.contributor)
    client.get(plan_url(cast.review))
    item = item_of(cast.review, "q_01_b")
    response = edit(client, item, status="in_progress", owner="vera", due_date="2030-03-31", note="After the freeze.")
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.owner, item.due_date, item.note) == (
        ItemStatus.IN_PROGRESS,
        cast.viewer,
        date(2030, 3, 31),
        "After the freeze.",
    )
    assert response["Location"] == f"{plan_url(cast.review)}#item-{item.pk}"  # back to the row
    row = row_of(client.get(response["Location"]).content.decode(), "Q_01 practice b")
    assert '<option value="in_progress" selected>' in row and '<option value="vera" selected>' in row
    assert 'value="2030-03-31"' in row
    history = client.get(f"/reviews/{cast.review.pk}/plan/items/{item.pk}/").content.decode()
    assert "Status: Open → In progress" in history and "Owner: – → vera" in history and "carlos" in history


def test_saving_an_item_goes_back_to_the_plan_page_it_came_from(client, cast):
    answer(cast.review, "Q_01", "a")
    client.force_login(cast.owner)
    client.get(plan_url(cast.review))
    item = item_of(cast.review, "q_01_b")
    back = plan_url(cast.review, status="open", risk="MEDIUM_RISK")
    response = edit(client, item, status="done", next=back)
    assert response["Location"] == f"{back}#item-{item.pk}"
    elsewhere = edit(client, item, status="open", next="https://evil.example.com/reviews/")
    assert elsewhere["Location"] == f"{plan_url(cast.review)}#item-{item.pk}"


def test_an_item_saved_unchanged_adds_no_history(client, cast):
    answer(cast.review, "Q_01", "a")
    client.force_login(cast.owner)
    client.get(plan_url(cast.review))
    item = item_of(cast.review, "q_01_b")
    edit(client, item, status="open")
    assert not item.changes.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"owner": "nobody-here"}, "The owner must be a member of the team: “nobody-here” is not."),
        ({"owner": "oscar"}, "The owner must be a member of the team: “oscar” is not."),
        ({"status": "wont_do"}, "Say why the team won&#x27;t do it: a reason is needed for “Won&#x27;t do”."),
        ({"status": "finished"}, "There is no status “finished”."),
        ({"due_date": "next week"}, "Give the due date as a date, such as 2025-06-30."),
        ({"note": "x" * 501}, "Ensure this value has at most 500 characters (it has 501)."),
    ],
)
def test_a_bad_edit_is_refused_with_words_and_changes_nothing(client, cast, fields, message):
    answer(cast.review, "Q_01", "a")
    client.force_login(cast.owner)
    client.get(plan_url(cast.review))
    item = item_of(cast.review, "q_01_b")
    response = edit(client, item, **{"status": "in_progress", "note": "Mine.", **fields})
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body and "Nothing was changed." in body
    item.refresh_from_db()
    assert (item.status, item.owner, item.note) == (ItemStatus.OPEN, None, "")
    assert not item.changes.exists()


def test_wont_do_with_a_reason_keeps_the_reason_and_another_status_drops_it(client, cast):
    answer(cast.review, "Q_01", "a")
    client.force_login(cast.owner)
    client.get(plan_url(cast.review))
    item = item_of(cast.review, "q_01_b")
    edit(client, item, status="wont_do", wont_do_reason="The managed service does it for us.")
    item.refresh_from_db()
    assert item.wont_do_reason == "The managed service does it for us."
    row = row_of(client.get(plan_url(cast.review)).content.decode(), "Q_01 practice b")
    assert 'value="The managed service does it for us."' in row
    edit(client, item, status="open", wont_do_reason="The managed service does it for us.")
    item.refresh_from_db()
    assert (item.status, item.wont_do_reason) == (ItemStatus.OPEN, "")


def test_a_viewer_reads_the_plan_without_forms_and_cannot_change_an_item(client, cast):
    answer(cast.review, "Q_01", "a")
    client.force_login(cast.viewer)
    body = client.get(plan_url(cast.review)).content.decode()
    assert "Q_01 practice b" in body and 'id="item-form-' not in body and 'form="item-form-' not in body
    item = item_of(cast.review, "q_01_b")
    response = edit(client, item, status="done")
    assert response.status_code == 403
    assert "Viewers can read the improvement plan but not change it." in response.content.decode()
    item.refresh_from_db()
    assert item.status == ItemStatus.OPEN


def test_the_filters_pick_items_by_status_owner_and_risk(client, cast):
    answer(cast.review, "Q_01", "a")  # medium: b, c
    answer(cast.review, "Q_02", "no")  # high: a, b, c
    client.force_login(cast.owner)
    client.get(plan_url(cast.review))
    edit(client, item_of(cast.review, "q_02_b"), status="in_progress", owner="carlos")
    edit(client, item_of(cast.review, "q_01_c"), status="open", owner="carlos")

    def listed(**query) -> list[str]:
        return practices_listed(client.get(plan_url(cast.review, **query)).content.decode())

    assert listed(status="in_progress") == ["Q_02 practice b"]
    assert listed(owner=cast.contributor.pk) == ["Q_02 practice b", "Q_01 practice c"]
    assert listed(owner="none", risk="HIGH_RISK") == ["Q_02 practice a", "Q_02 practice c"]
    assert listed(risk="MEDIUM_RISK", status="done") == []
    body = client.get(plan_url(cast.review, status="in_progress")).content.decode()
    assert '<option value="in_progress" selected>' in body  # the form shows the filter in use
    assert "Open: 4" in body  # the counts are the whole plan's


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"status": "someday"}, "There is no status “someday”."),
        ({"owner": "123456"}, "“123456” is not a member of the team."),
        ({"risk": "SEVERE"}, "There is no risk level “SEVERE”."),
    ],
)
def test_an_unknown_filter_is_refused_with_words(client, cast, query, message):
    client.force_login(cast.owner)
    response = client.get(plan_url(cast.review, **query))
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.fixture
def big_review(cast):
    """A review of 20 questions: 10 at high risk (3 items each) and 10 at medium risk (2 each), 50 items."""
    review = review_start(workload=cast.workload, lens=build_lens(questions_per_area=10, areas=2), user=cast.owner)
    for number in range(1, 21):
        answer(review, f"Q_{number:02d}", "no" if number <= 10 else "a")
    return review


def test_the_plan_comes_25_items_a_page_and_a_page_past_the_end_is_refused_with_words(client, cast, big_review):
    client.force_login(cast.owner)
    first = client.get(plan_url(big_review)).content.decode()
    assert len(practices_listed(first)) == 25 and "Page 1 of 2" in first
    second = client.get(plan_url(big_review, page=2)).content.decode()
    assert len(practices_listed(second)) == 25
    past = client.get(plan_url(big_review, page=3))
    assert past.status_code == 404
    assert "There is no page 3 here: the list has 2 pages." in past.content.decode()
    assert client.get(plan_url(big_review, page="last")).status_code == 404


SESSION_QUERIES = 0 if settings.SESSION_ENGINE.endswith("cached_db") else 1
# User, review with its access check, the team's members, the plan's counts, the count and the page of its items
# (ordered by the keys kept on them), their practices' and questions' words.
PLAN_PAGE_QUERIES = 7 + SESSION_QUERIES


def test_the_plan_page_takes_the_same_queries_for_5_and_50_items(client, cast, big_review):
    answer(cast.review, "Q_01", "a")  # 2 items
    answer(cast.review, "Q_02", "no")  # 3 items
    client.force_login(cast.contributor)
    counts = []
    for review in (cast.review, big_review):
        client.get(plan_url(review))  # the first read writes the items
        item = ImprovementItem.objects.filter(review=review).first()
        edit(client, item, status="in_progress", owner="olivia", due_date="2030-01-01", note="Planned.")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(plan_url(review)).status_code == 200
        counts.append(len(queries))
    assert counts == [PLAN_PAGE_QUERIES, PLAN_PAGE_QUERIES]


def test_the_first_read_of_a_plan_adds_the_same_queries_whatever_its_size(client, cast, big_review):
    answer(cast.review, "Q_01", "a")
    client.force_login(cast.owner)
    counts = []
    for review in (cast.review, big_review):
        with CaptureQueriesContext(connection) as queries:
            client.get(plan_url(review))
        counts.append(len(queries))
    # The counts before, the report's four, the items, and the missing items inserted at once with their keys.
    assert counts[0] == counts[1] == PLAN_PAGE_QUERIES + 7


def test_an_overdue_item_says_so(client, cast):
    answer(cast.review, "Q_01", "a")
    client.force_login(cast.owner)
    client.get(plan_url(cast.review))
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    edit(client, item_of(cast.review, "q_01_b"), status="in_progress", due_date=yesterday)
    edit(client, item_of(cast.review, "q_01_c"), status="done", due_date=yesterday)
    body = client.get(plan_url(cast.review)).content.decode()
    assert body.count("(overdue)") == 1


def test_the_review_overview_and_the_report_link_to_the_plan(client, cast):
    client.force_login(cast.viewer)
    link = f'href="{plan_url(cast.review)}">Improvement plan</a>'
    assert link in client.get(f"/reviews/{cast.review.pk}/").content.decode()
    assert link in client.get(f"/reviews/{cast.review.pk}/report/").content.decode()


def test_a_nul_in_an_items_note_is_refused_and_the_item_is_unchanged(client, cast):
    answer(cast.review, "Q_01", "a")
    client.force_login(cast.owner)
    client.get(plan_url(cast.review))
    item = item_of(cast.review, "q_01_b")
    assert edit(client, item, status="done", note="Half\x00way").status_code == 400
    item.refresh_from_db()
    assert (item.status, item.note) == (ItemStatus.OPEN, "")


def test_an_item_of_another_review_is_not_found_under_this_one(client, cast):
    other = review_start(workload=cast.workload, lens=build_lens(), user=cast.owner)
    answer(other, "Q_01", "a")
    client.force_login(cast.owner)
    client.get(plan_url(other))
    item = item_of(other, "q_01_b")
    assert client.get(f"/reviews/{cast.review.pk}/plan/items/{item.pk}/").status_code == 404
