"""The Performance Efficiency fixture: it loads repeatably, is complete, its rules work, its prose is ours."""

import itertools
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from wareview.lenses.models import Choice, DesignPrinciple, FocusArea, Lens, Pillar, Question, RiskRule
from wareview.lenses.risk import HIGH_RISK, NO_RISK, RISKS, RuleError, check_condition, evaluate

pytestmark = pytest.mark.django_db

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "performance_efficiency.json"
SEED = Path("seed") / "000_12ebc4ca4144decb.txt"
SLUG, VERSION = "performance-efficiency", 1
LEAF_AREAS = {"compute", "storage", "database", "network", "review", "monitoring", "tradeoffs"}
PRINCIPLES = {
    "democratize_advanced_tech",
    "go_global_in_minutes",
    "use_serverless_architectures",
    "experiment_more_often",
    "mechanical_sympathy",
}
MODELS = (Lens, Pillar, DesignPrinciple, FocusArea, Question, Choice, RiskRule, Choice.principles.through)
# Runs this long shared with the seed would mean a sentence was copied rather than written.
COPIED_RUN = 8


@pytest.fixture
def lens() -> Lens:
    call_command("loaddata", str(FIXTURE), verbosity=0)
    return Lens.objects.get(slug=SLUG, version=VERSION)


def questions(lens: Lens) -> list[Question]:
    return list(Question.objects.filter(pillar__lens=lens).prefetch_related("choices", "risk_rules"))


def practices(question: Question) -> list[Choice]:
    return [choice for choice in question.choices.all() if not choice.is_none]


def rules_of(question: Question) -> list[tuple[str, str]]:
    return [(rule.condition, rule.risk) for rule in question.risk_rules.all()]


def words(text: str) -> list[str]:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).split()


def runs(text: str, length: int) -> set[tuple[str, ...]]:
    tokens = words(text)
    return {tuple(tokens[i : i + length]) for i in range(len(tokens) - length + 1)}


def test_loading_the_fixture_twice_creates_nothing_new(lens):
    counts = {model: model.objects.count() for model in MODELS}

    call_command("load_question_sets", str(FIXTURE), verbosity=0)

    assert {model: model.objects.count() for model in MODELS} == counts


def test_the_lens_is_published_with_one_performance_pillar(lens):
    assert lens.name == "Performance Efficiency"
    assert lens.is_published
    assert lens.published_at is not None
    assert [(p.code, p.name) for p in lens.pillars.all()] == [("performance", "Performance Efficiency")]


def test_the_pillar_has_the_five_design_principles(lens):
    principles = DesignPrinciple.objects.filter(pillar__lens=lens)

    assert {principle.code for principle in principles} == PRINCIPLES
    assert all(principle.description.strip() for principle in principles)


def test_the_lens_has_at_least_eight_questions_and_forty_best_practices(lens):
    found = questions(lens)

    assert len(found) >= 8
    assert sum(len(practices(question)) for question in found) >= 40


def test_selection_holds_compute_storage_database_and_network_in_that_order(lens):
    selection = FocusArea.objects.get(pillar__lens=lens, code="selection", parent=None)

    assert [area.code for area in selection.children.order_by("order")] == [
        "compute",
        "storage",
        "database",
        "network",
    ]
    top_level = FocusArea.objects.filter(pillar__lens=lens, parent=None).order_by("order")
    assert [area.code for area in top_level] == ["selection", "review", "monitoring", "tradeoffs"]


def test_every_leaf_focus_area_has_a_question_and_only_leaves_have_questions(lens):
    leaves = FocusArea.objects.filter(pillar__lens=lens, children__isnull=True)

    assert {area.code for area in leaves} == LEAF_AREAS
    assert all(area.questions.exists() for area in leaves)
    assert {question.focus_area.code for question in questions(lens)} == LEAF_AREAS


def test_question_and_choice_codes_are_word_characters_fit_for_export(lens):
    found = questions(lens)

    assert [question.code for question in found] == [f"PERF_{n:02}" for n in range(1, len(found) + 1)]
    for question in found:
        codes = [choice.code for choice in question.choices.all()]
        assert len(codes) == len(set(codes)), question.code
        assert all(re.fullmatch(r"\w{3,64}", code) for code in codes), codes
        assert len(codes) <= 15, question.code


