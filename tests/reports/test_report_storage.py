"""Report PDFs in the storage STORAGE_URL names: made by a real worker into a bucket of a real S3-compatible server
(moto's, tests/s3_server.py), downloaded through the view, pruned, and a file gone from the storage told in words
with a way to make it again, on S3 and on the local folder alike. The `s3_storage` fixture fails a test that
leaves anything in MEDIA_ROOT while S3 is on."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from tests.reports.helpers import FINISHED, wait_for
from wareview.audit.models import Action, AuditEntry
from wareview.reports import services
from wareview.reports.models import PortfolioReport, Report
from wareview.reports.services import FILE_GONE_MESSAGE, jobs_prune, report_request

FAKE_PDF = b"%PDF-1.7 fake"


@pytest.fixture
def fake_pdf(monkeypatch):
    monkeypatch.setattr(services, "pdf_from_html", lambda html: FAKE_PDF)
    monkeypatch.setattr(services, "document_from_html", lambda html: html)
    monkeypatch.setattr(services, "pdf_from_documents", lambda documents: FAKE_PDF)


@pytest.fixture(params=["s3", "local"])
def storage(request, settings, tmp_path):
    """Each test on a bucket of the S3 server, then on the local folder (the embedded default)."""
    if request.param == "s3":
        return request.getfixturevalue("s3_storage")
    return None


def downloaded(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_pdf_made_by_a_real_worker_lands_in_the_bucket_and_is_streamed_through_the_view(
    client, s3_storage, worker, review, owner
):
    client.force_login(owner)
    client.post(reverse("reports:pdf_request", args=[review.pk]))
    report = wait_for(Report.objects.get(review=review), FINISHED)
    assert report.status == Report.Status.READY, report.error
    assert s3_storage.object_keys("reports/") == [report.file.name]

    response = client.get(reverse("reports:download", args=[report.pk]))
    assert response.status_code == 200
    assert "Location" not in response  # the bytes come through the app, never a link to the bucket
    assert response["Content-Disposition"] == f'attachment; filename="{report.download_name()}"'
    assert downloaded(response).startswith(b"%PDF-")
    assert AuditEntry.objects.filter(action=Action.REPORT_DOWNLOADED).count() == 1


@pytest.mark.django_db
def test_a_pdf_gone_from_the_storage_is_410_in_words_with_a_button_that_makes_it_again(
    client, storage, review, viewer, fake_pdf, eager_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = report_request(review=review, user=viewer)
    report.refresh_from_db()
    default_storage.delete(report.file.name)
    client.force_login(viewer)

    response = client.get(reverse("reports:download", args=[report.pk]))
    assert response.status_code == 410
    page = response.content.decode()
    assert FILE_GONE_MESSAGE in page and "The PDF file is gone from storage: make it again." in page
    retry = reverse("reports:retry", args=[report.pk])
    assert f'<form method="post" action="{retry}">' in page and "Make it again" in page
    assert not AuditEntry.objects.filter(action=Action.REPORT_DOWNLOADED).exists()  # nothing was downloaded

    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(retry)
    assert again.status_code == 302 and again["Location"] == reverse("reports:job", args=[report.pk])
    report.refresh_from_db()
    assert (report.status, report.attempts) == (Report.Status.READY, 2)
    assert downloaded(client.get(reverse("reports:download", args=[report.pk]))) == FAKE_PDF


@pytest.mark.django_db
def test_a_portfolio_pdf_gone_from_the_storage_is_410_for_its_asker(
    client, storage, review, owner, fake_pdf, eager_tasks, django_capture_on_commit_callbacks
):
    job = PortfolioReport.objects.create(requested_by=owner, workload_count=1, status=Report.Status.READY)
    job.workloads.add(review.workload)
    job.file.save("gone.pdf", ContentFile(FAKE_PDF))
    default_storage.delete(job.file.name)
    client.force_login(owner)
    response = client.get(reverse("reports:portfolio_download", args=[job.pk]))
    assert response.status_code == 410 and FILE_GONE_MESSAGE in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:portfolio_retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == Report.Status.READY
    assert downloaded(client.get(reverse("reports:portfolio_download", args=[job.pk]))) == FAKE_PDF


@pytest.mark.django_db
def test_asking_again_for_a_pdf_whose_file_is_gone_makes_a_new_one(
    client, storage, review, owner, fake_pdf, eager_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = report_request(review=review, user=owner)
    first.refresh_from_db()
    default_storage.delete(first.file.name)
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:pdf_request", args=[review.pk]))
    first.refresh_from_db()
    assert (first.status, first.error) == (Report.Status.FAILED, FILE_GONE_MESSAGE)
    second = Report.objects.exclude(pk=first.pk).get(review=review)
    assert second.status == Report.Status.READY
    assert downloaded(client.get(reverse("reports:download", args=[second.pk]))) == FAKE_PDF


@pytest.mark.django_db
def test_retrying_a_ready_pdf_whose_file_is_still_there_is_refused(client, storage, review, owner, fake_pdf):
    report = Report.objects.create(review=review, requested_by=owner, status=Report.Status.READY)
    report.file.save("here.pdf", ContentFile(FAKE_PDF))
    client.force_login(owner)
    response = client.post(reverse("reports:retry", args=[report.pk]), headers={"HX-Request": "true"})
    assert response.status_code == 409 and "Only a report that failed can be retried." in response.content.decode()
    report.refresh_from_db()
    assert report.status == Report.Status.READY and default_storage.exists(report.file.name)


@pytest.mark.django_db
def test_the_api_says_a_pdf_gone_from_the_storage_is_gone(client, storage, review, owner, fake_pdf):
    from wareview.api.models import Scope
    from wareview.api.services import token_create

    report = Report.objects.create(review=review, requested_by=owner, status=Report.Status.READY)
    report.file.save("gone.pdf", ContentFile(FAKE_PDF))
    default_storage.delete(report.file.name)
    secret = token_create(user=owner, name="script", scope=Scope.READ, days=1).secret
    response = client.get(f"/api/v1/reports/{report.pk}/pdf", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 410
    assert response.json() == {"message": f"{FILE_GONE_MESSAGE} Ask for the review's report again."}


@pytest.mark.django_db
def test_pruning_deletes_old_pdfs_and_orphans_from_the_storage_and_keeps_the_rest(
    storage, review, owner, django_capture_on_commit_callbacks
):
    old = Report.objects.create(review=review, requested_by=owner, status=Report.Status.READY)
    old.file.save("old.pdf", ContentFile(FAKE_PDF))
    Report.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    kept = Report.objects.create(review=review, requested_by=owner, status=Report.Status.READY)
    kept.file.save("kept.pdf", ContentFile(FAKE_PDF))
    orphan = default_storage.save("reports/2020/01/orphan.pdf", ContentFile(FAKE_PDF))

    with django_capture_on_commit_callbacks(execute=True):
        young = jobs_prune()
    assert (young.reports, young.orphan_files) == (1, 0)  # the orphan is younger than an hour: maybe being saved
    assert not default_storage.exists(old.file.name)
    assert default_storage.exists(orphan)

    with django_capture_on_commit_callbacks(execute=True):
        later = jobs_prune(now=timezone.now() + timedelta(hours=2))
    assert (later.reports, later.orphan_files) == (0, 1)
    assert not default_storage.exists(orphan)
    assert default_storage.exists(kept.file.name)
    assert Report.objects.filter(pk=kept.pk).exists()


@pytest.mark.django_db
def test_pruning_an_empty_storage_finds_nothing_to_delete(storage):
    assert jobs_prune().orphan_files == 0


@pytest.mark.django_db
def test_deleting_a_workload_deletes_its_pdfs_from_the_bucket(
    s3_storage, review, owner, django_capture_on_commit_callbacks
):
    report = Report.objects.create(review=review, requested_by=owner, status=Report.Status.READY)
    report.file.save("report.pdf", ContentFile(FAKE_PDF))
    assert s3_storage.object_keys("reports/") != []
    with django_capture_on_commit_callbacks(execute=True):
        review.workload.delete()
    assert s3_storage.object_keys("reports/") == []
