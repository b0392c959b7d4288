"""What each endpoint does for a member with a read-write token: the answers' merge and conflict, workloads,
reviews, milestones, improvement items and reports, and what bad input gets (400/404 JSON with words, nothing
changed, never a 500)."""

import pytest

from tests.factories import build_lens
from wareview.milestones.services import milestone_save
from wareview.plans.models import ImprovementItem, ItemStatus
from wareview.reviews.models import Answer
from wareview.workloads.models import Workload

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(api_as):
    return api_as("owner")


def answer_url(cast, code="Q_01"):
    return f"/reviews/{cast.review.pk}/answers/{code}"


# Answers


def test_an_answer_saved_from_its_version_gets_its_risk_and_next_version(owner, cast):
    response = owner.put(answer_url(cast), {"version": 0, "selected": ["q_01_a"], "notes": "Load tested"})
    assert response.status_code == 200
    body = response.json()
    assert (body["version"], body["risk"], body["selected"], body["notes"]) == (
        1,
        "MEDIUM_RISK",
        ["q_01_a"],
        "Load tested",
    )
    assert (body["updated_by"], body["merged_with"]) == ("olivia", "")
    assert owner.get(answer_url(cast)).json()["version"] == 1


def test_a_save_from_an_older_version_is_merged_with_the_other_persons_changes(api_as, cast):
    api_as("contributor").put(answer_url(cast), {"version": 0, "notes": "Carlos was here"})
    response = api_as("owner").put(answer_url(cast), {"version": 0, "selected": ["q_01_a", "q_01_b"]})
    assert response.status_code == 200
    body = response.json()
    assert (body["selected"], body["notes"], body["version"]) == (["q_01_a", "q_01_b"], "Carlos was here", 2)
    assert body["merged_with"] == "carlos"
    assert body["risk"] == "NO_RISK"


def test_a_clash_is_409_with_the_current_answer_and_nothing_is_written(api_as, cast):
    api_as("contributor").put(answer_url(cast), {"version": 0, "notes": "Theirs"})
    response = api_as("owner").put(answer_url(cast), {"version": 0, "notes": "Mine"})
    assert response.status_code == 409
    body = response.json()
    assert body["message"] == "Someone else changed the same part of this answer after you opened it."
    assert (body["current"]["notes"], body["current"]["version"], body["current"]["updated_by"]) == (
        "Theirs",
        1,
        "carlos",
    )
    assert (body["overlap"], body["mine_changed"]) == (["notes"], ["notes"])
    assert Answer.objects.get(review=cast.review, question__code="Q_01").notes == "Theirs"
    # "Keep mine": the fields I changed, written over the current answer from its version.
    kept = api_as("owner").put(answer_url(cast), {"version": 1, "notes": "Mine", "changed": ["notes"]})
    assert (kept.status_code, kept.json()["notes"]) == (200, "Mine")


def test_practices_that_do_not_apply_and_a_question_that_does_not(owner, cast):
    marks = {"q_01_a": {"reason": "out_of_scope", "note": "No database"}}
    body = owner.put(answer_url(cast), {"version": 0, "selected": ["q_01_b"], "practices_not_applicable": marks}).json()
    assert body["practices_not_applicable"] == marks and body["risk"] == "NO_RISK"
    body = owner.put(answer_url(cast, "Q_02"), {"version": 0, "not_applicable": True, "reason": "other"}).json()
    assert (body["not_applicable"], body["risk"]) == (True, "NOT_APPLICABLE")


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"version": 0, "selected": ["nope"]}, "selected: “nope” is not a best practice of this question."),
        ({"version": 0, "selected": ["q_01_a", "q_01_no"]}, "“None of these” cannot be chosen together"),
        ({"version": 0, "not_applicable": True}, "Say why the question does not apply."),
        ({"version": 0, "notes": "x" * 2001}, "notes: Notes can be at most 2000 characters; these have 2001."),
        ({"version": 0, "notes": "a\u0000b"}, "Text cannot contain a NUL character."),
        ({"version": -1}, "version: Input should be greater than or equal to 0"),
        ({"selected": ["q_01_a"]}, "version: Field required"),
        ({"version": "one"}, "version: Input should be a valid integer"),
        ({"version": 0, "selected": "q_01_a"}, "selected: Input should be a valid list"),
        ({"version": 0, "practices_not_applicable": {"q_01_a": {}}}, "practices_not_applicable.q_01_a.reason: Field"),
    ],
)
def test_a_bad_answer_is_400_with_words_and_changes_nothing(owner, cast, body, words):
    response = owner.put(answer_url(cast), body)
    assert response.status_code == 400, response.content
    assert words in response.json()["message"]
    assert Answer.objects.get(review=cast.review, question__code="Q_01").version == 0


