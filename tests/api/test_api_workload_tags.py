"""A workload's tags through the API: read as a sorted list, written as a list that the browser's form
normalizes and checks (the same code, the same words), kept when an update leaves them out, and a list of
workloads read in the same queries whatever its length."""

import pytest
from django.urls import reverse

from wareview.workloads.models import Workload, WorkloadTag
from wareview.workloads.services import workload_tags_set

pytestmark = pytest.mark.django_db

# The token with its user, the count, the page, the page's tags.
WORKLOAD_LIST_QUERIES = 4


@pytest.fixture
def owner(api_as):
    return api_as("owner")


def tags_of(workload: Workload) -> list[str]:
    return list(WorkloadTag.objects.filter(workload=workload).order_by("name").values_list("name", flat=True))


def test_a_workload_is_created_with_its_tags_normalized_as_the_browser_does(owner, cast):
    body = {"team": cast.team.pk, "name": "Ledger", "tags": ["Payments", "PCI  DSS", " payments ", "cost-centre:42"]}
    response = owner.post("/workloads", body)
    assert response.status_code == 201, response.content
    assert response.json()["tags"] == ["cost-centre:42", "payments", "pci-dss"]
    assert tags_of(Workload.objects.get(name="Ledger")) == ["cost-centre:42", "payments", "pci-dss"]


def test_the_api_and_the_browser_form_make_the_same_tags_of_the_same_words(owner, client, cast):
    words = ["Customer Facing", "PCI", "team.payments", "pci"]
    owner.post("/workloads", {"team": cast.team.pk, "name": "By API", "tags": words})
    client.force_login(cast.owner)
    form = {"name": "By browser", "environment": "production", "tags": ", ".join(words)}
    assert client.post(reverse("workloads:create", args=[cast.team.pk]), form).status_code == 302
    assert tags_of(Workload.objects.get(name="By API")) == tags_of(Workload.objects.get(name="By browser"))
    assert tags_of(Workload.objects.get(name="By API")) == ["customer-facing", "pci", "team.payments"]


def test_a_workload_reads_with_its_tags_sorted(owner, cast):
    workload_tags_set(workload=cast.workload, names=["zeta", "alpha", "mid"])
    assert owner.get(f"/workloads/{cast.workload.pk}").json()["tags"] == ["alpha", "mid", "zeta"]


def test_an_update_without_tags_keeps_them_and_one_with_tags_replaces_them(owner, cast):
    workload_tags_set(workload=cast.workload, names=["payments", "pci"])
    kept = owner.patch(f"/workloads/{cast.workload.pk}", {"notes": "Quarterly"})
    assert kept.status_code == 200 and kept.json()["tags"] == ["payments", "pci"]
    assert tags_of(cast.workload) == ["payments", "pci"]
    replaced = owner.patch(f"/workloads/{cast.workload.pk}", {"tags": ["PCI", "Tier 1"]})
    assert replaced.json()["tags"] == ["pci", "tier-1"]
    assert tags_of(cast.workload) == ["pci", "tier-1"]
    cleared = owner.patch(f"/workloads/{cast.workload.pk}", {"tags": []})
    assert cleared.json()["tags"] == [] and tags_of(cast.workload) == []


@pytest.mark.parametrize(
    ("tags", "words"),
    [
        (["x" * 41], "tags: A tag has at most 40 characters: “" + "x" * 40 + "…” is longer."),
        (["pay/ments"], "tags: “pay/ments” is not a tag: use letters, digits, hyphens, dots and colons"),
        ([f"t{n}" for n in range(21)], "tags: A workload has at most 20 tags; this has 21."),
        (["payments, pci"], "tags: “payments, pci” holds a comma; send each tag as a string of its own."),
        ("payments, pci", "tags: Input should be a valid list"),
        ([5], "tags[0]: Input should be a valid string"),
    ],
)
def test_bad_tags_are_400_with_words_and_change_nothing(owner, cast, tags, words):
    workload_tags_set(workload=cast.workload, names=["payments"])
    response = owner.patch(f"/workloads/{cast.workload.pk}", {"tags": tags, "notes": "Not saved"})
    assert response.status_code == 400, response.content
    assert response.json()["message"].startswith(words)
    cast.workload.refresh_from_db()
    assert (cast.workload.notes, tags_of(cast.workload)) == ("", ["payments"])


def test_a_viewer_cannot_change_the_tags(api_as, cast):
    workload_tags_set(workload=cast.workload, names=["payments"])
    response = api_as("viewer").patch(f"/workloads/{cast.workload.pk}", {"tags": ["mine"]})
    assert response.status_code == 403
    assert tags_of(cast.workload) == ["payments"]


def test_an_outsider_cannot_tag_another_teams_workload(api_as, cast):
    response = api_as("outsider").patch(f"/workloads/{cast.workload.pk}", {"tags": ["mine"]})
    assert response.status_code == 404
    assert tags_of(cast.workload) == []


@pytest.mark.parametrize("count", [2, 20])
def test_the_workload_list_shows_tags_in_the_same_queries_for_2_and_20_workloads(
    owner, cast, count, django_assert_num_queries
):
    workload_tags_set(workload=cast.workload, names=["checkout", "payments"])
    for number in range(1, count):
        workload = Workload.objects.create(team=cast.team, name=f"W{number:02d}")
        workload_tags_set(workload=workload, names=[f"tier-{number % 3}", "payments"])
    owner.get("/lenses")  # the token's first use is noted once a minute: warm it
    with django_assert_num_queries(WORKLOAD_LIST_QUERIES):
        body = owner.get("/workloads?per_page=25").json()
    assert len(body["items"]) == count
    tags = {item["name"]: item["tags"] for item in body["items"]}
    assert tags["Checkout"] == ["checkout", "payments"]
    assert tags["W01"] == ["payments", "tier-1"]
