"""The review's one read model (`selectors.review_outline`): the navigation, the overview, an autosave and the
report all show the questions in the same order, nested focus areas included."""

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import FocusAreaFactory, LensFactory, PillarFactory, build_question
from tests.reports.helpers import answer
from wareview.lenses.models import Lens
from wareview.lenses.services import lens_publish
from wareview.reports.selectors import report_data
from wareview.reviews.selectors import review_outline
from wareview.reviews.services import review_start

pytestmark = pytest.mark.django_db


@pytest.fixture
def nested_review(cast):
    """Areas A (order 0) and B (order 1), and A1 inside A with order 1 within its parent: A1's order equals B's,
    so sorting by the area's own order alone would put B's question between A's and A1's."""
    lens = LensFactory(status=Lens.Status.DRAFT)
    pillar = PillarFactory(lens=lens)
    area_a = FocusAreaFactory(pillar=pillar, code="a", name="Selection", order=0)
    area_b = FocusAreaFactory(pillar=pillar, code="b", name="Review", order=1)
    area_a1 = FocusAreaFactory(pillar=pillar, code="a1", name="Compute", order=1, parent=area_a)
    build_question(pillar=pillar, focus_area=area_a, code="Q_A0", order=0)
    build_question(pillar=pillar, focus_area=area_b, code="Q_B", order=1)
    build_question(pillar=pillar, focus_area=area_a1, code="Q_A1", order=2)
    return review_start(workload=cast.workload, lens=lens_publish(lens=lens), user=cast.owner)


def navigation_codes(client, review) -> list[str]:
    body = client.get(reverse("reviews:question", args=[review.pk, "Q_A0"])).content.decode()
    return re.findall(r'<li id="nav-item-(\w+)"', body)


def export_codes(client, review) -> list[str]:
    body = client.get(reverse("reports:export_csv", args=[review.pk])).content.decode("utf-8-sig")
    return [row["question_code"] for row in csv.DictReader(io.StringIO(body))]


def test_the_navigation_and_the_report_list_nested_areas_in_the_same_order(client, cast, nested_review):
    client.force_login(cast.viewer)
    assert navigation_codes(client, nested_review) == ["Q_A0", "Q_A1", "Q_B"]
    assert export_codes(client, nested_review) == ["Q_A0", "Q_A1", "Q_B"]
    assert [question.code for question in report_data(review=nested_review).questions] == ["Q_A0", "Q_A1", "Q_B"]


def test_a_nested_area_sits_under_its_parent_and_is_named_after_it(nested_review):
    areas = review_outline(review=nested_review).areas
    assert [area.label for area in areas] == ["Selection", "Selection › Compute", "Review"]
    assert [section.name for section in report_data(review=nested_review).areas] == [area.label for area in areas]


def test_the_outline_counts_completion_and_risks_per_area_and_for_the_review(cast):
    answer(cast.review, "Q_01", "no")
    answer(cast.review, "Q_03", "a", "b", "c")
    outline = review_outline(review=cast.review)
    assert [(area.answered, area.total) for area in outline.areas] == [(1, 2), (1, 2)]
    assert (outline.answered, outline.total, outline.percent) == (2, 4, 50)
    assert outline.risk_summary()[:3] == [("HIGH_RISK", 1), ("MEDIUM_RISK", 0), ("NO_RISK", 1)]


def test_the_outline_is_one_query_and_carries_the_answers_only_when_asked(cast):
    answer(cast.review, "Q_01", "a", notes="Measured.")
    with CaptureQueriesContext(connection) as queries:
        outline = review_outline(review=cast.review, answers=True)
    assert len(queries) == 1
    first = outline.questions[0]
    assert (first.code, first.selected, first.notes) == ("Q_01", ("q_01_a",), "Measured.")
    assert review_outline(review=cast.review).questions[0].notes == ""


def test_an_autosave_refreshes_the_progress_of_the_nested_area_it_belongs_to(client, cast, nested_review):
    client.force_login(cast.contributor)
    url = reverse("reviews:question", args=[nested_review.pk, "Q_A1"])
    data = {"version": 0, "selected": ["q_a1_a"], "reason": "", "notes": ""}
    body = client.post(url, data, headers={"HX-Request": "true"}).content.decode()
    area = review_outline(review=nested_review).area_of("Q_A1")
    assert f'<progress id="area-progress-{area.key}" max="1" value="1" hx-swap-oob="true"' in body
    assert 'aria-label="Compute completion"' in body
    assert '<span id="review-count" hx-swap-oob="true">1/3 answered</span>' in body


def test_a_published_lens_s_outline_is_the_same_when_read_again_from_the_risks_alone(cast, nested_review):
    answer(nested_review, "Q_A1", "a")
    first = review_outline(review=nested_review)
    with CaptureQueriesContext(connection) as queries:
        again = review_outline(review=nested_review)
    assert again == first
    assert len(queries) == 1
    # The lens's questions, areas and pillars were kept from the first read: the second reads the answers alone.
    assert "lenses_question" not in queries[0]["sql"]
    assert [(area.label, [q.code for q in area.questions]) for area in again.areas] == [
        ("Selection", ["Q_A0"]),
        ("Selection › Compute", ["Q_A1"]),
        ("Review", ["Q_B"]),
    ]


def test_an_answer_moved_to_another_lens_version_is_outlined_from_its_new_questions(cast, nested_review):
    review_outline(review=nested_review)  # the shape of its lens is kept
    stale = type(nested_review).objects.get(pk=nested_review.pk)
    stale.lens_id = cast.review.lens_id  # as if the review had moved on: its answers are not that lens's questions
    review_outline(review=cast.review)
    assert [q.code for q in review_outline(review=stale).questions] == ["Q_A0", "Q_A1", "Q_B"]