@pytest.mark.parametrize("version", [2, 1_000_000_000, 2**70])
def test_a_save_from_a_version_the_answer_never_had_is_400_and_keeps_the_other_persons_notes(api_as, cast, version):
    api_as("contributor").put(answer_url(cast), {"version": 0, "notes": "Carlos was here"})
    response = api_as("owner").put(answer_url(cast), {"version": version, "notes": "Olivia's notes"})
    assert response.status_code == 400
    assert response.json()["message"].startswith(
        f"This answer is at version 1, so it cannot be saved from version {version}"
    )
    answer = Answer.objects.get(review=cast.review, question__code="Q_01")
    assert (answer.version, answer.notes, answer.updated_by) == (1, "Carlos was here", cast.contributor)


@pytest.mark.parametrize("raw", ["{not json", "[1, 2]", '"text"', ""])
def test_a_body_that_is_not_a_json_object_is_400(owner, cast, raw):
    response = owner.put(answer_url(cast), raw=raw)
    assert response.status_code == 400
    assert response.json()["message"]


def test_unknown_ids_and_codes_are_404_json(owner, cast):
    for path in (
        answer_url(cast, "NOPE"),
        "/reviews/99999999999999999999999",
        "/workloads/0",
        "/reports/2000000000",
        "/lenses/2000000000/export",
    ):
        response = owner.get(path)
        assert response.status_code == 404, path
        assert response.json()["message"]


def test_an_address_the_api_does_not_have_is_404_json(owner):
    response = owner.get("/no/such/thing")
    assert response.status_code == 404
    assert response.json() == {"message": "There is no API endpoint at /api/v1/no/such/thing."}


def test_a_closed_review_refuses_a_save_with_words(owner, cast):
    from wareview.reviews.services import review_close

    review_close(review=cast.review)
    response = owner.put(answer_url(cast), {"version": 0, "selected": ["q_01_a"]})
    assert response.status_code == 403
    assert "This review is closed" in response.json()["message"]


# Reviews


def test_a_review_reads_with_its_answers_risks_and_versions(owner, cast):
    owner.put(answer_url(cast), {"version": 0, "selected": ["q_01_a"]})
    body = owner.get(f"/reviews/{cast.review.pk}").json()
    assert (body["question_count"], body["answered_count"], body["risk_counts"]) == (
        4,
        1,
        {"MEDIUM_RISK": 1, "UNANSWERED": 3},
    )
    first = body["areas"][0]["questions"][0]
    assert (first["code"], first["risk"], first["selected"], first["version"]) == ("Q_01", "MEDIUM_RISK", ["q_01_a"], 1)
    assert [q["code"] for area in body["areas"] for q in area["questions"]] == ["Q_01", "Q_02", "Q_03", "Q_04"]


def test_starting_a_second_open_review_on_the_same_lens_is_409(owner, cast):
    response = owner.post(f"/workloads/{cast.workload.pk}/reviews", {"lens": cast.lens.pk})
    assert response.status_code == 409
    assert "already has an open review" in response.json()["message"]
    other = owner.post(f"/workloads/{cast.workload.pk}/reviews", {"lens": build_lens().pk})
    assert other.status_code == 201 and other.json()["question_count"] == 4


