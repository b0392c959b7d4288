"""The workload profile in lens files: the profile's questions under the lens's "wareview" key, a practice's
`applies_when`, `always_applies` and `replaces_needs_all`, a question's `first_when`; round trips and refusals."""

from pathlib import Path

import pytest

from tests.lenses.test_interchange import (
    SAMPLES,
    a_choice,
    a_lens,
    a_pillar,
    a_question,
    as_text,
    counted_import,
    refused,
    sample_text,
)
from wareview.lenses.interchange import lens_export, lens_import, lens_validate
from wareview.lenses.models import Choice, ProfileQuestion, Question

pytestmark = pytest.mark.django_db

CACHE = {"code": "keeps_cache", "title": "Does the workload keep a cache?"}
REACH = {
    "code": "reach",
    "title": "Where are its users?",
    "description": "Where most requests come from.",
    "options": [{"code": "one_region", "label": "One region"}, {"code": "many_regions", "label": "Several regions"}],
}
FAAS = {"code": "runs_functions", "title": "Does it run functions (FaaS)?"}


def a_profiled_lens(*, profile: list | None = None, choices: list | None = None, **question_fields: object) -> dict:
    """A lens with a profile and one question whose practices may carry conditions."""
    if choices is None:
        choices = [a_choice("practice_a"), a_choice("practice_b"), {"id": "rel_1_no", "title": "None of these"}]
    question = a_question(choices=choices, **question_fields)
    own = {"profile": [CACHE, REACH, FAAS] if profile is None else profile}
    return a_lens(pillars=[a_pillar(questions=[question])], wareview=own)


def with_practices(**facts: dict) -> list[dict]:
    """Practice a and b with their "wareview" keys, and "None of these"."""
    return [
        a_choice("practice_a", **({"wareview": facts["a"]} if "a" in facts else {})),
        a_choice("practice_b", **({"wareview": facts["b"]} if "b" in facts else {})),
        {"id": "rel_1_no", "title": "None of these", **({"wareview": facts["none"]} if "none" in facts else {})},
    ]


WHERE = "pillars[0].questions[0]"


# Round trips


def test_the_profile_and_the_conditions_import_onto_the_model_and_export_back_to_the_same_document() -> None:
    choices = with_practices(
        a={"applies_when": "keeps_cache && !one_region", "effort": "small"},
        b={"always_applies": True, "replaces_needs_all": True, "replaces": ["rel_1/old_a", "rel_1/old_b"]},
    )
    document = a_profiled_lens(choices=choices, wareview={"first_when": "many_regions || runs_functions"})

    result = lens_import(text=as_text(document))

    assert result.warnings == []
    assert result.created_counts["profile_questions"] == 3
    cache, reach, faas = ProfileQuestion.objects.filter(lens=result.lens).order_by("order")
    assert (cache.code, cache.title, cache.description, cache.options) == (CACHE["code"], CACHE["title"], "", [])
    assert (reach.code, reach.description, reach.options) == ("reach", REACH["description"], REACH["options"])
    assert faas.order == 2
    question = Question.objects.get(pillar__lens=result.lens)
    assert question.first_when == "many_regions || runs_functions"
    first, second, none = question.choices.order_by("order")
    assert (first.applies_when, first.always_applies, first.replaces_needs_all) == (
        "keeps_cache && !one_region",
        False,
        False,
    )
    assert (second.applies_when, second.always_applies, second.replaces_needs_all) == ("", True, True)
    assert (none.applies_when, none.always_applies, none.replaces_needs_all) == ("", False, False)
    exported = lens_export(lens=result.lens).document
    assert exported == document
    assert lens_export(lens=lens_import(text=as_text(exported)).lens).document == exported


def test_a_lens_without_a_profile_exports_without_the_wareview_key() -> None:
    document = a_lens()

    exported = lens_export(lens=lens_import(text=as_text(document)).lens).document

    assert "wareview" not in exported
    assert exported == document


