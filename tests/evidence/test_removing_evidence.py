"""Removing evidence: its file goes, its row and a line in the answer's history stay."""

import pytest
from django.urls import reverse

from tests.evidence.helpers import PNG, answer_of, link, practice_url, stored_files, upload
from wareview.evidence.models import Evidence
from wareview.reviews.models import AnswerChange
from wareview.reviews.services import answer_state_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(client, cast) -> Evidence:
    client.force_login(cast.owner)
    client.post(practice_url(cast.review), upload(PNG, name="dashboard.png", content_type="image/png"))
    return Evidence.objects.get()


def test_a_contributor_removes_evidence_which_leaves_the_page_and_its_file_the_storage(
    client, cast, item, media_root, django_capture_on_commit_callbacks
):
    client.force_login(cast.contributor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("evidence:remove", args=[item.pk]))

    assert response.status_code == 302 and response.url == practice_url(cast.review)
    page = client.get(practice_url(cast.review)).content.decode()
    assert 'class="evidence-item"' not in page and "No evidence yet." in page
    assert stored_files(media_root) == []
    item.refresh_from_db()
    assert (item.removed_by, item.file_name) == (cast.contributor, "dashboard.png") and item.removed_at


def test_removing_evidence_is_kept_in_the_answer_s_history(client, cast, item):
    client.force_login(cast.contributor)
    client.post(reverse("evidence:remove", args=[item.pk]))

    history = client.get(reverse("reviews:history", args=[cast.review.pk, "Q_01"])).content.decode()
    assert "carlos (evidence removed from “Q_01 practice a”: dashboard.png)" in history
    assert "olivia (evidence added to “Q_01 practice a”: dashboard.png)" in history


def test_a_history_line_of_evidence_leaves_the_answer_s_state_for_merging_as_it_was(client, cast, item):
    answer = answer_of(cast.review)
    note = AnswerChange.objects.get(answer=answer)
    assert note.before == note.after == answer.state() and note.version == answer.version
    assert answer_state_at(answer=answer, version=answer.version) == answer.answer_state()


def test_a_viewer_cannot_remove_evidence(client, cast, item, media_root):
    client.force_login(cast.viewer)
    assert client.post(reverse("evidence:remove", args=[item.pk])).status_code == 403
    assert Evidence.objects.current().count() == 1 and len(stored_files(media_root)) == 1


def test_an_outsider_gets_404_removing_evidence(client, cast, item):
    client.force_login(cast.outsider)
    assert client.post(reverse("evidence:remove", args=[item.pk])).status_code == 404
    assert Evidence.objects.current().count() == 1


def test_removed_evidence_is_no_longer_served(client, cast, item):
    client.post(reverse("evidence:remove", args=[item.pk]))
    assert client.get(reverse("evidence:file", args=[item.pk])).status_code == 404
    assert client.post(reverse("evidence:remove", args=[item.pk])).status_code == 404


def test_deleting_the_workload_deletes_the_evidence_files(
    client, cast, item, media_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        cast.workload.delete()
    assert not Evidence.objects.exists() and stored_files(media_root) == []


def test_a_link_is_removed_like_a_file(client, cast):
    client.force_login(cast.owner)
    client.post(practice_url(cast.review), link())
    client.post(reverse("evidence:remove", args=[Evidence.objects.get().pk]))
    assert not Evidence.objects.current().exists()