def test_a_review_cannot_start_on_a_lens_that_is_not_published(owner, cast):
    draft = build_lens(status="draft")
    response = owner.post(f"/workloads/{cast.workload.pk}/reviews", {"lens": draft.pk})
    assert response.status_code == 400
    assert "does not exist or is not published" in response.json()["message"]


# Workloads


def test_a_workload_is_created_read_updated_and_deleted(owner, cast):
    created = owner.post("/workloads", {"team": cast.team.pk, "name": "Ledger", "environment": "pre_production"})
    assert created.status_code == 201
    workload_id = created.json()["id"]
    assert created.json()["environment"] == "pre_production"
    updated = owner.patch(f"/workloads/{workload_id}", {"review_owner": "Ana"}).json()
    assert (updated["name"], updated["review_owner"], updated["environment"]) == ("Ledger", "Ana", "pre_production")
    assert owner.delete(f"/workloads/{workload_id}").status_code == 204
    assert not Workload.objects.filter(pk=workload_id).exists()


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"name": "checkout2"}, 400, "The team already has a workload called “checkout2”."),
        ({"environment": "moon"}, 400, "environment: Select a valid choice."),
        ({"architecture_url": "javascript:alert(1)"}, 400, "architecture_url: Enter a valid URL."),
        ({"nmae": "typo"}, 400, "nmae: a workload has no such field"),
        ({"name": 5}, 400, "name: Input should be a valid string"),
    ],
)
def test_a_bad_workload_update_is_refused_with_words_and_changes_nothing(owner, cast, body, status, words):
    Workload.objects.create(team=cast.team, name="Checkout2", created_by=cast.owner)
    response = owner.patch(f"/workloads/{cast.workload.pk}", body)
    assert response.status_code == status
    assert words in response.json()["message"]
    cast.workload.refresh_from_db()
    assert cast.workload.name == "Checkout"


def test_workloads_come_a_page_at_a_time(owner, cast):
    Workload.objects.bulk_create(Workload(team=cast.team, name=f"W{n:02d}") for n in range(30))
    first = owner.get("/workloads?per_page=20").json()
    assert (first["count"], first["pages"], first["next"], len(first["items"])) == (31, 2, 2, 20)
    second = owner.get("/workloads?per_page=20&page=2").json()
    assert (len(second["items"]), second["previous"], second["next"]) == (11, 1, None)
    assert owner.get("/workloads?page=3&per_page=20").json() == {"message": "There is no page 3: the list has 2 pages."}
    assert owner.get("/workloads?per_page=1000").status_code == 400
    assert owner.get("/workloads?page=zero").status_code == 400


# Lenses


def test_lenses_list_the_published_ones_and_export_as_lens_json(owner, cast):
    build_lens(status="draft")
    lenses = owner.get("/lenses").json()["items"]
    assert [lens["id"] for lens in lenses] == [cast.lens.pk]
    document = owner.get(f"/lenses/{cast.lens.pk}/export").json()
    assert document["name"] == cast.lens.name
    assert [q["id"] for q in document["pillars"][0]["questions"]] == ["Q_01", "Q_02", "Q_03", "Q_04"]


# Milestones