def test_unknown_keys_under_the_lens_wareview_key_are_kept_for_export_with_a_warning() -> None:
    document = a_profiled_lens(profile=[CACHE])
    document["wareview"]["_reviewed_by"] = "A. Author"

    result = lens_import(text=as_text(document))

    assert result.warnings == ["wareview._reviewed_by: unknown key, kept for export but not shown"]
    assert result.lens.extra == {"wareview": {"_reviewed_by": "A. Author"}}
    assert lens_export(lens=result.lens).document == document


@pytest.mark.parametrize("name", SAMPLES)
def test_the_real_samples_still_import_without_a_profile(shared_dir: Path, name: str) -> None:
    result = lens_import(text=sample_text(shared_dir, name))

    assert result.created_counts["profile_questions"] == 0
    assert not Choice.objects.filter(question__pillar__lens=result.lens).exclude(applies_when="").exists()


def test_a_profile_costs_one_insert_whatever_its_size() -> None:
    _, without = counted_import(as_text(a_lens()))
    _, small = counted_import(as_text(a_profiled_lens(profile=[CACHE])))
    _, larger = counted_import(as_text(a_profiled_lens()))

    assert small == larger == without + 1


# Refused: the profile's questions


def test_profile_questions_that_are_malformed_are_refused_with_their_json_path_and_nothing_is_written() -> None:
    profile = [
        {"code": "keeps cache", "title": "Cache?"},
        {"title": "No code"},
        {"code": "reach", "title": "", "options": [{"code": "only", "label": "Only one"}]},
        {
            "code": "scale",
            "title": "Scale?",
            "options": [{"code": "big", "label": "Big"}, {"code": "big", "label": ""}],
        },
        {"code": "region", "title": "Region?", "options": "many", "weight": 3},
        "latency_critical",
    ]

    assert refused(as_text(a_profiled_lens(profile=profile))) == [
        "wareview.profile[0].code: 'keeps cache' is not a valid code (letters, digits and _ only, at most 128 "
        "characters)",
        "wareview.profile[1].code: required but missing",
        "wareview.profile[2].title: must not be empty",
        "wareview.profile[2].options: a question with options has at least two; leave options out for a yes/no "
        "question",
        "wareview.profile[3].options[1].code: 'big' is given twice in this question",
        "wareview.profile[3].options[1].label: must be a text that is not empty",
        'wareview.profile[4].weight: unknown key; a profile question has "code", "title", "description", "options"',
        'wareview.profile[4].options: must be a list of {"code", "label"} objects, got string',
        "wareview.profile[5]: must be an object, got string",
    ]


def test_a_profile_code_used_twice_and_a_fact_given_twice_are_refused_naming_the_first() -> None:
    profile = [
        CACHE,
        REACH,
        {"code": "keeps_cache", "title": "Again?"},
        {
            "code": "spread",
            "title": "Spread?",
            "options": [{"code": "one_region", "label": "One"}, {"code": "x", "label": "X"}],
        },
        {"code": "many_regions", "title": "Many regions?"},
    ]

    assert refused(as_text(a_profiled_lens(profile=profile))) == [
        "wareview.profile[2].code: duplicate profile question code 'keeps_cache', first used at wareview.profile[0]",
        "wareview.profile[3].options[0].code: the profile fact 'one_region' is already given at "
        "wareview.profile[1].options[0].code",
        "wareview.profile[4].code: the profile fact 'many_regions' is already given at "
        "wareview.profile[1].options[1].code",
    ]


def test_a_lens_wareview_key_or_profile_of_the_wrong_type_is_refused() -> None:
    assert refused(as_text(a_lens(wareview=["profile"]))) == ["wareview: must be an object, got array"]
    assert refused(as_text(a_lens(wareview={"profile": {"code": "x"}}))) == [
        "wareview.profile: must be an array, got object"
    ]


# Refused: the conditions


