"""Adding evidence to a practice: a link or a file, checked before anything is stored."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.evidence.helpers import PNG, answer_of, link, practice_url, stored_files, upload
from wareview.evidence.models import Evidence
from wareview.reviews.services import review_close

pytestmark = pytest.mark.django_db


def test_a_contributor_adds_a_link_that_the_practice_page_then_lists(client, cast):
    client.force_login(cast.contributor)
    response = client.post(practice_url(cast.review), link(note="Run before each release."))

    assert response.status_code == 302 and response.url == practice_url(cast.review)
    page = client.get(response.url).content.decode()
    assert 'href="https://runbooks.example.com/load"' in page and "Load-test runbook" in page
    assert "Run before each release." in page and "added by carlos" in page and "verified on 2026-01-05" in page
    item = Evidence.objects.get()
    assert (item.answer, item.practice, item.kind, item.added_by) == (
        answer_of(cast.review),
        "q_01_a",
        "link",
        cast.contributor,
    )


@pytest.mark.parametrize("address", ["javascript:alert(1)", "ftp://files.example.com/report.pdf", "data:text/html,hi"])
def test_a_link_that_is_not_http_or_https_is_refused(client, cast, address):
    client.force_login(cast.contributor)
    response = client.post(practice_url(cast.review), link(url=address))

    assert response.status_code == 400
    assert "Enter a web address (http or https)." in response.content.decode()
    assert not Evidence.objects.exists()


def test_a_contributor_adds_a_file_kept_in_the_storage_under_a_name_of_its_own(client, cast, media_root):
    client.force_login(cast.contributor)
    response = client.post(practice_url(cast.review), upload(PNG, name="dashboard.png", content_type="image/png"))

    assert response.status_code == 302
    item = Evidence.objects.get()
    assert (item.kind, item.title, item.file_name, item.file_size, item.content_type) == (
        "file",
        "dashboard.png",
        "dashboard.png",
        len(PNG),
        "image/png",
    )
    assert stored_files(media_root) == [item.file.name] and item.file.name.startswith("evidence/")


def test_a_file_over_the_limit_is_refused_with_both_sizes_and_nothing_is_stored(client, cast, settings, media_root):
    settings.EVIDENCE_MAX_BYTES = 1024
    client.force_login(cast.owner)
    response = client.post(practice_url(cast.review), upload(PNG + b"\0" * (3072 - len(PNG)), name="big.png"))

    assert response.status_code == 400
    words = response.content.decode().replace("\xa0", " ")
    assert "The file is 3.0 KB; evidence files may be at most 1.0 KB." in words
    assert not Evidence.objects.exists() and stored_files(media_root) == []


def test_an_html_file_is_refused_whatever_its_name_claims_and_nothing_is_stored(client, cast, media_root):
    client.force_login(cast.owner)
    page = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
    response = client.post(practice_url(cast.review), upload(page, name="notes.txt", content_type="text/plain"))

    assert response.status_code == 400
    assert "This file is text/html, which evidence cannot be" in response.content.decode()
    assert not Evidence.objects.exists() and stored_files(media_root) == []


def test_an_svg_image_is_refused(client, cast):
    client.force_login(cast.owner)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    response = client.post(practice_url(cast.review), upload(svg, name="chart.png", content_type="image/png"))

    assert response.status_code == 400 and "image/svg+xml" in response.content.decode()
    assert not Evidence.objects.exists()


def test_a_verified_on_date_in_the_future_is_refused(client, cast):
    client.force_login(cast.owner)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(practice_url(cast.review), link(verified_on=tomorrow.isoformat()))

    assert response.status_code == 400
    assert "Verified on cannot be a day in the future." in response.content.decode()
    assert not Evidence.objects.exists()


def test_the_form_offers_today_as_the_verified_on_date(client, cast):
    client.force_login(cast.owner)
    page = client.get(practice_url(cast.review)).content.decode()
    assert f'name="verified_on" value="{timezone.localdate().isoformat()}"' in page


def test_a_link_and_a_file_at_once_or_neither_are_refused(client, cast):
    client.force_login(cast.owner)
    both = client.post(practice_url(cast.review), {**link(), **upload(PNG)} | {"title": "Both"})
    neither = client.post(practice_url(cast.review), link(url="", title="Nothing"))

    assert both.status_code == neither.status_code == 400
    assert "Give a link or a file, not both" in both.content.decode()
    assert "Give a link or choose a file." in neither.content.decode()
    assert not Evidence.objects.exists()


def test_a_link_without_a_title_is_refused(client, cast):
    client.force_login(cast.owner)
    response = client.post(practice_url(cast.review), link(title=""))
    assert response.status_code == 400 and "Give the link a title." in response.content.decode()


def test_a_viewer_can_read_the_evidence_but_is_refused_adding_any(client, cast):
    client.force_login(cast.viewer)
    page = client.get(practice_url(cast.review)).content.decode()
    response = client.post(practice_url(cast.review), link())

    assert 'enctype="multipart/form-data"' not in page and "only the team's owners and contributors" in page
    assert response.status_code == 403 and not Evidence.objects.exists()


def test_an_outsider_gets_404_for_the_practice_s_evidence(client, cast):
    client.force_login(cast.outsider)
    assert client.get(practice_url(cast.review)).status_code == 404
    assert client.post(practice_url(cast.review), link()).status_code == 404
    assert not Evidence.objects.exists()


def test_evidence_cannot_be_added_to_a_closed_review(client, cast):
    review_close(review=cast.review)
    client.force_login(cast.owner)
    assert client.post(practice_url(cast.review), link()).status_code == 403
    assert not Evidence.objects.exists()


@pytest.mark.parametrize(("question", "practice"), [("Q_01", "q_02_a"), ("Q_01", "q_01_no"), ("Q_01", "nope")])
def test_a_practice_the_question_does_not_have_or_none_of_these_has_no_evidence_page(client, cast, question, practice):
    client.force_login(cast.owner)
    assert client.get(practice_url(cast.review, question, practice)).status_code == 404
    assert client.post(practice_url(cast.review, question, practice), link()).status_code == 404


def test_a_file_already_stored_is_deleted_when_the_add_fails_afterwards(client, cast, media_root, monkeypatch):
    from wareview.evidence import services

    def broken_note(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "answer_note", broken_note)
    client.force_login(cast.owner)
    client.raise_request_exception = True
    with pytest.raises(RuntimeError):
        client.post(practice_url(cast.review), upload(PNG, name="dashboard.png"))

    assert not Evidence.objects.exists() and stored_files(media_root) == []


def test_a_practice_with_many_items_shows_them_a_page_at_a_time(client, cast):
    answer = answer_of(cast.review)
    Evidence.objects.bulk_create(
        Evidence(
            answer=answer,
            practice="q_01_a",
            kind="link",
            title=f"Item {n:02}",
            url="https://example.com/",
            verified_on=f"2026-01-{n:02}",
        )
        for n in range(1, 26)
    )
    client.force_login(cast.viewer)
    first = client.get(practice_url(cast.review)).content.decode()
    second = client.get(practice_url(cast.review) + "?page=2").content.decode()

    assert first.count('class="evidence-item"') == 20 and "Item 25" in first and "Page 1 of 2" in first
    assert second.count('class="evidence-item"') == 5 and "Item 01" in second
