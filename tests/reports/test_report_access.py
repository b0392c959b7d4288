"""Who may use the report pages: every member of the review's team, viewers included; nobody else."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from wareview.reports.models import Report

pytestmark = pytest.mark.django_db

REVIEW_URLS = [
    ("get", "reports:page"),
    ("post", "reports:pdf_request"),
    ("get", "reports:export_csv"),
    ("get", "reports:export_json"),
]
REPORT_URLS = [("get", "reports:job"), ("post", "reports:retry"), ("get", "reports:download")]


@pytest.fixture
def ready_report(review, owner) -> Report:
    report = Report.objects.create(review=review, requested_by=owner, status=Report.Status.READY, progress=100)
    report.file.save("report.pdf", ContentFile(b"%PDF-1.7 test"), save=True)
    return report


def every_url(review, report):
    for method, name in REVIEW_URLS:
        yield method, reverse(name, args=[review.pk])
    for method, name in REPORT_URLS:
        yield method, reverse(name, args=[report.pk])


def test_an_outsider_gets_404_from_every_report_url(client, outsider, review, ready_report):
    client.force_login(outsider)
    for method, url in every_url(review, ready_report):
        assert getattr(client, method)(url).status_code == 404, url
    assert Report.objects.count() == 1


def test_an_anonymous_visitor_is_sent_to_sign_in_from_every_report_url(client, review, ready_report):
    login = reverse("login")
    for method, url in every_url(review, ready_report):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{login}?next="), url


def test_a_url_for_a_report_that_does_not_exist_is_404(client, owner):
    client.force_login(owner)
    assert client.get(reverse("reports:job", args=[999999])).status_code == 404


def test_a_viewer_may_read_the_report_and_export_it(client, viewer, review, ready_report):
    client.force_login(viewer)
    assert client.get(reverse("reports:page", args=[review.pk])).status_code == 200
    assert client.get(reverse("reports:export_csv", args=[review.pk])).status_code == 200
    assert client.get(reverse("reports:export_json", args=[review.pk])).status_code == 200
    assert client.get(reverse("reports:job", args=[ready_report.pk])).status_code == 200
    assert client.get(reverse("reports:download", args=[ready_report.pk])).status_code == 200


def test_a_viewer_may_ask_for_a_pdf(client, viewer, review):
    client.force_login(viewer)
    response = client.post(reverse("reports:pdf_request", args=[review.pk]))
    report = Report.objects.get()
    assert response.status_code == 302
    assert (report.requested_by, report.review) == (viewer, review)


def test_the_pdf_request_and_the_retry_refuse_get(client, owner, review, ready_report):
    client.force_login(owner)
    assert client.get(reverse("reports:pdf_request", args=[review.pk])).status_code == 405
    assert client.get(reverse("reports:retry", args=[ready_report.pk])).status_code == 405
    assert Report.objects.count() == 1
