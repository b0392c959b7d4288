"""A response that differs with HX-Request (a fragment for htmx, a page or a redirect otherwise) says so with
`Vary: HX-Request`, so no cache (the browser's included) serves one in place of the other.

reviews:question and reviews:history are left out: their htmx answers change with work on the reviews app."""

import pytest
from django.urls import reverse
from django.utils.cache import has_vary_header

from wareview.reports.models import Report

pytestmark = pytest.mark.django_db


def report_job(cast) -> str:
    report = Report.objects.create(review=cast.review, requested_by=cast.owner)
    return reverse("reports:job", args=[report.pk])


def report_pdf_request(cast) -> str:
    return reverse("reports:pdf_request", args=[cast.review.pk])


def report_retry(cast) -> str:
    report = Report.objects.create(review=cast.review, requested_by=cast.owner, status=Report.Status.FAILED)
    return reverse("reports:retry", args=[report.pk])


HTMX_DEPENDENT = [
    pytest.param("get", report_job, id="reports:job"),
    pytest.param("post", report_pdf_request, id="reports:pdf_request"),
    pytest.param("post", report_retry, id="reports:retry"),
]


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
@pytest.mark.parametrize(("method", "url"), HTMX_DEPENDENT)
def test_a_view_that_answers_htmx_with_a_fragment_varies_on_hx_request(client, cast, method, url, htmx):
    client.force_login(cast.owner)
    headers = {"HX-Request": "true"} if htmx else {}
    response = getattr(client, method)(url(cast), headers=headers)
    assert response.status_code in (200, 302)
    assert has_vary_header(response, "HX-Request"), response.get("Vary")


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_the_refusal_of_a_nul_character_varies_on_hx_request(client, htmx):
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.get("/?q=%00", headers=headers)
    assert response.status_code == 400
    assert has_vary_header(response, "HX-Request")
