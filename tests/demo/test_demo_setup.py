import re

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import override_settings

from wareview.reviews.models import AnswerRisk, Review
from wareview.teams.models import Team

pytestmark = pytest.mark.django_db


def run_demo_setup(capsys) -> str:
    call_command("demo_setup", on_any_database=True)
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


@override_settings(DATABASE_URL="postgres://postgres@db.example.com:5432/wareview")
def test_demo_setup_creates_no_superuser_on_a_named_database_unless_asked(capsys, django_user_model):
    call_command("demo_setup")
    out = capsys.readouterr().out
    assert "No demo account: DATABASE_URL names a database" in out
    assert not django_user_model.objects.exists()
    assert not Team.objects.exists()


@override_settings(DATABASE_URL="")
def test_demo_setup_creates_the_superuser_on_the_embedded_default(capsys, django_user_model):
    call_command("demo_setup")
    assert "Demo sign-in: username 'demo'" in capsys.readouterr().out
    assert django_user_model.objects.get(username="demo").is_superuser
