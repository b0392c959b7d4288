"""Input that Django or pydantic refuses gets a JSON 4xx with words and changes nothing, whatever the body or the
id: text that is not Unicode, a body too large or not a JSON object, an id past 64 bits, a NUL in the query
string. Never a 500, never an HTML page."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from tests.api.conftest import API
from wareview.api.auth import NO_TOKEN
from wareview.lib.nul import MESSAGE as NUL_MESSAGE
from wareview.milestones.models import Milestone
from wareview.plans.models import ImprovementItem
from wareview.reviews.models import Answer
from wareview.workloads.models import Workload

pytestmark = pytest.mark.django_db

SURROGATE = "\ud800"  # half of a UTF-16 pair on its own: no character, and not encodable as UTF-8
JSON = "application/json; charset=utf-8"
BEYOND_64_BITS = [2**63, 2**64, 10**30]


@pytest.fixture
def owner(api_as):
    return api_as("owner")


def assert_json_refusal(response, status: int, words: str) -> None:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == JSON
    assert words in response.json()["message"], response.json()


def workload_state(cast) -> tuple:
    workload = Workload.objects.get(pk=cast.workload.pk)
    return workload.name, workload.description, workload.notes, workload.updated_at


# Text that is not Unicode


@pytest.mark.parametrize(
    ("field", "path"),
    [("name", "name"), ("description", "description"), ("notes", "notes"), ("tags", "tags[1]")],
)
def test_a_lone_surrogate_in_a_workload_field_is_400_with_its_path_and_changes_nothing(owner, cast, field, path):
    before = workload_state(cast)
    value = ["payments", f"pci{SURROGATE}"] if field == "tags" else f"Check{SURROGATE}out"
    response = owner.patch(f"/workloads/{cast.workload.pk}", {field: value})
    assert_json_refusal(response, 400, f"{path}: the text holds a lone surrogate")
    assert workload_state(cast) == before


def test_a_lone_surrogate_in_a_new_workload_is_400_and_creates_nothing(owner, cast):
    response = owner.post("/workloads", {"team": cast.team.pk, "name": f"Ledger{SURROGATE}"})
    assert_json_refusal(response, 400, "name: the text holds a lone surrogate")
    assert not Workload.objects.filter(name__startswith="Ledger").exists()


def test_a_lone_surrogate_in_a_milestone_name_is_400_and_saves_none(owner, cast):
    response = owner.post(f"/workloads/{cast.workload.pk}/milestones", {"name": SURROGATE, "review": cast.review.pk})
    assert_json_refusal(response, 400, "name: the text holds a lone surrogate")
    assert not Milestone.objects.exists()


def test_a_lone_surrogate_in_an_item_note_is_400_and_keeps_the_note(owner, cast):
    item = ImprovementItem.objects.create(review=cast.review, question_code="Q_01", practice_code="q_01_b")
    response = owner.patch(f"/reviews/{cast.review.pk}/improvement-items/{item.pk}", {"note": f"soon{SURROGATE}"})
    assert_json_refusal(response, 400, "note: the text holds a lone surrogate")
    item.refresh_from_db()
    assert item.note == ""


def test_a_lone_surrogate_in_answer_notes_or_a_practice_code_is_400_and_keeps_the_answer(owner, cast):
    url = f"/reviews/{cast.review.pk}/answers/Q_01"
    assert_json_refusal(owner.put(url, {"version": 0, "notes": SURROGATE}), 400, "notes: the text holds")
    marks = {f"q_01_a{SURROGATE}": {"reason": "other"}}
    response = owner.put(url, {"version": 0, "practices_not_applicable": marks})
    assert_json_refusal(response, 400, "practices_not_applicable: the text holds a lone surrogate")
    assert Answer.objects.get(review=cast.review, question__code="Q_01").version == 0


def test_a_surrogate_pair_is_a_character_like_any_other(owner, cast):
    response = owner.patch(f"/workloads/{cast.workload.pk}", {"notes": "Deployed 🚀"})
    assert response.status_code == 200
    assert Workload.objects.get(pk=cast.workload.pk).notes == "Deployed 🚀"


# Bodies


def test_a_body_over_the_upload_limit_is_413_with_words_and_changes_nothing(owner, cast):
    before = workload_state(cast)
    notes = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = owner.patch(f"/workloads/{cast.workload.pk}", {"notes": notes})
    assert_json_refusal(response, 413, "The request body is larger than 2.5 MB")
    assert workload_state(cast) == before


@pytest.mark.parametrize("raw", ['["name"]', '"Ledger"', "42", "null", "true"])
def test_a_workload_update_whose_body_is_not_a_json_object_is_400_and_changes_nothing(owner, cast, raw):
    before = workload_state(cast)
    response = owner.patch(f"/workloads/{cast.workload.pk}", raw=raw)
    assert_json_refusal(response, 400, "The request body must be a JSON object")
    assert workload_state(cast) == before


def test_a_body_that_is_not_json_says_where_it_stops_being_json(owner, cast):
    response = owner.patch(f"/workloads/{cast.workload.pk}", raw='{"name": "Ledger",}')
    assert_json_refusal(response, 400, "The request body is not valid JSON: line 1, column 19")


@pytest.mark.parametrize("raw", ["[" * 100_000, '{"a": ' * 100_000, '{"notes": ' + "[" * 990 + "]" * 990 + "}"])
def test_a_body_nested_too_deeply_is_400_with_words(owner, cast, raw):
    before = workload_state(cast)
    response = owner.patch(f"/workloads/{cast.workload.pk}", raw=raw)
    assert_json_refusal(response, 400, "The request body nests its arrays or objects too deeply.")
    assert workload_state(cast) == before


def test_a_body_that_is_not_utf_8_is_400_with_words(owner, cast):
    response = owner.client.patch(
        f"{API}/workloads/{cast.workload.pk}",
        b'{"name": "Caf\xe9"}',
        content_type="application/json",
        headers=owner.headers(),
    )
    assert_json_refusal(response, 400, "The request body is not UTF-8 text")


# Ids past 64 bits


def beyond_64_bit_paths(cast) -> list[tuple[str, str, dict | None]]:
    review = cast.review.pk
    paths = []
    for big in BEYOND_64_BITS:
        paths += [
            ("GET", f"/reviews/{big}/answers/Q_01", None),
            ("PUT", f"/reviews/{big}/answers/Q_01", {"version": 0, "notes": "x"}),
            ("PATCH", f"/reviews/{review}/improvement-items/{big}", {"note": "x"}),
            ("GET", f"/reviews/{big}", None),
            ("PATCH", f"/workloads/{big}", {"notes": "x"}),
            ("GET", f"/reports/{big}", None),
        ]
    return paths


def test_ids_past_64_bits_are_404_json(owner, cast):
    for method, path, body in beyond_64_bit_paths(cast):
        response = owner.call(method, path, body)
        assert response.status_code == 404, f"{method} {path}: {response.content[:300]!r}"
        assert response["Content-Type"] == JSON
        assert response.json()["message"]
    assert Answer.objects.filter(version__gt=0).count() == 0


def test_ids_past_64_bits_are_404_json_on_sqlite_too():
    """SQLite stores 64-bit integers and its driver refuses a larger one with an OverflowError, where PostgreSQL's
    compares it: this runs the test above in a child pytest on SQLite (no DATABASE_URL)."""
    if connection.vendor == "sqlite":
        pytest.skip("this run is on SQLite already: the test above is the SQLite one")
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    here = f"{__file__}::test_ids_past_64_bits_are_404_json"
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", "--no-cov", here],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    assert "1 passed" in completed.stdout


# NUL in the query string


@pytest.mark.parametrize("query", ["?x=%00", "?%00", "?page=1&per_page=%00"])
def test_a_nul_in_an_api_query_string_is_a_json_400(owner, query):
    assert_json_refusal(owner.get(f"/workloads{query}"), 400, NUL_MESSAGE)


def test_a_nul_in_an_api_query_string_is_a_json_400_without_a_token_too(client):
    response = client.get(f"{API}/workloads?x=%00")
    assert_json_refusal(response, 400, NUL_MESSAGE)
    assert NO_TOKEN not in response.content.decode()
