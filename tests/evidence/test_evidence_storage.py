"""Evidence files in the storage STORAGE_URL names: uploaded into a bucket of a real S3-compatible server (moto's,
tests/s3_server.py), streamed back through the view behind its access check, deleted with the item; a file gone
from the storage is told in words with the way to add it again, on S3 and on the local folder alike. The
`s3_storage` fixture fails a test that leaves anything in MEDIA_ROOT while S3 is on."""

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from tests.evidence.helpers import PNG, practice_url, upload
from wareview.evidence.models import Evidence

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["s3", "local"])
def storage(request):
    """Each test on a bucket of the S3 server, then on the local folder (the embedded default)."""
    return request.getfixturevalue("s3_storage") if request.param == "s3" else None


def added(client, cast) -> Evidence:
    client.force_login(cast.contributor)
    response = client.post(practice_url(cast.review), upload(PNG, name="latency dashboard.png"))
    assert response.status_code == 302
    return Evidence.objects.get()


def test_an_uploaded_file_lands_in_the_bucket_and_is_streamed_back_through_the_view(client, cast, s3_storage):
    item = added(client, cast)
    assert item.file.name.startswith("evidence/") and s3_storage.object_keys("evidence/") == [item.file.name]

    client.force_login(cast.viewer)
    response = client.get(reverse("evidence:file", args=[item.pk]))
    assert response.status_code == 200 and "Location" not in response
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Disposition"] == 'attachment; filename="latency dashboard.png"'

    client.force_login(cast.outsider)
    assert client.get(reverse("evidence:file", args=[item.pk])).status_code == 404


def test_two_files_of_one_name_are_two_objects_in_the_bucket(client, cast, s3_storage):
    client.force_login(cast.owner)
    for _ in range(2):
        client.post(practice_url(cast.review), upload(PNG, name="same.png"))
    names = sorted(Evidence.objects.values_list("file", flat=True))
    assert len(set(names)) == 2 and sorted(s3_storage.object_keys("evidence/")) == names


def test_removing_an_item_deletes_its_object(client, cast, s3_storage, django_capture_on_commit_callbacks):
    item = added(client, cast)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("evidence:remove", args=[item.pk]))
    assert s3_storage.object_keys("evidence/") == []


def test_a_file_gone_from_the_storage_is_410_in_words_with_the_way_to_add_it_again(client, cast, storage):
    item = added(client, cast)
    default_storage.delete(item.file.name)

    response = client.get(reverse("evidence:file", args=[item.pk]))
    assert response.status_code == 410
    page = response.content.decode()
    assert "The file “latency dashboard.png” (latency dashboard.png) is gone from storage: add it again." in page
    assert f'href="{practice_url(cast.review)}#add-evidence"' in page

    client.force_login(cast.viewer)
    page = client.get(reverse("evidence:file", args=[item.pk])).content.decode()
    assert "Ask one of the team's owners or contributors to add it again." in page
