"""The report (page, PDF and JSON) shows each recommendation's plan status and owner."""

import pytest
from django.urls import reverse

from tests.factories import build_lens
from tests.plans.helpers import edit, item_of, plan_url
from tests.reports.helpers import answer, start_review
from wareview.lenses.models import Choice, Lens
from wareview.lenses.services import lens_publish
from wareview.reports.rendering import report_html
from wareview.reports.selectors import report_data, review_answers_fingerprint

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(client, cast):
    answer(cast.review, "Q_01", "a")  # medium: b, c
    client.force_login(cast.owner)
    client.get(plan_url(cast.review))
    edit(client, item_of(cast.review, "q_01_b"), status="in_progress", owner="carlos")
    return cast.review


def test_the_report_page_and_the_pdf_show_each_recommendations_plan_status_and_owner(client, planned):
    page = client.get(reverse("reports:page", args=[planned.pk])).content.decode()
    pdf = report_html(data=report_data(review=planned))
    for html in (page, pdf):
        assert "Plan: In progress · owner carlos" in html
        assert "Plan: Open · no owner" in html


def test_a_recommendation_without_an_item_yet_reads_as_open(cast):
    answer(cast.review, "Q_02", "a")
    statuses = {
        item.key: (item.plan_status, item.plan_owner) for item in report_data(review=cast.review).recommendations
    }
    assert statuses[("Q_02", "q_02_b")] == ("Open", "")


def test_the_json_export_carries_the_plan_status_and_owner(client, planned):
    data = client.get(reverse("reports:export_json", args=[planned.pk])).json()
    first = data["recommendations"][0]
    assert (first["practice_code"], first["plan_status"], first["plan_owner"]) == ("q_01_b", "In progress", "carlos")


def test_a_change_to_the_plan_gives_the_pdf_a_new_fingerprint(client, planned):
    before = review_answers_fingerprint(review_id=planned.pk, lens_id=planned.lens_id)
    edit(client, item_of(planned, "q_01_c"), status="done")
    assert review_answers_fingerprint(review_id=planned.pk, lens_id=planned.lens_id) != before


def test_every_role_can_ask_for_the_pdf_once_the_plan_has_been_opened(client, cast, planned):
    # Once the plan has items, their last change joins the fingerprint: it must stay within its column on
    # PostgreSQL, which enforces the length that SQLite ignores.
    for role in ("owner", "contributor", "viewer"):
        client.force_login(cast.user(role))
        response = client.post(reverse("reports:pdf_request", args=[planned.pk]))
        assert response.status_code == 302, role
    report = planned.reports.get()
    assert len(report.answers_fingerprint) == 64


def test_a_fingerprint_has_one_length_however_long_what_it_covers(planned):
    fingerprints = {review_answers_fingerprint(review_id=planned.pk, lens_id=lens) for lens in (1, 10**18)}
    assert {len(fingerprint) for fingerprint in fingerprints} == {64}


def test_a_quick_win_marked_wont_do_leaves_the_quick_wins_of_the_page_and_the_pdf(client, cast):
    draft = build_lens(status=Lens.Status.DRAFT)  # a published lens never changes: rate the practice in the draft
    Choice.objects.filter(question__pillar__lens=draft, code="q_01_c").update(effort="small", impact="high")
    review = start_review(team=cast.team, user=cast.owner, lens=lens_publish(lens=draft))
    answer(review, "Q_01", "a")  # medium: b, and c (a quick win)
    client.force_login(cast.owner)
    client.get(plan_url(review))
    assert [item.practice.code for item in report_data(review=review).quick_wins] == ["q_01_c"]
    edit(client, item_of(review, "q_01_c"), status="wont_do", wont_do_reason="The platform team owns it.")
    data = report_data(review=review)
    assert data.quick_wins == []
    assert [item.practice.code for item in data.recommendations] == ["q_01_c", "q_01_b"]  # still recommended
    for html in (client.get(reverse("reports:page", args=[review.pk])).content.decode(), report_html(data=data)):
        assert "Quick wins</h3>" not in html
        assert "Plan: Won&#x27;t do · no owner" in html
