"""The one risk vocabulary (`wareview.lib.risk_levels`): the models, the badge, the stylesheets and the chart
all follow it."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.template.loader import render_to_string

from wareview.lenses.models import Risk
from wareview.lib import risk_levels
from wareview.lib.charts import risk_chart
from wareview.reviews.models import AnswerRisk

STYLESHEETS = ("css/app.css", "reports/css/report-print.css")


def test_the_answer_risks_are_the_levels_worst_first():
    assert AnswerRisk.choices == [(level.value, level.label) for level in risk_levels.LEVELS]


def test_a_rule_gives_one_of_the_first_three_levels():
    assert Risk.choices == [(level.value, level.label) for level in risk_levels.LEVELS[:3]]


@pytest.mark.parametrize("level", risk_levels.LEVELS, ids=lambda level: level.value)
def test_the_badge_shows_the_words_and_class_of_the_level(level):
    badge = Template("{% load reviews %}{% risk_badge risk %}|{% risk_badge risk short=True %}")
    long, short = badge.render(Context({"risk": level.value})).split("|")
    assert long == f'<span class="risk {level.css_class}">{level.label}</span>'
    assert short == f'<span class="risk {level.css_class}">{level.short_label}</span>'


@pytest.mark.parametrize("stylesheet", STYLESHEETS)
def test_every_level_has_a_badge_style_and_the_chart_colours_are_the_stylesheets(stylesheet):
    css = (Path(settings.BASE_DIR) / "static" / stylesheet).read_text()
    colours = set(re.findall(r"--[a-z]+: (#[0-9a-f]{6})", css))
    for level in risk_levels.LEVELS:
        assert f".{level.css_class} " in css
    # The unanswered badge is an outline; the chart fills it with a light grey instead.
    assert {level.colour for level in risk_levels.LEVELS[:4]} <= colours


def test_the_chart_draws_each_level_in_its_colour_with_its_words():
    chart = risk_chart(rows=[("Compute", {level.value: 1 for level in risk_levels.LEVELS})])
    svg = render_to_string("charts/risk_chart.html", {"chart": chart})
    for level in risk_levels.LEVELS:
        assert f'fill="{level.colour}"' in svg and f">{level.label}</text>" in svg


def test_an_unknown_value_reads_as_unanswered():
    assert risk_levels.risk_level("SOMETHING_ELSE") is risk_levels.UNANSWERED
