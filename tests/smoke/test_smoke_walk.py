"""The smoke walk: the product's main paths one after another, as a team uses them, on the stack they run on.

Signed in through the sign-in page, a person makes a team, a workload and a review of the shipped question set,
answers the workload profile, answers, backs a ticked practice with a link and a file and imports a tool's report,
opens the improvement plan and changes an item, saves a milestone, compares, then asks for every PDF (the review,
the milestone, the whole workload, the portfolio; from the pages and from the API), which a real Celery worker
makes through Redis, downloads each and opens it, takes every CSV and JSON export, reads each of these through
the API, and saves the review as a template that starts a second workload's review. Every answer must be a 2xx.
Paths that each work alone can fail together (a PDF after the plan had been opened once failed on PostgreSQL
only): this walk is the product's smoke test, and runs on PostgreSQL with a real worker in CI.
"""

import csv
import io
import json
import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils.html import escape
from pypdf import PdfReader

from tests.conftest import need_service
from tests.factories import UserFactory
from tests.reports.helpers import FINISHED, QUEUE, own_queue, wait_for, worker_on
from wareview.api.models import Scope
from wareview.api.services import token_create
from wareview.evidence.models import Evidence
from wareview.lenses.models import Lens
from wareview.milestones.models import Milestone
from wareview.plans.models import ImprovementItem
from wareview.profiles.selectors import lens_profile_questions
from wareview.reports.models import PortfolioReport, Report
from wareview.reports.services import PORTFOLIO_RENDER_TASK, RENDER_TASK
from wareview.review_templates.models import ReviewTemplate
from wareview.reviews.models import Answer, NotApplicableReason, Review
from wareview.teams.models import Team
from wareview.workloads.models import Workload

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
SAMPLE_FINDINGS = Path(settings.BASE_DIR, "docs", "examples", "k6-junit.xml")
WORKLOAD = {
    "name": "Storefront",
    "environment": "production",
    "regions": "eu-west-1",
    "description": "The shop's web front end.",
    "architecture_url": "",
    "review_owner": "Ada Architect",
    "notes": "",
}


@pytest.fixture
def pdf_worker():
    """Every PDF task goes to this test's own queue on the real Redis, where a real Celery worker takes it."""
    need_service(connection.vendor == "postgresql", "DATABASE_URL does not name a PostgreSQL database")
    with own_queue((RENDER_TASK, PORTFOLIO_RENDER_TASK), QUEUE) as queue, worker_on(queue):
        yield


@pytest.fixture
def shipped_lens() -> Lens:
    fixtures = sorted(Path(settings.BASE_DIR, "fixtures").glob("*.json"))
    call_command("load_question_sets", *map(str, fixtures), stdout=io.StringIO())
    return Lens.objects.filter(status=Lens.Status.PUBLISHED).order_by("-version").first()


def ok(response, status: int = 200):
    assert response.status_code == status, (response.status_code, response.content[:500])
    return response


def followed(response) -> str:
    """Where a form's redirect leads."""
    assert response.status_code == 302, (response.status_code, response.content[:500])
    return response["Location"]


def opens_as_pdf(content: bytes, *words: str) -> None:
    reader = PdfReader(io.BytesIO(content))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) >= 2
    for word in words:
        assert word in text, word


def job_id(location: str) -> int:
    return int(re.search(r"/(\d+)/$", location).group(1))