def test_milestones_are_saved_listed_and_compared(owner, cast):
    saved = owner.post(f"/workloads/{cast.workload.pk}/milestones", {"name": "Baseline", "review": cast.review.pk})
    assert saved.status_code == 201
    baseline = saved.json()["id"]
    owner.put(answer_url(cast), {"version": 0, "selected": ["q_01_a", "q_01_b"]})
    listed = owner.get(f"/workloads/{cast.workload.pk}/milestones").json()
    assert [m["name"] for m in listed["items"]] == ["Baseline"]
    again = owner.post(f"/workloads/{cast.workload.pk}/milestones", {"name": "baseline", "review": cast.review.pk})
    assert again.status_code == 400 and "already has a milestone called" in again.json()["message"]
    comparison = owner.get(f"/workloads/{cast.workload.pk}/milestones/compare?before={baseline}&after=now").json()
    assert comparison["after"] == "Now"
    change = comparison["changes"][0]
    assert (change["code"], change["risk_before"], change["risk_after"]) == ("Q_01", "UNANSWERED", "NO_RISK")
    assert change["gained"] == ["Q_01 practice a", "Q_01 practice b"]
    refused = owner.get(f"/workloads/{cast.workload.pk}/milestones/compare?before=now&after=now")
    assert (refused.status_code, refused.json()["message"]) == (400, "Choose two different points to compare.")


# Improvement items


def test_improvement_items_are_listed_in_order_and_updated(owner, cast):
    owner.put(answer_url(cast), {"version": 0, "selected": ["q_01_a"]})
    items = owner.get(f"/reviews/{cast.review.pk}/improvement-items").json()["items"]
    first = items[0]
    assert (first["question_code"], first["practice_code"], first["status"], first["position"]) == (
        "Q_01",
        "q_01_b",
        "open",
        1,
    )
    url = f"/reviews/{cast.review.pk}/improvement-items/{first['id']}"
    updated = owner.patch(url, {"status": "in_progress", "owner": "carlos", "due_date": "2030-01-31"}).json()
    assert (updated["status"], updated["owner"], updated["due_date"]) == ("in_progress", "carlos", "2030-01-31")
    # Fields left out keep their value.
    assert owner.patch(url, {"note": "Next sprint"}).json()["owner"] == "carlos"
    refused = owner.patch(url, {"owner": "oscar"})
    assert refused.status_code == 400 and "“oscar” is not" in refused.json()["message"]
    wont = owner.patch(url, {"status": "wont_do"})
    assert wont.status_code == 400 and "Say why the team won't do it" in wont.json()["message"]
    assert ImprovementItem.objects.get(pk=first["id"]).status == ItemStatus.IN_PROGRESS
    filtered = owner.get(f"/reviews/{cast.review.pk}/improvement-items?status=done").json()
    assert filtered["count"] == 0
    assert owner.get(f"/reviews/{cast.review.pk}/improvement-items?status=maybe").status_code == 400


# Reports


def test_a_report_is_requested_followed_and_refused_for_download_until_ready(owner, cast):
    response = owner.post(f"/reviews/{cast.review.pk}/reports", {})
    assert response.status_code == 202
    report = response.json()
    assert report["status"] in ("queued", "ready") and report["review"] == cast.review.pk
    if report["status"] == "queued":
        assert owner.get(f"/reports/{report['id']}").json()["download"] is None
        refused = owner.get(f"/reports/{report['id']}/pdf")
        assert refused.status_code == 409 and "not ready" in refused.json()["message"]


def test_a_report_of_a_milestone_of_another_review_is_404(owner, cast):
    other = owner.post(f"/workloads/{cast.workload.pk}/reviews", {"lens": build_lens().pk}).json()
    milestone = milestone_save(review=cast.review, name="Baseline", user=cast.owner)
    response = owner.post(f"/reviews/{other['id']}/reports", {"milestone": milestone.pk})
    assert response.status_code == 404


def test_the_report_rate_limit_is_429_json(owner, cast, settings):
    settings.REPORT_REQUESTS_PER_MINUTE = 1
    owner.post(f"/reviews/{cast.review.pk}/reports", {})
    owner.put(answer_url(cast), {"version": 0, "selected": ["q_01_a"]})  # new answers: a new report
    response = owner.post(f"/reviews/{cast.review.pk}/reports", {})
    assert response.status_code == 429
    assert "PDFs in the last minute" in response.json()["message"] and response["Retry-After"]