def test_every_question_has_a_titled_question_guidance_and_a_helpful_resource(lens):
    for question in questions(lens):
        assert len(question.title) <= 128 and question.title.endswith("?"), question.code
        assert 0 < len(question.description) <= 1000, question.code
        assert question.helpful_resource_text and question.helpful_resource_url.startswith("https://")


def test_every_question_ends_with_exactly_one_none_choice_coded_no(lens):
    for question in questions(lens):
        choices = list(question.choices.all())
        none_choices = [choice for choice in choices if choice.is_none]

        assert len(none_choices) == 1, question.code
        assert none_choices[0] == choices[-1], question.code
        assert none_choices[0].code.endswith("_no")
        assert none_choices[0].improvement_text == ""


def test_every_best_practice_has_a_description_improvement_text_and_url(lens):
    for question in questions(lens):
        for practice in practices(question):
            assert len(practice.title) <= 128, practice.code
            assert practice.description.strip(), practice.code
            assert practice.improvement_text.strip(), practice.code
            assert practice.improvement_url.startswith("https://"), practice.code


def test_every_best_practice_supports_one_to_three_design_principles(lens):
    for question in questions(lens):
        for practice in practices(question):
            assert 1 <= practice.principles.count() <= 3, practice.code
        assert not question.choices.get(is_none=True).principles.exists()


def test_every_question_has_at_most_three_rules_one_per_level_with_default_last(lens):
    for question in questions(lens):
        rules = rules_of(question)

        assert 1 <= len(rules) <= 3, question.code
        assert len({risk for _, risk in rules}) == len(rules), question.code
        assert all(risk in RISKS for _, risk in rules)
        assert rules[-1][0] == "default", question.code
        assert all(condition != "default" for condition, _ in rules[:-1]), question.code


def test_every_rule_names_only_choices_of_its_own_question(lens):
    problems = []
    for question in questions(lens):
        codes = {choice.code for choice in question.choices.all()}
        for condition, _ in rules_of(question):
            try:
                check_condition(condition, codes)
            except RuleError as error:
                problems.append(f"{question.code}: {error}")

    assert problems == []


def test_selecting_only_the_none_choice_is_high_risk(lens):
    for question in questions(lens):
        none_choice = question.choices.get(is_none=True)

        assert evaluate(rules_of(question), {none_choice.code}) == HIGH_RISK, question.code


def test_selecting_every_best_practice_is_no_risk(lens):
    for question in questions(lens):
        selected = {practice.code for practice in practices(question)}

        assert evaluate(rules_of(question), selected) == NO_RISK, question.code


def test_every_risk_level_a_question_names_is_reachable_by_some_answer(lens):
    for question in questions(lens):
        codes = [practice.code for practice in practices(question)]
        reached = {
            evaluate(rules_of(question), set(subset))
            for size in range(len(codes) + 1)
            for subset in itertools.combinations(codes, size)
        }

        assert reached == {risk for _, risk in rules_of(question)}, question.code


def test_no_text_repeats_eight_consecutive_words_of_the_seed_document(lens, shared_dir):
    seed_runs = runs((shared_dir / SEED).read_text(encoding="utf-8"), COPIED_RUN)
    texts = [lens.description, *Pillar.objects.filter(lens=lens).values_list("description", flat=True)]
    for model in (DesignPrinciple, FocusArea):
        texts += model.objects.filter(pillar__lens=lens).values_list("description", flat=True)
    for question in questions(lens):
        texts += [question.title, question.description]
        for practice in practices(question):
            texts += [practice.title, practice.description, practice.improvement_text]

    copied = [(text[:60], sorted(runs(text, COPIED_RUN) & seed_runs)) for text in texts]

    assert [entry for entry in copied if entry[1]] == []


def test_check_lenses_finds_no_problem_in_the_shipped_question_set(lens, capsys):
    call_command("check_lenses")
    assert "1 lens(es) checked, no problems." in capsys.readouterr().out


def test_the_shipped_question_set_exports_as_a_valid_lens_file(lens):
    from wareview.lenses.interchange import lens_export, lens_validate

    exported = lens_export(lens=lens)
    assert lens_validate(document=exported.document).errors == []
    assert [q["id"] for q in exported.document["pillars"][0]["questions"]][:2] == ["PERF_01", "PERF_02"]
