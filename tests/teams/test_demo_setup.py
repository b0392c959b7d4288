import re

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from wareview.reviews.models import AnswerRisk, Review

pytestmark = pytest.mark.django_db


def run_demo_setup(capsys) -> str:
    call_command("demo_setup")
    return re.search(r"password '([^']+)'", capsys.readouterr().out).group(1)


def test_demo_setup_prints_a_new_random_password_that_signs_in(capsys):
    call_command("loaddata", "fixtures/performance_efficiency.json", verbosity=0)
    first, second = run_demo_setup(capsys), run_demo_setup(capsys)
    assert first != second
    assert authenticate(username="demo", password=first) is None
    assert authenticate(username="demo", password=second) is not None


def test_demo_setup_twice_leaves_one_half_answered_review(capsys):
    call_command("loaddata", "fixtures/performance_efficiency.json", verbosity=0)
    run_demo_setup(capsys)
    run_demo_setup(capsys)
    review = Review.objects.get()
    risks = list(review.answers.values_list("risk", flat=True))
    assert risks.count(AnswerRisk.UNANSWERED) == len(risks) // 2
    assert {AnswerRisk.HIGH, AnswerRisk.MEDIUM, AnswerRisk.NONE} <= set(risks)
