"""An evidence file is served to the review's team only, always as a download of the type sniffed when it was
added."""

import pytest
from django.urls import reverse

from tests.evidence.helpers import PNG, practice_url, upload
from wareview.evidence.models import Evidence

pytestmark = pytest.mark.django_db


def added(client, cast, content: bytes, name: str, content_type: str) -> Evidence:
    client.force_login(cast.owner)
    assert (
        client.post(practice_url(cast.review), upload(content, name=name, content_type=content_type)).status_code == 302
    )
    return Evidence.objects.get()


def test_a_member_downloads_the_file_as_an_attachment_of_its_sniffed_type(client, cast):
    item = added(client, cast, PNG, "dashboard.txt", "text/plain")
    client.force_login(cast.viewer)
    response = client.get(reverse("evidence:file", args=[item.pk]))

    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="dashboard.txt"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_file_of_markup_that_passed_as_text_is_never_served_inline_or_as_html(client, cast):
    page = b"<p>Status</p><img src=x onerror=alert(1)>"
    item = added(client, cast, page, "status.html", "text/html")
    response = client.get(reverse("evidence:file", args=[item.pk]))

    assert response["Content-Type"] == "text/plain"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_stored_type_outside_the_allowed_ones_is_served_as_bytes(client, cast):
    item = added(client, cast, b"run,seconds\n1,2\n", "load.csv", "text/csv")
    Evidence.objects.filter(pk=item.pk).update(content_type="text/html")
    response = client.get(reverse("evidence:file", args=[item.pk]))
    assert response["Content-Type"] == "application/octet-stream"


def test_an_outsider_gets_404_for_the_file(client, cast):
    item = added(client, cast, PNG, "dashboard.png", "image/png")
    client.force_login(cast.outsider)
    response = client.get(reverse("evidence:file", args=[item.pk]))
    assert response.status_code == 404 and PNG not in response.content


def test_a_link_has_no_file_to_download(client, cast):
    client.force_login(cast.owner)
    client.post(
        practice_url(cast.review),
        {"url": "https://example.com/", "title": "Dashboard", "note": "", "verified_on": "2026-01-05"},
    )
    assert client.get(reverse("evidence:file", args=[Evidence.objects.get().pk])).status_code == 404
