import pytest
from django.core.management import CommandError, call_command

from tests.factories import build_lens
from wareview.lenses.models import Lens, RiskRule

pytestmark = pytest.mark.django_db


def test_a_sound_lens_passes(capsys):
    build_lens()
    call_command("check_lenses")
    assert "no problems" in capsys.readouterr().out


def test_a_rule_naming_a_missing_choice_is_reported_and_fails(capsys):
    lens = build_lens(status=Lens.Status.DRAFT)
    RiskRule.objects.filter(question__code="Q_01", order=2).update(condition="!q_01_b && q_01_zz")
    with pytest.raises(CommandError, match="1 problem"):
        call_command("check_lenses")
    err = capsys.readouterr().err
    assert f"{lens.slug} v1: Q_01 rule 2: unknown choice 'q_01_zz' at column 12" in err


def test_a_malformed_rule_and_missing_guidance_are_each_reported(capsys):
    lens = build_lens(status=Lens.Status.DRAFT)
    RiskRule.objects.filter(question__code="Q_02", order=1).update(condition="q_02_a &&")
    question = lens.pillars.get().questions.get(code="Q_03")
    question.description = ""
    question.save()
    with pytest.raises(CommandError, match="2 problem"):
        call_command("check_lenses")
    err = capsys.readouterr().err
    assert "Q_02 rule 1: expected a choice code or '(' at column 10, found end of condition" in err
    assert "Q_03: the question has no guidance" in err


def test_a_missing_default_rule_is_only_a_warning(capsys):
    build_lens(status=Lens.Status.DRAFT)
    RiskRule.objects.filter(question__code="Q_01", condition="default").delete()
    call_command("check_lenses")
    assert "Q_01: no 'default' rule; when no rule matches, the risk is high" in capsys.readouterr().out