def test_the_main_paths_hold_together_on_postgresql_with_a_real_worker(
    client, settings, tmp_path, pdf_worker, shipped_lens
):
    settings.MEDIA_ROOT = tmp_path / "media"
    person = UserFactory(username="ada", password=PASSWORD)

    # Sign in, make a team, a workload and a review of the shipped question set.
    followed(client.post(reverse("account_login"), {"login": "ada", "password": PASSWORD}))
    followed(client.post(reverse("teams:list"), {"name": "Shop"}))
    team = Team.objects.get(name="Shop")
    ok(client.get(reverse("reviews:dashboard")))
    followed(client.post(reverse("workloads:create", args=[team.pk]), WORKLOAD))
    workload = Workload.objects.get(name="Storefront")
    followed(client.post(reverse("reviews:start", args=[workload.pk]), {"lens": shipped_lens.pk}))
    review = Review.objects.get(workload=workload)
    ok(client.get(reverse("reviews:overview", args=[review.pk])))

    # The workload profile: no cache of its own, so the cache practices do not apply to it.
    profile_url = reverse("profiles:profile", args=[workload.pk, shipped_lens.slug])
    ok(client.get(profile_url))
    profile = {question.code: "" for question in lens_profile_questions(lens_id=shipped_lens.pk)}
    followed(client.post(profile_url, profile | {"keeps_cache": "no"}))
    marked = [
        code
        for marks in Answer.objects.filter(review=review).values_list("practices_not_applicable", flat=True)
        for code, mark in marks.items()
        if mark["reason"] == NotApplicableReason.PROFILE
    ]
    assert marked, "the profile marked no practice"

    # Answer the first questions: one practice of each ticked (so the plan has items), and notes.
    answers = list(Answer.objects.filter(review=review).select_related("question").order_by("question__order")[:4])
    for answer in answers:
        code = answer.question.code
        ok(client.get(reverse("reviews:question", args=[review.pk, code])))
        first = answer.question.choices.exclude(code__endswith="_no").order_by("order").first()
        data = {"version": answer.version, "selected": [first.code], "notes": f"Walked {code}.", "reason": ""}
        followed(client.post(reverse("reviews:question", args=[review.pk, code]), data))

    # Back the first ticked practice with a link and a file; import a tool's report of the checks the set maps.
    first = answers[0].question.choices.exclude(code__endswith="_no").order_by("order").first()
    evidence_url = reverse("evidence:practice", args=[review.pk, answers[0].question.code, first.code])
    today = date.today().isoformat()
    link = {"url": "https://runbooks.example.com/load", "title": "Load-test runbook", "note": "", "verified_on": today}
    followed(client.post(evidence_url, link))
    dashboard = SimpleUploadedFile("dashboard.png", PNG, content_type="image/png")
    followed(client.post(evidence_url, {"file": dashboard, "title": "", "note": "", "verified_on": today}))
    assert Evidence.objects.filter(answer__review=review).count() == 2
    findings_url = reverse("evidence:findings", args=[review.pk])
    report = SimpleUploadedFile("k6.xml", SAMPLE_FINDINGS.read_bytes(), content_type="application/xml")
    followed(client.post(findings_url, {"file": report, "format": ""}))
    said = ok(client.get(findings_url)).content.decode()
    assert "Imported junit: 2 passing checks added as evidence, 2 failing checks shown on their practices" in said

    # Open the improvement plan, change an item, save a milestone, change an answer, compare.
    ok(client.get(reverse("plans:plan", args=[review.pk])))
    item = ImprovementItem.objects.filter(review=review).order_by("pk").first()
    edit = {
        "status": "in_progress",
        "owner": "ada",
        "due_date": "2027-03-01",
        "note": "Next sprint.",
        "wont_do_reason": "",
    }
    followed(client.post(reverse("plans:item", args=[review.pk, item.pk]), edit))
    followed(client.post(reverse("milestones:create", args=[workload.pk]), {"name": "Baseline", "review": review.pk}))
    milestone = Milestone.objects.get(review=review)
    last = Answer.objects.get(pk=answers[-1].pk)
    data = {"version": last.version, "selected": [], "notes": "Dropped after the milestone.", "reason": ""}
    followed(client.post(reverse("reviews:question", args=[review.pk, last.question.code]), data))
    compare = ok(
        client.get(reverse("milestones:compare", args=[workload.pk]), {"before": milestone.pk, "after": "now"})
    )
    assert escape(last.question.title) in compare.content.decode()
    ok(client.get(reverse("milestones:overview", args=[milestone.pk])))
    ok(client.get(reverse("workloads:detail", args=[workload.pk])))

    # Every PDF from the pages, made by the worker, downloaded and opened.
    review_job = job_id(followed(client.post(reverse("reports:pdf_request", args=[review.pk]))))
    milestone_job = job_id(followed(client.post(reverse("reports:milestone_pdf_request", args=[milestone.pk]))))
    workload_job = job_id(followed(client.post(reverse("reports:workload_pdf_request", args=[workload.pk]))))
    portfolio_job = job_id(followed(client.post(reverse("reports:portfolio_pdf_request"), {"sort": "name"})))
    for pk in (review_job, milestone_job):
        report = wait_for(Report.objects.get(pk=pk), FINISHED, timeout=90)
        assert report.status == Report.Status.READY, report.error
        ok(client.get(reverse("reports:job", args=[pk])))
        opens_as_pdf(ok(client.get(reverse("reports:download", args=[pk]))).getvalue(), "Storefront")
    for pk in (workload_job, portfolio_job):
        report = wait_for(PortfolioReport.objects.get(pk=pk), FINISHED, timeout=90)
        assert report.status == PortfolioReport.Status.READY, report.error
        ok(client.get(reverse("reports:portfolio_job", args=[pk])))
        opens_as_pdf(ok(client.get(reverse("reports:portfolio_download", args=[pk]))).getvalue(), "Storefront")

    # Every export.
    for name, args in [
        ("reports:export_csv", [review.pk]),
        ("reports:milestone_export_csv", [milestone.pk]),
        ("plans:csv", [review.pk]),
        ("portfolio:csv", []),
    ]:
        rows = list(csv.reader(io.StringIO(ok(client.get(reverse(name, args=args))).content.decode("utf-8-sig"))))
        assert len(rows) >= 2, name
    for name, args in [("reports:export_json", [review.pk]), ("reports:milestone_export_json", [milestone.pk])]:
        assert json.loads(ok(client.get(reverse(name, args=args))).content)["questions"], name
    page = ok(client.get(reverse("reports:page", args=[review.pk]))).content.decode()
    assert "Not applicable — check these" in page and "Load-test runbook" in page
    ok(client.get(reverse("reports:milestone_page", args=[milestone.pk])))
    ok(client.get(reverse("reports:workload_page", args=[workload.pk])))
    ok(client.get(reverse("portfolio:page")))

    # The API reads each of these, and makes a PDF of its own.
    secret = token_create(user=person, name="smoke", scope=Scope.READ_WRITE, days=30).secret
    api = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    code = answers[0].question.code
    for path in [
        "/api/v1/workloads",
        f"/api/v1/workloads/{workload.pk}",
        f"/api/v1/reviews/{review.pk}",
        f"/api/v1/reviews/{review.pk}/answers/{code}",
        f"/api/v1/reviews/{review.pk}/improvement-items",
        f"/api/v1/reviews/{review.pk}/evidence",
        f"/api/v1/workloads/{workload.pk}/milestones",
        f"/api/v1/workloads/{workload.pk}/milestones/compare?before={milestone.pk}&after=now",
        f"/api/v1/reports/{review_job}",
        f"/api/v1/reports/{review_job}/pdf",
        "/api/v1/lenses",
    ]:
        ok(client.get(path, **api))
    asked = ok(
        client.post(
            f"/api/v1/reviews/{review.pk}/reports",
            json.dumps({"milestone": milestone.pk}),
            content_type="application/json",
            **api,
        ),
        202,
    ).json()
    report = wait_for(Report.objects.get(pk=asked["id"]), FINISHED, timeout=90)
    assert report.status == Report.Status.READY, report.error
    opens_as_pdf(ok(client.get(f"/api/v1/reports/{report.pk}/pdf", **api)).getvalue(), "Storefront")

    # Save the review as a template, and start a second workload's review from it: pre-filled, then confirmed.
    followed(client.post(reverse("review_templates:save", args=[review.pk]), {"name": "Shop baseline"}))
    template = ReviewTemplate.objects.get(team=team, name="Shop baseline")
    followed(client.post(reverse("workloads:create", args=[team.pk]), WORKLOAD | {"name": "Checkout"}))
    checkout = Workload.objects.get(name="Checkout")
    start = {"lens": shipped_lens.pk, "source": f"template-{template.pk}"}
    followed(client.post(reverse("review_templates:start", args=[checkout.pk]), start))
    second = Review.objects.get(workload=checkout)
    waiting = Answer.objects.filter(review=second).exclude(prefilled_from="")
    assert waiting.count() >= len(answers)
    followed(client.post(reverse("review_templates:confirm", args=[second.pk, code])))
    assert waiting.count() >= len(answers) - 1 and not waiting.filter(question__code=code).exists()
    ok(client.get(reverse("reviews:overview", args=[second.pk])))
    ok(client.get(reverse("reports:page", args=[second.pk])))
