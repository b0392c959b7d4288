"""A milestone read-only: its overview and each question as they were, marked "as at milestone <name>, <date>",
in a fixed number of queries whatever the size of the lens; the workload page's list, forms and trend."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import build_lens
from tests.reports.helpers import answer
from wareview.milestones.models import Milestone
from wareview.milestones.services import milestone_save
from wareview.reviews.services import review_start
from wareview.workloads.models import Workload

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_overview_shows_the_review_as_it_was_marked_as_at_the_milestone(client, answered, baseline):
    answer(answered.review, "Q_03", "a", "b")  # fixed after the milestone
    client.force_login(answered.viewer)
    page = text(client.get(reverse("milestones:overview", args=[baseline.pk])))
    assert f"as at milestone Baseline, {baseline.date_label}" in page
    assert "75% complete (3 of 4 questions)" in page
    assert "High risk 1" in page and "Medium risk 1" in page  # Q_03 still at high risk here


def test_a_question_shows_its_answer_as_it_was(client, answered, baseline):
    answer(answered.review, "Q_01", "c", notes="Changed later.")
    client.force_login(answered.viewer)
    page = text(client.get(reverse("milestones:question", args=[baseline.pk, "Q_01"])))
    assert f"Risk as at milestone Baseline, {baseline.date_label}: No risk" in page
    assert "Q_01 practice a: followed" in page and "Q_01 practice c: not followed" in page
    assert "Load tested in March." in page and "Changed later." not in page
    assert "Next question" in page


def test_a_question_the_milestone_does_not_have_is_the_404_of_anything_missing(client, baseline):
    client.force_login(baseline.created_by)
    response = client.get(reverse("milestones:question", args=[baseline.pk, "Q_99"]))
    assert response.status_code == 404
    assert "There is nothing here, or it belongs to a team you are not in." in response.content.decode()


def test_an_unknown_milestone_is_the_404_of_anything_missing(client, cast):
    client.force_login(cast.owner)
    response = client.get(reverse("milestones:overview", args=[2_000_000_000]))
    assert response.status_code == 404
    assert "There is nothing here, or it belongs to a team you are not in." in response.content.decode()


def milestone_of_size(cast, questions_per_area: int) -> Milestone:
    workload = Workload.objects.create(team=cast.team, name=f"Size {questions_per_area}", created_by=cast.owner)
    lens = build_lens(questions_per_area=questions_per_area, areas=5)
    review = review_start(workload=workload, lens=lens, user=cast.owner)
    return milestone_save(review=review, name="Snapshot", user=cast.owner)


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["overview", "question"])
def test_a_milestone_page_takes_as_many_queries_for_50_questions_as_for_5(client, cast, page):
    client.force_login(cast.owner)
    counts = []
    for size in (1, 10):
        milestone = milestone_of_size(cast, size)
        args = [milestone.pk] if page == "overview" else [milestone.pk, "Q_01"]
        queries_for(client, reverse(f"milestones:{page}", args=args))  # the question's practices, kept in memory
        counts.append(queries_for(client, reverse(f"milestones:{page}", args=args)))
    assert counts[0] == counts[1]
    assert counts[0] <= 5  # user, milestone with access, its answers (and the question, and its evidence)


def test_the_workload_page_lists_milestones_newest_first_with_their_counts(client, answered, baseline):
    answer(answered.review, "Q_03", "a", "b")
    after = milestone_save(review=answered.review, name="After fixes", user=answered.owner)
    client.force_login(answered.viewer)
    response = client.get(reverse("workloads:detail", args=[answered.workload.pk]))
    body = response.content.decode()
    assert body.index("After fixes") < body.index(">Baseline<")
    assert reverse("milestones:overview", args=[after.pk]) in body
    rows = re.findall(r"<tr>\s*<th scope=\"row\"><a href=\"/milestones/\d+/\">([^<]+)</a></th>(.*?)</tr>", body, re.S)
    counts = {name: re.findall(r"<td>([^<]*)</td>", cells)[-4:] for name, cells in rows}
    assert counts == {"After fixes": ["75%", "0", "1", "2"], "Baseline": ["75%", "1", "1", "1"]}


def test_viewers_see_the_list_but_no_save_form(client, baseline, answered):
    client.force_login(answered.viewer)
    page = client.get(reverse("workloads:detail", args=[answered.workload.pk])).content.decode()
    assert "Baseline" in page and "Milestone name" not in page and "Save milestone" not in page
    client.force_login(answered.contributor)
    page = client.get(reverse("workloads:detail", args=[answered.workload.pk])).content.decode()
    assert '<label for="milestone-name">Milestone name</label>' in page and "Save milestone" in page


def test_the_trend_draws_each_milestone_and_now_with_a_title_a_description_and_a_table(client, answered, baseline):
    answer(answered.review, "Q_03", "a", "b")
    milestone_save(review=answered.review, name="After fixes", user=answered.owner)
    answer(answered.review, "Q_04", "a")
    client.force_login(answered.viewer)
    body = client.get(reverse("workloads:detail", args=[answered.workload.pk])).content.decode()
    svg = re.search(r"<svg[^>]*class=\"trend-chart\".*?</svg>", body, re.S).group(0)
    assert 'role="img"' in svg and "<title" in svg
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", svg).group(1)
    assert desc == (
        "Baseline: 1 high risk, 1 medium risk, 75% complete. "
        "After fixes: 0 high risk, 1 medium risk, 75% complete. "
        "Now: 0 high risk, 2 medium risk, 100% complete."
    )
    assert svg.count("<polyline") == 3
    table = text_of(re.search(r"<table class=\"trend-table\">.*?</table>", body, re.S).group(0))
    assert "Baseline" in table and "After fixes" in table and "Now — 0 2 100%" in table


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_the_milestone_list_comes_a_page_at_a_time_and_past_the_end_shows_the_last(client, cast):
    for number in range(12):
        milestone_save(review=cast.review, name=f"Milestone {number:02d}", user=cast.owner)
    client.force_login(cast.owner)
    url = reverse("workloads:detail", args=[cast.workload.pk])
    first = client.get(url).content.decode()
    assert "Milestone 11" in first and "Milestone 01" not in first.split("<h3>Compare</h3>")[0]
    past = client.get(url, {"milestones_page": 99})
    assert past.status_code == 200
    listed = past.content.decode().split("<h3>Compare</h3>")[0]
    assert "Page 2 of 2" in listed and "Milestone 00" in listed and "Milestone 11" not in listed


def test_the_workload_page_takes_the_same_queries_whatever_the_number_of_milestones(client, cast):
    client.force_login(cast.owner)
    url = reverse("workloads:detail", args=[cast.workload.pk])
    milestone_save(review=cast.review, name="One", user=cast.owner)
    one = queries_for(client, url)
    for number in range(5):
        milestone_save(review=cast.review, name=f"More {number}", user=cast.owner)
    assert queries_for(client, url) == one


def test_a_question_shows_practices_that_did_not_apply_and_why_the_question_did_not(client, cast):
    from wareview.reviews.models import Answer
    from wareview.reviews.services import AnswerState, answer_save

    current = Answer.objects.get(review=cast.review, question__code="Q_01")
    marks = {"q_01_b": {"reason": "architecture_constraints", "note": "No queue here."}}
    data = AnswerState(selected=["q_01_a"], practices_not_applicable=marks)
    answer_save(answer=current, user=cast.owner, data=data, expected_version=0)
    answer(cast.review, "Q_02", reason="out_of_scope")
    milestone = milestone_save(review=cast.review, name="Marks", user=cast.owner)
    client.force_login(cast.viewer)
    first = text(client.get(reverse("milestones:question", args=[milestone.pk, "Q_01"])))
    assert "Q_01 practice b: does not apply — Architecture constraints: No queue here." in first
    assert "This question applies." in first
    second = text(client.get(reverse("milestones:question", args=[milestone.pk, "Q_02"])))
    assert "This question does not apply: Out of scope." in second
