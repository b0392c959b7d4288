"""Building the report from the database, the chart, and the report HTML (the first of the two PDF steps)."""

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from tests.factories import build_lens
from tests.reports.helpers import answer, start_review
from wareview.lenses.models import Choice, Lens
from wareview.lenses.services import lens_publish
from wareview.lib.charts import risk_chart
from wareview.reports.rendering import report_html
from wareview.reports.selectors import report_data
from wareview.reviews.access import get_review_for
from wareview.reviews.models import AnswerRisk

pytestmark = pytest.mark.django_db

SCRIPT_NOTE = "<script>alert(1)</script> & more"


def test_the_report_data_holds_each_answer_with_followed_and_missing_practices(review):
    data = report_data(review=review)
    by_code = {question.code: question for question in data.questions}
    assert [question.code for question in data.questions] == ["Q_01", "Q_02", "Q_03", "Q_04"]
    assert [practice.code for practice in by_code["Q_02"].followed] == ["q_02_a"]
    assert [practice.code for practice in by_code["Q_02"].missing] == ["q_02_b", "q_02_c"]
    assert by_code["Q_01"].followed == []
    assert by_code["Q_04"].not_applicable_reason == "Out of scope"
    assert by_code["Q_04"].missing == []
    assert (data.percent, data.risk_counts[AnswerRisk.HIGH], data.risk_counts[AnswerRisk.MEDIUM]) == (100, 1, 1)


def test_the_report_data_groups_questions_by_focus_area_in_lens_order(review):
    data = report_data(review=review)
    assert [[question.code for question in area.questions] for area in data.areas] == [
        ["Q_01", "Q_02"],
        ["Q_03", "Q_04"],
    ]


def test_a_nested_focus_area_is_named_after_its_parent(team, owner):
    draft = build_lens(status=Lens.Status.DRAFT)  # a published lens never changes: nest the areas first
    parent, child = draft.pillars.get().focus_areas.order_by("order")
    child.parent = parent
    child.save()
    review = start_review(team=team, user=owner, lens=lens_publish(lens=draft))
    names = [area.name for area in report_data(review=review).areas]
    assert names == [parent.name, f"{parent.name} › {child.name}"]


def test_the_design_principles_count_the_practices_followed_that_support_them(review):
    # In the test lens the first practice of each question supports both principles; Q_04 does not apply.
    data = report_data(review=review)
    assert [(principle.followed, principle.total) for principle in data.principles] == [(2, 3), (2, 3)]


def test_building_the_report_data_takes_as_many_queries_for_8_questions_as_for_2(team, owner):
    def queries_for(questions_per_area: int) -> int:
        lens = build_lens(questions_per_area=questions_per_area)
        review = start_review(team=team, user=owner, lens=lens, name=f"Workload {questions_per_area}")
        for question in lens.pillars.get().questions.all():
            answer(review, question.code, "a", notes="Noted.")
        loaded = get_review_for(owner, review.pk).review
        with CaptureQueriesContext(connection) as context:
            data = report_data(review=loaded)
        assert len(data.questions) == 2 * questions_per_area
        return len(context.captured_queries)

    assert queries_for(1) == queries_for(4)


def test_the_report_html_has_every_section(review):
    html = report_html(data=report_data(review=review))
    for heading in (
        "Checkout service",
        "Executive summary",
        "Design principles",
        "Prioritized recommendations",
        "Answers by focus area",
        "Appendix: all questions",
    ):
        assert heading in html
    assert "Ada Architect" in html
    assert "<svg" in html and '<title id="risk-chart-title">Risk by focus area</title>' in html


def test_a_note_with_a_script_tag_appears_escaped_in_the_report_html(review):
    answer(review, "Q_03", "a", "b", "c", notes=SCRIPT_NOTE)
    html = report_html(data=report_data(review=review))
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html


def test_an_area_name_with_markup_is_escaped_in_the_chart():
    svg = drawn(rows=[("<b>Compute</b> & co", {"HIGH_RISK": 2, "NO_RISK": 1})])
    assert "<b>" not in svg
    assert "&lt;b&gt;Compute&lt;/b&gt; &amp; co" in svg


def test_the_chart_has_a_title_a_legend_and_a_description_of_every_count():
    svg = drawn(rows=[("Compute", {"HIGH_RISK": 2, "MEDIUM_RISK": 1}), ("Storage", {})])
    assert svg.strip().startswith("<svg") and svg.strip().endswith("</svg>")
    assert "<title" in svg and "High risk</text>" in svg and "Unanswered</text>" in svg
    assert "Compute: 2 high risk, 1 medium risk." in svg
    assert "Storage: no questions." in svg


def drawn(**kwargs):
    """The risk chart as the pages and the PDF draw it."""
    return render_to_string("charts/risk_chart.html", {"chart": risk_chart(**kwargs)})


def test_a_recommendation_shows_the_practices_effort_and_impact_beside_it(team, owner):
    draft = build_lens(status=Lens.Status.DRAFT)  # a published lens never changes: give them in the draft
    choices = Choice.objects.filter(question__pillar__lens=draft)
    choices.filter(code="q_01_a").update(verification="Ask for the runbook.", effort="large", impact="high")
    choices.filter(code="q_01_b").update(effort="small")
    review = start_review(team=team, user=owner, lens=lens_publish(lens=draft))
    answer(review, "Q_01", "no")

    data = report_data(review=review)
    html = report_html(data=data)

    first, second, third = data.recommendations
    assert (first.practice.code, first.practice.effort_label, first.practice.impact_label) == (
        "q_01_a",
        "Large",
        "High",
    )
    assert (second.practice.effort, second.practice.impact) == ("small", "")
    assert (third.practice.effort, third.practice.impact) == ("", "")
    items = html[html.index('id="recommendations-title"') :].split('<li class="recommendation">')[1:]
    assert '<p class="practice-scales recommendation-scales">Effort: Large · Impact: High</p>' in items[0]
    assert '<p class="practice-scales recommendation-scales">Effort: Small</p>' in items[1]
    assert "Effort:" not in items[2] and "Impact:" not in items[2]


def test_the_report_lists_quick_wins_and_puts_them_first_in_the_plan(team, owner):
    draft = build_lens(status=Lens.Status.DRAFT)  # a published lens never changes: give them in the draft
    choices = Choice.objects.filter(question__pillar__lens=draft)
    choices.filter(code="q_01_a").update(effort="large", impact="low")
    choices.filter(code="q_02_c").update(effort="small", impact="high")
    review = start_review(team=team, user=owner, lens=lens_publish(lens=draft))
    answer(review, "Q_01", "no")
    answer(review, "Q_02", "no")

    data = report_data(review=review)
    html = report_html(data=data)

    assert [item.practice.code for item in data.quick_wins] == ["q_02_c"]
    assert data.recommendations[0].practice.code == "q_02_c"  # a later question's quick win leads the plan
    assert data.recommendations[1].practice.code == "q_01_a"  # rated practices before unrated ones
    wins = html[html.index('id="quick-wins-title"') : html.index('<ol class="recommendation-list">')]
    assert "Q_02 practice c" in wins and "Q_01 practice a" not in wins
