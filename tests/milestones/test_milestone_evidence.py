"""A milestone keeps a copy of the evidence of each ticked practice as it was (title, kind, link or file name,
verified on, who added it, the practice's state then), shown under the practice on the milestone's question page;
a file is offered while the live item still has it, and says "file removed" once it does not."""

import re
from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from tests.reports.helpers import answer
from wareview.evidence.models import Evidence
from wareview.evidence.services import evidence_remove
from wareview.milestones.models import MilestoneEvidence
from wareview.milestones.services import milestone_save
from wareview.reviews.models import Answer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def add_link(review, question: str, practice: str, *, days: int = 0, title: str = "Runbook", by=None) -> Evidence:
    return Evidence.objects.create(
        answer=Answer.objects.get(review=review, question__code=question),
        practice=practice,
        kind="link",
        title=title,
        url="https://runbooks.example.com/load",
        verified_on=date.today() - timedelta(days=days),
        added_by=by,
    )


def add_file(review, question: str, practice: str, *, by=None) -> Evidence:
    item = Evidence(
        answer=Answer.objects.get(review=review, question__code=question),
        practice=practice,
        kind="file",
        title="Load test",
        file_name="load.csv",
        content_type="text/csv",
        verified_on=date.today(),
        added_by=by,
    )
    item.file.save("load.csv", ContentFile(b"run,seconds\n1,2\n"), save=False)
    item.save()
    return item


@pytest.fixture
def backed(cast, settings):
    """Q_01 with a and b ticked: a backed by a link and a file, b by expired evidence; c (not ticked) has some."""
    settings.EVIDENCE_MAX_AGE_DAYS = 30
    answer(cast.review, "Q_01", "a", "b")
    cast.owner.first_name, cast.owner.last_name = "Olivia", "Owens"
    cast.owner.save()
    cast.link = add_link(cast.review, "Q_01", "q_01_a", days=3, by=cast.owner)
    cast.file = add_file(cast.review, "Q_01", "q_01_a", by=cast.contributor)
    add_link(cast.review, "Q_01", "q_01_b", days=40, title="Old audit")
    add_link(cast.review, "Q_01", "q_01_c", title="Not ticked")
    return cast


def test_saving_copies_the_evidence_of_ticked_practices_with_their_state(backed):
    milestone = milestone_save(review=backed.review, name="Baseline", user=backed.owner)

    copied = {
        (row.practice, row.title): (row.kind, row.url, row.file_name, row.added_by_name, row.state)
        for row in MilestoneEvidence.objects.filter(milestone=milestone)
    }
    assert copied == {
        ("q_01_a", "Runbook"): ("link", "https://runbooks.example.com/load", "", "Olivia Owens", "verified"),
        ("q_01_a", "Load test"): ("file", "", "load.csv", "carlos", "verified"),
        ("q_01_b", "Old audit"): ("link", "https://runbooks.example.com/load", "", "", "expired"),
    }


def test_the_copy_stays_as_it_was_when_the_evidence_changes(backed, django_capture_on_commit_callbacks):
    milestone = milestone_save(review=backed.review, name="Baseline", user=backed.owner)
    with django_capture_on_commit_callbacks(execute=True):
        evidence_remove(evidence=backed.link, practice_title="Q_01 practice a", user=backed.owner)
    Evidence.objects.filter(pk=backed.file.pk).update(title="Renamed")
    add_link(backed.review, "Q_01", "q_01_b", title="Fresh audit")

    titles = sorted(MilestoneEvidence.objects.filter(milestone=milestone).values_list("title", "state"))
    assert titles == [("Load test", "verified"), ("Old audit", "expired"), ("Runbook", "verified")]


def test_the_question_page_shows_each_practice_s_evidence_and_its_state_then(client, backed):
    milestone = milestone_save(review=backed.review, name="Baseline", user=backed.owner)
    add_link(backed.review, "Q_01", "q_01_b", title="Fresh audit")  # after the milestone
    client.force_login(backed.viewer)
    response = client.get(reverse("milestones:question", args=[milestone.pk, "Q_01"]))
    page = text(response)
    html = response.content.decode()

    verified_on = (date.today() - timedelta(days=3)).isoformat()
    assert f"Runbook (opens in a new tab) — verified on {verified_on}; added by Olivia Owens" in page
    assert "Old audit" in page and "Evidence expired" in page and "Verified" in page
    assert "Fresh audit" not in page and "Not ticked" not in page
    assert 'href="https://runbooks.example.com/load" rel="noopener noreferrer"' in html
    download = reverse("evidence:file", args=[backed.file.pk])
    assert f'href="{download}" download' in html
    assert client.get(download).status_code == 200


def test_a_file_removed_since_shows_file_removed_and_no_download(client, backed, django_capture_on_commit_callbacks):
    milestone = milestone_save(review=backed.review, name="Baseline", user=backed.owner)
    with django_capture_on_commit_callbacks(execute=True):
        evidence_remove(evidence=backed.file, practice_title="Q_01 practice a", user=backed.owner)
    client.force_login(backed.owner)
    response = client.get(reverse("milestones:question", args=[milestone.pk, "Q_01"]))

    assert "Load test (load.csv: file removed)" in text(response)
    assert reverse("evidence:file", args=[backed.file.pk]) not in response.content.decode()
    # Deleted with its answer's review would do the same: the copy keeps its words, the link goes.
    Evidence.objects.filter(pk=backed.file.pk).delete()
    assert "Load test (load.csv: file removed)" in text(
        client.get(reverse("milestones:question", args=[milestone.pk, "Q_01"]))
    )


def test_an_outsider_gets_404_for_the_page_and_the_file(client, backed):
    milestone = milestone_save(review=backed.review, name="Baseline", user=backed.owner)
    client.force_login(backed.outsider)
    assert client.get(reverse("milestones:question", args=[milestone.pk, "Q_01"])).status_code == 404
    assert client.get(reverse("evidence:file", args=[backed.file.pk])).status_code == 404


def count_save_queries(review, user, name: str, django_assert_num_queries, expected: int) -> None:
    with django_assert_num_queries(expected):
        milestone_save(review=review, name=name, user=user)


def test_saving_takes_the_same_queries_for_one_item_as_for_sixty(cast, django_assert_num_queries):
    answer(cast.review, "Q_01", "a", "b")
    answer(cast.review, "Q_02", "a", "b")
    add_link(cast.review, "Q_01", "q_01_a")
    # The eight of a save without evidence (tests/milestones/test_milestone_save.py) and the evidence's insert.
    count_save_queries(cast.review, cast.owner, "One", django_assert_num_queries, 9)
    for index in range(59):
        add_link(cast.review, ("Q_01", "Q_02")[index % 2], ("q_01_b", "q_02_a")[index % 2], title=f"Item {index}")
    count_save_queries(cast.review, cast.owner, "Sixty", django_assert_num_queries, 9)
    assert MilestoneEvidence.objects.filter(milestone__name="Sixty").count() == 60


def test_the_question_page_takes_the_same_queries_with_more_evidence(client, cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    answer(cast.review, "Q_01", "a", "b")
    add_link(cast.review, "Q_01", "q_01_a")
    few = milestone_save(review=cast.review, name="Few", user=cast.owner)
    for index in range(20):
        add_link(cast.review, "Q_01", "q_01_b", title=f"Item {index}")
    many = milestone_save(review=cast.review, name="Many", user=cast.owner)
    client.force_login(cast.viewer)
    counts = []
    for milestone in (few, many):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("milestones:question", args=[milestone.pk, "Q_01"])).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
