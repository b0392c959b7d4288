import pytest
from django.core.management import CommandError, call_command

from tests.factories import build_lens
from wareview.lenses.models import Choice, Lens, ProfileQuestion, Question, RiskRule

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


def give_practice_facts(lens: Lens, **codes_to_facts: dict) -> None:
    for code, facts in codes_to_facts.items():
        Choice.objects.filter(question__pillar__lens=lens, code=code).update(**facts)


COMPLETE = {"verification": "Ask for the dashboard that shows it.", "effort": "medium", "impact": "high"}


def test_a_lens_whose_practices_all_have_verification_effort_and_impact_passes(capsys):
    lens = build_lens(status=Lens.Status.DRAFT)
    Choice.objects.filter(question__pillar__lens=lens, is_none=False).update(**COMPLETE)
    call_command("check_lenses")
    assert "no problems" in capsys.readouterr().out


def test_once_one_practice_has_them_every_other_practice_but_none_of_these_must_have_all_three(capsys):
    lens = build_lens(status=Lens.Status.DRAFT, questions_per_area=1, areas=1)
    give_practice_facts(lens, q_01_a=COMPLETE, q_01_b={**COMPLETE, "verification": " "}, q_01_c={"effort": "small"})
    with pytest.raises(CommandError, match="2 problem"):
        call_command("check_lenses")
    err = capsys.readouterr().err
    assert f"{lens.slug} v1: Q_01.q_01_b: the best practice has no verification" in err
    assert (
        "Q_01.q_01_c: the best practice has no verification and no impact (other practices of the lens have them)"
        in err
    )
    assert "q_01_no" not in err


def test_an_effort_or_impact_outside_its_scale_is_reported(capsys):
    lens = build_lens(status=Lens.Status.DRAFT)
    Choice.objects.filter(question__pillar__lens=lens, is_none=False).update(**COMPLETE)
    give_practice_facts(lens, q_02_a={"effort": "huge"}, q_03_b={"impact": "HIGH"})
    with pytest.raises(CommandError, match="2 problem"):
        call_command("check_lenses")
    err = capsys.readouterr().err
    assert "Q_02.q_02_a: effort 'huge' is not one of small, medium, large" in err
    assert "Q_03.q_03_b: impact 'HIGH' is not one of high, medium, low" in err


def a_second_version_draft() -> Lens:
    from wareview.lenses.services import lens_new_draft

    return lens_new_draft(lens=build_lens())


def test_a_mapping_naming_questions_and_choices_of_the_previous_version_passes(capsys):
    draft = a_second_version_draft()
    Question.objects.filter(pillar__lens=draft, code="Q_02").update(replaces=["Q_01", "Q_02"])
    Choice.objects.filter(question__pillar__lens=draft, code="q_02_a").update(replaces=["Q_01/q_01_a", "Q_02/q_02_a"])
    call_command("check_lenses")
    assert "no problems" in capsys.readouterr().out


def test_a_malformed_mapping_is_reported_with_where_it_is(capsys):
    draft = a_second_version_draft()
    Question.objects.filter(pillar__lens=draft, code="Q_02").update(replaces="Q_01")
    Choice.objects.filter(question__pillar__lens=draft, code="q_02_a").update(replaces=["q_01_a", 3, "Q_01/q_01_b"])
    with pytest.raises(CommandError, match="3 problem"):
        call_command("check_lenses")
    err = capsys.readouterr().err
    assert f"{draft.slug} v2: Q_02.replaces: must be a list of question codes, got string" in err
    assert "Q_02.q_02_a.replaces[0]: 'q_01_a' is not \"<old question code>/<old choice code>\"" in err
    assert "Q_02.q_02_a.replaces[1]: must be a string, got number" in err


def test_a_mapping_naming_what_the_previous_version_lacks_is_reported(capsys):
    draft = a_second_version_draft()
    Question.objects.filter(pillar__lens=draft, code="Q_02").update(replaces=["Q_09"])
    Choice.objects.filter(question__pillar__lens=draft, code="q_02_a").update(replaces=["Q_01/q_01_zz", "Q_07/x"])
    with pytest.raises(CommandError, match="3 problem"):
        call_command("check_lenses")
    err = capsys.readouterr().err
    assert "Q_02.replaces[0]: names question 'Q_09', which v1 does not have" in err
    assert "Q_02.q_02_a.replaces[0]: names 'Q_01/q_01_zz': v1's Q_01 has no choice 'q_01_zz'" in err
    assert "Q_02.q_02_a.replaces[1]: names question 'Q_07', which v1 does not have" in err


