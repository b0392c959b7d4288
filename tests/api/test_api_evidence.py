"""Evidence through the API: listed with its practice's state, added as a link (JSON) or a file (multipart), removed
(the row and a history line stay), downloaded; the browser's checks and words, and its access rules."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.api.conftest import evidence_items
from tests.evidence.helpers import PNG, stored_files
from wareview.evidence.models import Evidence
from wareview.reviews.models import AnswerChange
from wareview.reviews.services import review_close

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(settings):
    """The files in the storage (tests/api/conftest.py gives each test its own MEDIA_ROOT)."""
    return lambda: stored_files(settings.MEDIA_ROOT)


def link(**changes) -> dict:
    return {
        "question": "Q_01",
        "practice": "q_01_a",
        "url": "https://runbooks.example.com/load",
        "title": "Load-test runbook",
        "verified_on": date.today().isoformat(),
    } | changes


def upload(content: bytes, name: str = "evidence.bin", **changes) -> dict:
    return {
        "question": "Q_01",
        "practice": "q_01_a",
        "verified_on": date.today().isoformat(),
        "file": SimpleUploadedFile(name, content, content_type="application/octet-stream"),
    } | changes


def notes() -> list[str]:
    return list(AnswerChange.objects.order_by("pk").values_list("note", flat=True))


def test_a_contributor_adds_a_link_which_the_list_shows_with_its_practice_state(api_as, cast):
    response = api_as("contributor").post(f"/reviews/{cast.review.pk}/evidence", link())

    assert response.status_code == 201, response.content
    created = response.json()
    assert {key: created[key] for key in ("question", "practice", "kind", "title", "added_by", "download")} == {
        "question": "Q_01",
        "practice": "q_01_a",
        "kind": "link",
        "title": "Load-test runbook",
        "added_by": "carlos",
        "download": None,
    }
    assert created["state"] == "verified"
    assert notes() == ["evidence added to “Q_01 practice a”: Load-test runbook"]
    listed = api_as("viewer").get(f"/reviews/{cast.review.pk}/evidence").json()
    assert listed["count"] == 1 and listed["items"] == [created]


def test_the_list_filters_by_question_and_practice_and_gives_each_practice_its_state(api_as, cast, settings):
    settings.EVIDENCE_MAX_AGE_DAYS = 30
    owner = api_as("owner")
    old = (date.today() - timedelta(days=31)).isoformat()
    owner.post(f"/reviews/{cast.review.pk}/evidence", link(verified_on=old))
    owner.post(f"/reviews/{cast.review.pk}/evidence", link(practice="q_01_b"))
    owner.post(f"/reviews/{cast.review.pk}/evidence", link(question="Q_02", practice="q_02_a"))

    everything = owner.get(f"/reviews/{cast.review.pk}/evidence").json()
    assert [(item["question"], item["practice"], item["state"]) for item in everything["items"]] == [
        ("Q_01", "q_01_a", "expired"),
        ("Q_01", "q_01_b", "verified"),
        ("Q_02", "q_02_a", "verified"),
    ]
    of_q01 = owner.get(f"/reviews/{cast.review.pk}/evidence?question=Q_01").json()
    assert of_q01["count"] == 2
    one = owner.get(f"/reviews/{cast.review.pk}/evidence?question=Q_01&practice=q_01_b&per_page=1").json()
    assert (one["count"], one["pages"], one["items"][0]["practice"]) == (1, 1, "q_01_b")


def test_the_list_takes_four_queries_a_page_whatever_its_length(api_as, cast, django_assert_num_queries):
    for _ in range(3):
        evidence_items(cast.review, cast.owner)
    viewer = api_as("viewer")
    # The token (and its last use), the review with access, the states, the count and the page.
    with django_assert_num_queries(6):
        response = viewer.get(f"/reviews/{cast.review.pk}/evidence")
    assert response.json()["count"] == 6


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"url": "javascript:alert(1)"}, "url: Enter a web address (http or https)."),
        ({"title": ""}, "title: Give the link a title."),
        ({"url": ""}, "Give a link or choose a file."),
        ({"verified_on": "2999-01-01"}, "verified_on: Verified on cannot be a day in the future."),
        ({"verified_on": "yesterday"}, "verified_on: Enter a valid date."),
        ({"practice": "q_01_z"}, "practice: question Q_01 has no best practice “q_01_z”."),
        ({"practice": "q_01_no"}, "practice: question Q_01 has no best practice “q_01_no”."),
    ],
)
def test_a_bad_link_is_refused_with_the_browser_s_words_and_changes_nothing(api_as, cast, changes, words):
    response = api_as("owner").post(f"/reviews/{cast.review.pk}/evidence", link(**changes))
    assert (response.status_code, response.json()["message"]) == (400, words)
    assert not Evidence.objects.exists() and notes() == []


def test_an_unknown_question_is_a_404(api_as, cast):
    response = api_as("owner").post(f"/reviews/{cast.review.pk}/evidence", link(question="Q_99"))
    assert response.status_code == 404 and not Evidence.objects.exists()


def test_a_file_is_stored_with_its_sniffed_type_and_downloaded_as_an_attachment(api_as, cast):
    owner = api_as("owner")
    response = owner.post(f"/reviews/{cast.review.pk}/evidence/files", upload(PNG, name="dashboard.txt"))

    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["kind"], created["title"], created["file_name"]) == ("file", "dashboard.txt", "dashboard.txt")
    assert (created["content_type"], created["file_size"]) == ("image/png", len(PNG))
    download = api_as("viewer").client.get(created["download"], headers=api_as("viewer").headers())
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
    assert download["Content-Type"] == "image/png"
    assert download["Content-Disposition"] == 'attachment; filename="dashboard.txt"'
    assert download["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>", "This file is text/html"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "This file is image/svg+xml"),
    ],
)
def test_html_and_svg_files_are_refused_with_words_and_nothing_is_stored(api_as, cast, stored, content, words):
    response = api_as("owner").post(f"/reviews/{cast.review.pk}/evidence/files", upload(content, name="x.png"))
    assert response.status_code == 400 and response.json()["message"].startswith(f"file: {words}")
    assert not Evidence.objects.exists() and stored() == []


def test_a_file_over_the_limit_is_refused_with_both_sizes(api_as, cast, settings, stored):
    settings.EVIDENCE_MAX_BYTES = 1024
    response = api_as("owner").post(f"/reviews/{cast.review.pk}/evidence/files", upload(b"a" * 2048, name="x.txt"))
    assert response.status_code == 400
    assert response.json()["message"] == "file: The file is 2.0\xa0KB; evidence files may be at most 1.0\xa0KB."
    assert not Evidence.objects.exists() and stored() == []


def test_an_upload_without_its_file_is_a_400_that_names_it(api_as, cast):
    fields = upload(PNG)
    del fields["file"]
    response = api_as("owner").client.post(
        f"/api/v1/reviews/{cast.review.pk}/evidence/files", fields, headers=api_as("owner").headers()
    )
    assert (response.status_code, response.json()["message"]) == (400, "file: Field required")
    missing_practice = upload(PNG)
    del missing_practice["practice"]
    response = api_as("owner").post(f"/reviews/{cast.review.pk}/evidence/files", missing_practice)
    assert (response.status_code, response.json()["message"]) == (400, "practice: Field required")
    assert not Evidence.objects.exists()


def test_removing_keeps_the_row_and_a_history_line_and_deletes_the_file(
    api_as, cast, stored, django_capture_on_commit_callbacks
):
    link_item, file_item = evidence_items(cast.review, cast.owner)
    contributor = api_as("contributor")
    with django_capture_on_commit_callbacks(execute=True):
        assert contributor.delete(f"/evidence/{file_item.pk}").status_code == 204

    file_item.refresh_from_db()
    assert file_item.removed_by == cast.contributor and file_item.removed_at and not file_item.file
    assert stored() == []
    assert notes() == ["evidence removed from “Q_01 practice a”: Load test"]
    again = contributor.delete(f"/evidence/{file_item.pk}")
    assert again.status_code == 404
    assert contributor.get(f"/evidence/{file_item.pk}/file").status_code == 404
    assert [item["id"] for item in contributor.get(f"/reviews/{cast.review.pk}/evidence").json()["items"]] == [
        link_item.pk
    ]


def test_a_link_has_no_file_to_download(api_as, cast):
    link_item, _ = evidence_items(cast.review, cast.owner)
    response = api_as("owner").get(f"/evidence/{link_item.pk}/file")
    assert (response.status_code, response.json()) == (404, {"message": "This evidence is a link, not a file."})


def test_a_closed_review_s_evidence_is_read_only(api_as, cast):
    link_item, file_item = evidence_items(cast.review, cast.owner)
    review_close(review=cast.review)
    owner = api_as("owner")

    assert owner.post(f"/reviews/{cast.review.pk}/evidence", link()).status_code == 403
    upload_refused = owner.post(f"/reviews/{cast.review.pk}/evidence/files", upload(PNG))
    assert upload_refused.status_code == 403 and "closed" in upload_refused.json()["message"]
    assert owner.delete(f"/evidence/{link_item.pk}").status_code == 403
    assert owner.get(f"/reviews/{cast.review.pk}/evidence").json()["count"] == 2
    assert owner.get(f"/evidence/{file_item.pk}/file").status_code == 200
    assert Evidence.objects.current().count() == 2 and notes() == []


def test_a_read_only_token_cannot_add_evidence(client, cast):
    from tests.api.conftest import ApiClient
    from wareview.api.models import Scope
    from wareview.api.services import token_create

    secret = token_create(user=cast.owner, name="reader", scope=Scope.READ, days=1).secret
    response = ApiClient(client, secret).post(f"/reviews/{cast.review.pk}/evidence", link())
    assert response.status_code == 403 and not Evidence.objects.exists()


def test_a_file_gone_from_storage_is_a_410_with_words(api_as, cast):
    _, file_item = evidence_items(cast.review, cast.owner)
    file_item.file.storage.delete(file_item.file.name)
    response = api_as("viewer").get(f"/evidence/{file_item.pk}/file")
    assert response.status_code == 410
    assert response.json()["message"] == (
        f"The file “{file_item.file_name}” is gone from storage: add it to the practice again."
    )
