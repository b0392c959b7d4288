"""Facts a review needs about its workload: environment, architecture diagram link and tags."""

import pytest
from django.urls import reverse

from wareview.workloads.forms import normalized_tags
from wareview.workloads.models import Workload, WorkloadTag

pytestmark = pytest.mark.django_db

FIELDS = {
    "name": "Checkout",
    "environment": "other",
    "regions": "",
    "description": "",
    "architecture_url": "https://diagrams.example.com/checkout",
    "review_owner": "",
    "notes": "",
    "tags": "Payments, PCI DSS, payments, ",
}


def test_a_contributor_sets_the_environment_diagram_link_and_tags_and_the_page_shows_them(client, cast):
    client.force_login(cast.contributor)
    response = client.post(reverse("workloads:edit", args=[cast.workload.pk]), FIELDS)
    assert response.status_code == 302
    cast.workload.refresh_from_db()
    assert (cast.workload.environment, cast.workload.architecture_url) == ("other", FIELDS["architecture_url"])
    assert list(cast.workload.tags.values_list("name", flat=True)) == ["payments", "pci-dss"]
    page = client.get(reverse("workloads:detail", args=[cast.workload.pk])).content.decode()
    assert "<dt>Environment</dt><dd>Other</dd>" in page
    assert '<li class="tag">payments</li><li class="tag">pci-dss</li>' in page
    assert f'<a href="{FIELDS["architecture_url"]}">' in page


def test_the_edit_form_shows_the_tags_and_saving_fewer_removes_the_others(client, cast):
    WorkloadTag.objects.bulk_create([WorkloadTag(workload=cast.workload, name=n) for n in ("old", "keep")])
    client.force_login(cast.owner)
    form = client.get(reverse("workloads:edit", args=[cast.workload.pk])).content.decode()
    assert 'value="keep, old"' in form
    assert '<label for="id_architecture_url">Architecture diagram link</label>' in form
    client.post(reverse("workloads:edit", args=[cast.workload.pk]), {**FIELDS, "tags": "keep, new"})
    assert list(cast.workload.tags.values_list("name", flat=True)) == ["keep", "new"]


def test_a_new_workload_gets_its_tags(client, cast):
    client.force_login(cast.contributor)
    client.post(reverse("workloads:create", args=[cast.team.pk]), {**FIELDS, "name": "Search", "tags": "search"})
    assert list(Workload.objects.get(name="Search").tags.values_list("name", flat=True)) == ["search"]


@pytest.mark.parametrize(
    ("tags", "words"),
    [
        ("ok, <script>", "“<script>” is not a tag: use letters, digits, hyphens, dots and colons"),
        ("x" * 41, "A tag has at most 40 characters"),
        (", ".join(f"t{n}" for n in range(21)), "A workload has at most 20 tags; this has 21."),
    ],
)
def test_a_bad_tag_is_refused_with_words_and_nothing_changes(client, cast, tags, words):
    client.force_login(cast.contributor)
    response = client.post(reverse("workloads:edit", args=[cast.workload.pk]), {**FIELDS, "tags": tags})
    assert response.status_code == 400
    assert words in response.content.decode().replace("&lt;", "<").replace("&gt;", ">")
    cast.workload.refresh_from_db()
    assert (cast.workload.environment, cast.workload.tags.count()) == ("production", 0)


def test_a_viewer_cannot_change_the_tags(client, cast):
    client.force_login(cast.viewer)
    response = client.post(reverse("workloads:edit", args=[cast.workload.pk]), FIELDS)
    assert response.status_code == 403
    assert not WorkloadTag.objects.exists()


def test_tags_are_normalized():
    assert normalized_tags(" Cost Centre:42 ,team.payments,,COST  centre:42") == ["cost-centre:42", "team.payments"]
