"""A milestone's report page, PDF, CSV and JSON, titled "as at milestone <name>, <date>"; and the report of the
review as it is, which gains "Changes since <latest milestone>" when the review has one."""

import csv
import io
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import build_lens
from tests.reports.helpers import answer, start_review
from wareview.milestones.services import milestone_save
from wareview.reports.models import Report
from wareview.reports.rendering import report_html
from wareview.reports.selectors import report_data, review_answers_fingerprint

pytestmark = pytest.mark.django_db


@pytest.fixture
def baseline(review, owner):
    milestone = milestone_save(review=review, name="Baseline", user=owner)
    answer(review, "Q_01", "a", "b", notes="Fixed since.")  # high → no risk after the milestone
    return milestone


def words(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_milestone_report_page_shows_the_answers_as_they_were_and_says_so(client, viewer, baseline):
    client.force_login(viewer)
    response = client.get(reverse("reports:milestone_page", args=[baseline.pk]))
    page = words(response.content.decode())
    assert response.status_code == 200
    assert f"Checkout service as at milestone Baseline, {baseline.date_label}" in page
    assert "We have not looked at this yet." in page and "Fixed since." not in page
    body = response.content.decode()
    for name in ("milestone_export_csv", "milestone_export_json", "milestone_pdf_request"):
        assert reverse(f"reports:{name}", args=[baseline.pk]) in body


def test_the_milestone_csv_and_json_hold_the_answers_as_they_were_and_carry_the_title(client, viewer, baseline):
    client.force_login(viewer)
    response = client.get(reverse("reports:milestone_export_csv", args=[baseline.pk]))
    slug = f"as-at-milestone-baseline-{baseline.date_label.lower().replace(' ', '-')}"
    assert f'-{slug}.csv"' in response["Content-Disposition"]
    rows = {row["question_code"]: row for row in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))}
    assert rows["Q_01"]["risk"] == "HIGH_RISK" and rows["Q_01"]["notes"] == "We have not looked at this yet."
    exported = json.loads(client.get(reverse("reports:milestone_export_json", args=[baseline.pk])).content)
    assert exported["review"]["as_at"] == f"as at milestone Baseline, {baseline.date_label}"
    assert exported["review"]["milestone_id"] == baseline.pk
    assert exported["review"]["risk_counts"]["HIGH_RISK"] == 1


def test_a_pdf_of_a_milestone_is_a_report_of_the_milestone_titled_so(
    client, viewer, baseline, eager_tasks, django_capture_on_commit_callbacks, monkeypatch
):
    from wareview.reports import services

    rendered = []
    monkeypatch.setattr(services, "pdf_from_html", lambda html: rendered.append(html) or b"%PDF-1.7 test")
    client.force_login(viewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:milestone_pdf_request", args=[baseline.pk]))
    report = Report.objects.get()
    assert response.status_code == 302 and (report.milestone, report.status) == (baseline, Report.Status.READY)
    assert f"As at milestone Baseline, {baseline.date_label}" in words(rendered[0])
    assert "We have not looked at this yet." in rendered[0] and "Changes since" not in rendered[0]
    assert f"milestone-{baseline.pk}" in report.download_name()
    job = words(client.get(reverse("reports:job", args=[report.pk])).content.decode())
    assert "as at milestone Baseline" in job
    # The same milestone again: the same report; the review as it is: a report of its own.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:milestone_pdf_request", args=[baseline.pk]))
        client.post(reverse("reports:pdf_request", args=[baseline.review_id]))
    assert Report.objects.filter(milestone=baseline).count() == 1
    assert Report.objects.filter(milestone=None).count() == 1


def test_the_report_of_the_review_shows_the_changes_since_its_latest_milestone(client, viewer, review, baseline):
    html = words(report_html(data=report_data(review=review)))
    assert "Changes since Baseline" in html
    assert "1 improved" in html and "Q_01 · " in html and "Now followed: Q_01 practice a" in html
    client.force_login(viewer)
    page = words(client.get(reverse("reports:page", args=[review.pk])).content.decode())
    assert "Changes since Baseline" in page


def test_a_review_without_milestones_has_no_changes_section(review):
    assert "Changes since" not in report_html(data=report_data(review=review))


def test_a_new_milestone_changes_the_fingerprint_so_the_next_pdf_shows_it(review, owner):
    before = review_answers_fingerprint(review_id=review.pk, lens_id=review.lens_id)
    milestone_save(review=review, name="Baseline", user=owner)
    assert review_answers_fingerprint(review_id=review.pk, lens_id=review.lens_id) != before


def test_the_report_data_with_changes_takes_as_many_queries_for_8_questions_as_for_2(team, owner):
    def queries_for(questions_per_area: int) -> int:
        review = start_review(
            team=team, user=owner, lens=build_lens(questions_per_area=questions_per_area), name=f"W{questions_per_area}"
        )
        milestone_save(review=review, name="Baseline", user=owner)
        answer(review, "Q_01", "a")
        review = type(review).objects.select_related("workload__team", "lens").get(pk=review.pk)
        with CaptureQueriesContext(connection) as context:
            report_data(review=review)
        return len(context.captured_queries)

    assert queries_for(1) == queries_for(4) <= 8  # with the plan's statuses and the evidence


def test_right_after_a_new_milestone_the_report_shows_the_changes_since_the_one_before(review, owner, baseline):
    milestone_save(review=review, name="Sprint 2", user=owner)  # nothing has changed since
    html = words(report_html(data=report_data(review=review)))
    assert "Changes since Baseline" in html and "Changes since Sprint 2" not in html
    assert "Now followed: Q_01 practice a" in html


def test_a_milestone_with_nothing_changed_since_says_so(review, owner):
    milestone_save(review=review, name="Baseline", user=owner)
    html = words(report_html(data=report_data(review=review)))
    assert "Changes since Baseline" in html and "No answer changed" in html
