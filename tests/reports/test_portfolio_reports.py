"""PDFs of several workloads without a broker: the portfolio's "Export PDF" (the workloads its filters select) and
the whole workload's; who may ask, see and download; bad filters, too many workloads; progress per workload;
retry, deletion and pruning. WeasyPrint is replaced by a stub here; test_portfolio_worker.py renders for real."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.reports.helpers import answer, start_review
from wareview.audit.models import Action, AuditEntry
from wareview.reports import rendering, services
from wareview.reports.models import PORTFOLIO_STALE_AFTER, STALE_MESSAGE, PortfolioReport
from wareview.reports.services import PORTFOLIO_JOB, job_render, jobs_prune
from wareview.teams.models import Membership, Role
from wareview.teams.services import team_create
from wareview.workloads.models import Workload

pytestmark = pytest.mark.django_db

FAKE_PDF = b"%PDF-1.7 fake"
ASK = reverse("reports:portfolio_pdf_request")


@pytest.fixture
def fake_pdf(monkeypatch):
    """Record each part laid out (the HTML's title) with the report's progress then, and return a stub PDF."""
    seen = []

    def document_from_html(html: str):
        title = html[html.index("<title>") + 7 : html.index("</title>")]
        seen.append((title, *PortfolioReport.objects.values_list("status", "progress", "workloads_done").get()))
        return html

    monkeypatch.setattr(services, "document_from_html", document_from_html)
    monkeypatch.setattr(services, "pdf_from_documents", lambda documents: FAKE_PDF)
    return seen


@pytest.fixture
def estate(cast, review):
    """Checkout service (Payments, production, the answered review of conftest), Ledger (Payments, other
    environment, no review), Search (a second team the owner and viewer are in, pre-production, a review) and
    Secret (the outsider's team). The cast's own workload is not part of it."""
    cast.workload.delete()
    Workload.objects.create(team=cast.team, name="Ledger", environment="other", created_by=cast.owner)
    search_team = team_create(name="Search team", user=cast.owner)
    Membership.objects.create(team=search_team, user=cast.viewer, role=Role.VIEWER)
    search = start_review(team=search_team, user=cast.owner, name="Search").workload
    search.environment = "pre_production"
    search.save()
    start_review(team=cast.outsider.memberships.get().team, user=cast.outsider, name="Secret")
    cast.checkout = review.workload
    cast.search = search
    return cast


def ask(client, data=None, **headers):
    return client.post(ASK, data or {}, headers=headers)


def htmx(client, method: str, url: str, data=None):
    return getattr(client, method)(url, data or {}, headers={"HX-Request": "true"})


def names_of(report: PortfolioReport) -> list[str]:
    return sorted(report.workloads.values_list("name", flat=True))


# Asking


def test_export_pdf_records_the_workloads_the_filters_select_and_redirects_to_the_job(client, estate):
    client.force_login(estate.owner)
    response = ask(client, {"team": estate.team.pk, "sort": "name"})
    report = PortfolioReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:portfolio_job", args=[report.pk])
    assert names_of(report) == ["Checkout service", "Ledger"]
    assert (report.kind, report.status, report.workload_count) == ("portfolio", "queued", 2)
    assert report.filters_in_words == ["Team: Payments"]
    assert report.query == f"team={estate.team.pk}&sort=name"


def test_the_selection_is_only_what_the_person_can_see(client, estate):
    client.force_login(estate.viewer)
    ask(client)
    assert names_of(PortfolioReport.objects.get()) == ["Checkout service", "Ledger", "Search"]


def test_the_filters_are_described_in_words(client, estate):
    client.force_login(estate.owner)
    ask(client, {"environment": "pre_production", "high_risks": "no"})
    report = PortfolioReport.objects.get()
    assert report.filters_in_words == ["Environment: Pre-production", "High risks: Without high risks"]
    assert names_of(report) == ["Search"]


def test_bad_filters_get_400_with_words_and_nothing_is_queued(client, estate, django_capture_on_commit_callbacks):
    client.force_login(estate.owner)
    with django_capture_on_commit_callbacks() as callbacks:
        response = ask(client, {"environment": "moon", "completion": "nearly"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Check the filters: Environment: Select a valid choice. moon is not one of the available choices." in body
    assert "Review completion: Select a valid choice." in body
    assert (PortfolioReport.objects.count(), callbacks) == (0, [])


def test_a_team_one_is_not_in_is_refused_as_a_bad_filter(client, estate):
    client.force_login(estate.outsider)
    response = ask(client, {"team": estate.team.pk})
    assert response.status_code == 400 and "Team: Select a valid choice." in response.content.decode()
    assert not PortfolioReport.objects.exists()


def test_more_workloads_than_a_pdf_takes_get_400_asking_to_narrow_the_filters_and_nothing_is_queued(
    client, estate, settings, django_capture_on_commit_callbacks
):
    settings.PORTFOLIO_PDF_MAX_WORKLOADS = 2
    client.force_login(estate.viewer)
    with django_capture_on_commit_callbacks() as callbacks:
        response = ask(client, {"sort": "-high"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "These filters select 3 workloads; one PDF takes at most 2. Narrow the filters" in body
    assert f'href="{reverse("portfolio:page")}?sort=-high">Back to the portfolio' in body
    assert (PortfolioReport.objects.count(), callbacks) == (0, [])
    assert ask(client, {"team": estate.team.pk}).status_code == 302


def test_a_selection_of_no_workload_gets_400(client, estate):
    client.force_login(estate.owner)
    response = htmx(client, "post", ASK, {"tag": "nothing-has-this"})
    assert response.status_code == 400
    assert response.content.decode() == (
        '<p class="error" role="alert">No workload matches these filters, so there is nothing to put in a PDF.</p>'
    )
    assert not PortfolioReport.objects.exists()


def test_a_person_over_the_pdf_limit_gets_429_and_nothing_is_queued(client, estate, settings):
    settings.REPORT_REQUESTS_PER_MINUTE = 1
    client.force_login(estate.owner)
    assert ask(client).status_code == 302
    response = ask(client)
    assert response.status_code == 429 and 0 < int(response["Retry-After"]) <= 60
    assert "the most one person may" in response.content.decode()
    assert PortfolioReport.objects.count() == 1


def request_queries(client, data) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert ask(client, data).status_code == 302
    return len(queries)


def test_asking_takes_the_same_few_queries_whatever_the_number_of_workloads(client, estate, django_assert_num_queries):
    client.force_login(estate.owner)
    client.get(reverse("portfolio:page"))  # the session is in the cache from here on
    data = {"team": estate.team.pk, "sort": "-high"}
    few = request_queries(client, data)
    for number in range(12):
        start_review(team=estate.team, user=estate.owner, name=f"Service {number}")
    # The user, the lenses, the team of the filter, the selection, the savepoint, the row, its workloads, the end.
    with django_assert_num_queries(few):
        assert ask(client, data).status_code == 302
    assert few == 8
    assert PortfolioReport.objects.first().workload_count == 14


def test_with_htmx_export_pdf_returns_the_job_card_which_polls(client, estate):
    client.force_login(estate.owner)
    response = htmx(client, "post", ASK, {"team": estate.team.pk})
    report = PortfolioReport.objects.get()
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert f'hx-get="{reverse("reports:portfolio_job", args=[report.pk])}" hx-trigger="every 1s"' in body
    assert "Waiting for a worker…" in body


def test_the_portfolio_page_carries_its_filters_in_the_export_form(client, estate):
    client.force_login(estate.owner)
    body = client.get(reverse("portfolio:page"), {"environment": "production", "sort": "team"}).content.decode()
    form = body[body.index(f'action="{ASK}"') : body.index("Export PDF</button>")]
    assert '<input type="hidden" name="environment" value="production">' in form
    assert '<input type="hidden" name="sort" value="team">' in form
    assert 'name="team"' not in form


# Rendering


def test_in_process_the_pdf_is_laid_out_a_workload_at_a_time_and_is_ready(
    client, estate, eager_tasks, fake_pdf, django_capture_on_commit_callbacks
):
    client.force_login(estate.viewer)
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, {"sort": "name"})
    report = PortfolioReport.objects.get()
    assert (report.status, report.progress, report.attempts, report.workloads_done) == ("ready", 100, 1, 3)
    assert report.file.read() == FAKE_PDF
    # The summary first, then each workload in the portfolio's order, the progress moving after each.
    assert fake_pdf == [
        ("Portfolio — Well-Architected portfolio report", "rendering", 5, 0),
        ("Checkout service", "rendering", 10, 0),
        ("Ledger", "rendering", 36, 1),
        ("Search", "rendering", 63, 2),
    ]


def test_a_workload_the_person_can_no_longer_see_is_left_out(estate, fake_pdf):
    report = PortfolioReport.objects.create(requested_by=estate.viewer, workload_count=2)
    report.workloads.set([estate.checkout, estate.search])
    Membership.objects.filter(user=estate.viewer, team=estate.search.team).delete()
    report = job_render(kind=PORTFOLIO_JOB, job_id=report.pk)
    assert [title for title, *_ in fake_pdf] == ["Portfolio — Well-Architected portfolio report", "Checkout service"]
    assert (report.status, report.workload_count) == ("ready", 1)


def test_the_summary_html_has_the_cover_the_counts_the_heatmap_and_the_missing_practices(estate):
    report = PortfolioReport.objects.create(
        requested_by=estate.owner, filters={"sort": "name"}, filters_in_words=["Team: Payments"]
    )
    report.workloads.set([estate.checkout, estate.search])
    answer(estate.search.reviews.get(), "Q_01", "a")
    data = services.portfolio_report_data(report=report)
    html = rendering.portfolio_html(data=data)
    assert "Well-Architected portfolio report" in html and "<dt>Asked by</dt><dd>olivia</dd>" in html
    assert "<dt>Filters</dt><dd>Team: Payments</dd>" in html
    assert "<dt>Workloads</dt><dd>2</dd>" in html and "<dt>Open reviews</dt><dd>2</dd>" in html
    # Checkout: Q_01 high, Q_02 medium; Search: Q_01 medium (one practice of three).
    assert "1 high risk<" in html and "2 medium risks<" in html
    assert html.index('<th scope="row">Checkout service</th>') < html.index('<th scope="row">Search</th>')
    assert "Worst risk of each workload by focus area" in html
    assert "Practices most often missing" in html and "Q_01 practice b" in html
    assert "Ledger" not in html


def test_each_workload_part_has_every_open_review_with_the_report_sections(estate):
    other = start_review(team=estate.team, user=estate.owner, name="Other lens").lens
    from wareview.reviews.services import review_start

    review_start(workload=estate.checkout, lens=other, user=estate.owner)
    report = PortfolioReport.objects.create(requested_by=estate.owner, kind="workload")
    report.workloads.set([estate.checkout])
    data = services.portfolio_report_data(report=report)
    reports = services.workload_report_data(workload=data.workloads[0])
    html = rendering.portfolio_workload_html(data=data, workload=data.workloads[0], reports=reports, position=1)
    assert len(reports) == 2 and html.count('class="lens-title"') == 2
    for heading in ("Executive summary", "Design principles", "Prioritized recommendations", "Answers by focus area"):
        assert html.count(heading) == 2
    assert "We have not looked at this yet." in html  # a note of the review
    assert "Workload 1 of 1" in html and data.title == "Checkout service"


# The job: who sees it, progress, retry, download


@pytest.fixture
def job(estate) -> PortfolioReport:
    report = PortfolioReport.objects.create(requested_by=estate.owner, workload_count=2, query="team=1")
    report.workloads.set([estate.checkout, estate.search])
    return report


@pytest.mark.parametrize("who", ["viewer", "contributor", "outsider"])
def test_nobody_but_the_person_who_asked_sees_the_job_or_its_file(client, estate, job, who):
    job.status = PortfolioReport.Status.FAILED
    job.file.save("portfolio.pdf", ContentFile(FAKE_PDF))
    client.force_login(estate.user(who))
    for name, method in (("portfolio_job", "get"), ("portfolio_download", "get"), ("portfolio_retry", "post")):
        response = getattr(client, method)(reverse(f"reports:{name}", args=[job.pk]))
        assert response.status_code == 404, name
    job.refresh_from_db()
    assert job.status == PortfolioReport.Status.FAILED


def test_the_job_page_refreshes_without_javascript_and_polls_with_htmx_saying_which_workload_is_laid_out(
    client, estate, job
):
    PortfolioReport.objects.filter(pk=job.pk).update(
        status="rendering", progress=50, workloads_done=1, started_at=timezone.now()
    )
    client.force_login(estate.owner)
    url = reverse("reports:portfolio_job", args=[job.pk])
    page = client.get(url).content.decode()
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page and ">Refresh</a>" in page
    assert f'href="{reverse("portfolio:page")}?team=1">Back to the portfolio' in page
    fragment = htmx(client, "get", url).content.decode()
    assert "<html" not in fragment and 'hx-trigger="every 1s"' in fragment
    assert '<progress max="100" value="50"' in fragment and "Laying out workload 2 of 2…" in fragment


def test_a_ready_job_stops_polling_and_its_download_is_the_pdf_as_an_attachment_recorded_for_each_team(
    client, estate, job
):
    job.status, job.progress = PortfolioReport.Status.READY, 100
    job.file.save("portfolio.pdf", ContentFile(FAKE_PDF))
    client.force_login(estate.owner)
    fragment = htmx(client, "get", reverse("reports:portfolio_job", args=[job.pk])).content.decode()
    assert "hx-trigger" not in fragment and "Download the PDF" in fragment
    response = client.get(reverse("reports:portfolio_download", args=[job.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="wareview-portfolio-report-{job.pk}.pdf"'
    assert b"".join(response.streaming_content) == FAKE_PDF
    entries = AuditEntry.objects.filter(action=Action.REPORT_DOWNLOADED).order_by("target")
    assert [(entry.team_id, entry.target) for entry in entries] == [
        (estate.team.pk, f"Checkout service: wareview-portfolio-report-{job.pk}.pdf"),
        (estate.search.team_id, f"Search: wareview-portfolio-report-{job.pk}.pdf"),
    ]


def test_the_download_of_a_job_that_is_not_ready_is_404(client, estate, job):
    client.force_login(estate.owner)
    assert client.get(reverse("reports:portfolio_download", args=[job.pk])).status_code == 404


def test_a_job_rendering_too_long_shows_as_failed_and_a_retry_renders_it(
    client, estate, job, eager_tasks, fake_pdf, django_capture_on_commit_callbacks
):
    started = timezone.now() - PORTFOLIO_STALE_AFTER - timedelta(seconds=1)
    PortfolioReport.objects.filter(pk=job.pk).update(status="rendering", started_at=started, attempts=1)
    client.force_login(estate.owner)
    body = htmx(client, "get", reverse("reports:portfolio_job", args=[job.pk])).content.decode()
    assert STALE_MESSAGE in body and ">Retry</button>" in body and "hx-trigger" not in body
    assert PortfolioReport.objects.get().status == "rendering"  # the page only reads
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:portfolio_retry", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.error, job.attempts, job.progress) == ("ready", "", 2, 100)


def test_retrying_a_job_that_did_not_fail_is_refused_with_words(client, estate, job):
    client.force_login(estate.owner)
    response = htmx(client, "post", reverse("reports:portfolio_retry", args=[job.pk]))
    assert response.status_code == 409
    assert "Only a report that failed can be retried." in response.content.decode()
    assert PortfolioReport.objects.get().status == "queued"


def test_a_render_that_raises_marks_the_job_failed_with_the_message(estate, job, monkeypatch):
    from wareview.reports.tasks import portfolio_report_render_task

    def broken(*, data):
        raise ValueError("The template is broken.")

    monkeypatch.setattr(services, "portfolio_html", broken)
    portfolio_report_render_task.apply(args=[job.pk])
    job.refresh_from_db()
    assert (job.status, job.error) == ("failed", "The template is broken.")


# Whole workload


def test_any_member_may_ask_for_the_pdf_of_a_whole_workload_and_outsiders_get_404(client, estate):
    url = reverse("reports:workload_pdf_request", args=[estate.checkout.pk])
    client.force_login(estate.outsider)
    assert client.post(url).status_code == 404
    assert not PortfolioReport.objects.exists()
    client.force_login(estate.viewer)
    response = client.post(url)
    report = PortfolioReport.objects.get()
    assert response["Location"] == reverse("reports:portfolio_job", args=[report.pk])
    assert (report.kind, report.requested_by, names_of(report)) == ("workload", estate.viewer, ["Checkout service"])
    page = client.get(response["Location"]).content.decode()
    assert f'href="{reverse("reports:workload_page", args=[estate.checkout.pk])}">Back to the workload' in page


def test_the_workload_report_page_offers_export_pdf(client, estate):
    client.force_login(estate.viewer)
    body = client.get(reverse("reports:workload_page", args=[estate.checkout.pk])).content.decode()
    assert f'action="{reverse("reports:workload_pdf_request", args=[estate.checkout.pk])}"' in body
    assert "Export PDF</button>" in body


# Files


def test_deleting_a_workload_deletes_the_pdfs_that_show_it_with_their_files(
    estate, job, django_capture_on_commit_callbacks
):
    job.file.save("portfolio.pdf", ContentFile(FAKE_PDF))
    path = job.file.path
    other = PortfolioReport.objects.create(requested_by=estate.owner)
    other.workloads.set([estate.checkout])
    with django_capture_on_commit_callbacks(execute=True):
        estate.search.delete()
    assert list(PortfolioReport.objects.all()) == [other]
    import os

    assert not os.path.exists(path)


def test_pruning_deletes_old_pdfs_of_several_workloads_and_keeps_the_files_of_recent_ones(
    estate, job, django_capture_on_commit_callbacks
):
    job.file.save("portfolio.pdf", ContentFile(FAKE_PDF))
    old = PortfolioReport.objects.create(requested_by=estate.owner, created_at=timezone.now() - timedelta(days=40))
    with django_capture_on_commit_callbacks(execute=True):
        result = jobs_prune(now=timezone.now() + timedelta(hours=2))
    assert result.reports == 1 and result.orphan_files == 0
    assert list(PortfolioReport.objects.all()) == [job]
    assert not PortfolioReport.objects.filter(pk=old.pk).exists()
    assert job.file.storage.exists(job.file.name)