def test_a_mapping_in_a_first_version_names_nothing_that_exists(capsys):
    lens = build_lens(status=Lens.Status.DRAFT)
    Question.objects.filter(pillar__lens=lens, code="Q_01").update(replaces=["Q_01"])
    with pytest.raises(CommandError, match="1 problem"):
        call_command("check_lenses")
    assert "Q_01.replaces[0]: names 'Q_01', but the lens has no earlier published version" in capsys.readouterr().err


# The workload profile and the conditions over it


def profiled_lens() -> Lens:
    lens = build_lens(status=Lens.Status.DRAFT)
    options = [{"code": "one_region", "label": "One region"}, {"code": "many_regions", "label": "Several"}]
    ProfileQuestion.objects.create(lens=lens, code="keeps_cache", title="Cache?", order=0)
    ProfileQuestion.objects.create(lens=lens, code="reach", title="Where?", options=options, order=1)
    return lens


def test_conditions_over_known_facts_pass(capsys):
    lens = profiled_lens()
    Choice.objects.filter(question__pillar__lens=lens, code="q_01_a").update(applies_when="keeps_cache || one_region")
    Choice.objects.filter(question__pillar__lens=lens, code="q_01_b").update(always_applies=True)
    Question.objects.filter(pillar__lens=lens, code="Q_02").update(first_when="many_regions")

    call_command("check_lenses")

    assert "no problems" in capsys.readouterr().out


def test_conditions_naming_unknown_facts_or_malformed_are_reported(capsys):
    lens = profiled_lens()
    Choice.objects.filter(question__pillar__lens=lens, code="q_01_a").update(applies_when="keeps_cache && cdn")
    Choice.objects.filter(question__pillar__lens=lens, code="q_01_b").update(applies_when="reach")
    Question.objects.filter(pillar__lens=lens, code="Q_02").update(first_when="(many_regions")

    with pytest.raises(CommandError, match="3 problem"):
        call_command("check_lenses")

    err = capsys.readouterr().err
    assert f"{lens.slug} v1: Q_01.q_01_a.applies_when: unknown profile fact 'cdn' at column 16" in err
    assert f"{lens.slug} v1: Q_01.q_01_b.applies_when: unknown profile fact 'reach' at column 1" in err
    assert f"{lens.slug} v1: Q_02.first_when: unclosed '(' at column 1" in err


def test_a_condition_in_a_lens_without_a_profile_is_reported(capsys):
    lens = build_lens(status=Lens.Status.DRAFT)
    Choice.objects.filter(question__pillar__lens=lens, code="q_01_a").update(applies_when="keeps_cache")

    with pytest.raises(CommandError, match="1 problem"):
        call_command("check_lenses")

    assert "Q_01.q_01_a.applies_when: unknown profile fact 'keeps_cache' at column 1 (the lens has no profile " in (
        capsys.readouterr().err
    )


def test_a_condition_where_none_may_be_and_bad_profile_questions_are_reported(capsys):
    lens = profiled_lens()
    ProfileQuestion.objects.create(lens=lens, code="spread", title="Spread?", order=2, options=[{"code": "x"}])
    ProfileQuestion.objects.create(lens=lens, code="one_region", title="One region?", order=3)
    Choice.objects.filter(question__pillar__lens=lens, code="q_01_a").update(
        always_applies=True, applies_when="keeps_cache"
    )
    Choice.objects.filter(question__pillar__lens=lens, code="q_01_no").update(always_applies=True)

    with pytest.raises(CommandError, match="4 problem"):
        call_command("check_lenses")

    err = capsys.readouterr().err
    assert "profile spread.options: a question with options has at least two" in err
    assert "profile: the fact 'one_region' is given twice (first by the question reach)" in err
    assert "Q_01.q_01_a: a practice that always applies has no condition" in err
    assert 'Q_01.q_01_no: "None of these" neither always applies nor has a condition' in err