def test_conditions_that_do_not_parse_or_name_an_unknown_fact_are_refused_with_their_column() -> None:
    choices = with_practices(a={"applies_when": "keeps_cache & many_regions"}, b={"applies_when": "keeps_cache || cdn"})
    document = a_profiled_lens(choices=choices, wareview={"first_when": "(latency_critical"})

    assert refused(as_text(document)) == [
        f"{WHERE}.wareview.first_when: unclosed '(' at column 1",
        f"{WHERE}.choices[0].wareview.applies_when: unexpected '&' at column 13, expected '&&'",
        f"{WHERE}.choices[1].wareview.applies_when: unknown profile fact 'cdn' at column 16",
    ]


def test_a_condition_naming_a_question_with_options_rather_than_an_option_is_refused() -> None:
    choices = with_practices(a={"applies_when": "reach"})

    assert refused(as_text(a_profiled_lens(choices=choices))) == [
        f"{WHERE}.choices[0].wareview.applies_when: unknown profile fact 'reach' at column 1"
    ]


def test_a_condition_in_a_lens_without_a_profile_says_the_lens_has_none() -> None:
    question = a_question(wareview={"first_when": "keeps_cache"})

    assert refused(as_text(a_lens(pillars=[a_pillar(questions=[question])]))) == [
        f"{WHERE}.wareview.first_when: unknown profile fact 'keeps_cache' at column 1 "
        "(the lens has no profile questions)"
    ]


def test_default_empty_and_non_text_conditions_are_refused() -> None:
    choices = with_practices(a={"applies_when": "default"}, b={"applies_when": ""})
    document = a_profiled_lens(choices=choices, wareview={"first_when": 7})

    assert refused(as_text(document)) == [
        f"{WHERE}.wareview.first_when: must be a string, got number",
        f"{WHERE}.choices[0].wareview.applies_when: 'default' is not a profile condition; leave the condition empty "
        "for always",
        f"{WHERE}.choices[1].wareview.applies_when: the condition is empty",
    ]


def test_a_practice_that_always_applies_with_a_condition_is_refused() -> None:
    choices = with_practices(a={"always_applies": True, "applies_when": "keeps_cache"})

    assert refused(as_text(a_profiled_lens(choices=choices))) == [
        f"{WHERE}.choices[0].wareview: a practice that always applies has no condition: remove applies_when or "
        "always_applies"
    ]


@pytest.mark.parametrize("facts", [{"always_applies": True}, {"applies_when": "keeps_cache"}])
def test_none_of_these_may_neither_always_apply_nor_have_a_condition(facts: dict) -> None:
    choices = with_practices(none=facts)

    assert refused(as_text(a_profiled_lens(choices=choices))) == [
        f'{WHERE}.choices[2].wareview: "None of these" neither always applies nor has a condition: it is not a best '
        "practice"
    ]


def test_flags_that_are_not_true_or_false_are_refused() -> None:
    choices = with_practices(a={"always_applies": "yes", "replaces_needs_all": 1})

    assert refused(as_text(a_profiled_lens(choices=choices))) == [
        f"{WHERE}.choices[0].wareview.always_applies: must be true or false, got string",
        f"{WHERE}.choices[0].wareview.replaces_needs_all: must be true or false, got number",
    ]


def test_false_flags_import_as_false_and_are_left_out_of_the_export() -> None:
    choices = with_practices(a={"always_applies": False, "replaces_needs_all": False, "effort": "small"})

    lens = lens_import(text=as_text(a_profiled_lens(choices=choices))).lens

    exported_choice = lens_export(lens=lens).document["pillars"][0]["questions"][0]["choices"][0]
    assert exported_choice["wareview"] == {"effort": "small"}


def test_validation_alone_finds_the_same_problems_as_an_import() -> None:
    choices = with_practices(a={"applies_when": "nope"})

    result = lens_validate(document=a_profiled_lens(choices=choices))

    assert result.errors == [f"{WHERE}.choices[0].wareview.applies_when: unknown profile fact 'nope' at column 1"]
