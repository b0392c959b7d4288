"""The workload profile's rules as pure functions: options, facts, conditions and which practices may carry them."""

import pytest

from wareview.lenses.conditions import (
    LABEL_MAX_LENGTH,
    applicability_problem,
    check_profile_condition,
    code_problem,
    option_problems,
    question_facts,
    repeated_facts,
)
from wareview.lenses.risk import RuleError

REACH = [{"code": "one_region", "label": "One region"}, {"code": "many_regions", "label": "Several"}]


def test_well_formed_options_have_no_problem():
    assert option_problems(REACH) == []


@pytest.mark.parametrize(
    ("options", "problems"),
    [
        ({"code": "x"}, [("", 'must be a list of {"code", "label"} objects, got object')]),
        (None, [("", 'must be a list of {"code", "label"} objects, got null')]),
        ([REACH[0]], [("", "a question with options has at least two; leave options out for a yes/no question")]),
        ([REACH[0], "many"], [("[1]", "must be an object, got string")]),
        (
            [REACH[0], {"code": 7, "label": "x" * (LABEL_MAX_LENGTH + 1), "weight": 2}],
            [
                ("[1].weight", 'unknown key; an option has "code" and "label"'),
                ("[1].code", "must be a string, got number"),
                ("[1].label", f"is {LABEL_MAX_LENGTH + 1} characters; wareview stores at most {LABEL_MAX_LENGTH}"),
            ],
        ),
        (
            [REACH[0], {"code": "a-b", "label": " "}],
            [
                ("[1].code", "'a-b' is not a valid code (letters, digits and _ only, at most 128 characters)"),
                ("[1].label", "must be a text that is not empty"),
            ],
        ),
    ],
)
def test_malformed_options_say_what_is_wrong_and_where(options, problems):
    assert option_problems(options) == problems


def test_a_code_longer_than_a_column_holds_is_refused():
    assert code_problem("x" * 129) is not None
    assert code_problem("x" * 128) is None
    assert code_problem(True) == "must be a string, got boolean"


def test_facts_are_a_yes_no_question_s_code_or_its_options_codes():
    assert question_facts("keeps_cache", []) == ["keeps_cache"]
    assert question_facts("reach", REACH) == ["one_region", "many_regions"]
    # Stored options that are not well formed give no fact, rather than fail.
    assert question_facts("reach", "many") == []
    assert question_facts("reach", [{"label": "no code"}, REACH[1]]) == ["many_regions"]


def test_a_fact_given_again_names_the_question_that_gave_it_first():
    questions = [("reach", REACH), ("many_regions", []), ("again", [REACH[0], {"code": "z", "label": "Z"}])]

    assert repeated_facts(questions) == [("many_regions", "reach"), ("one_region", "reach")]


def test_a_profile_condition_names_only_facts_and_is_never_default():
    check_profile_condition("keeps_cache && !one_region", {"keeps_cache", "one_region"})
    with pytest.raises(RuleError, match="'default' is not a profile condition"):
        check_profile_condition(" default ", {"keeps_cache"})
    with pytest.raises(RuleError, match="unknown profile fact 'cdn' at column 16") as caught:
        check_profile_condition("keeps_cache || cdn", {"keeps_cache"})
    assert caught.value.column == 16


def test_a_condition_without_a_profile_says_the_lens_has_none_and_keeps_the_column():
    with pytest.raises(RuleError) as caught:
        check_profile_condition("!cdn", set())

    assert caught.value.message == "unknown profile fact 'cdn' at column 2 (the lens has no profile questions)"
    assert caught.value.column == 2


@pytest.mark.parametrize(
    ("always_applies", "applies_when", "is_none", "refused"),
    [
        (False, "", False, False),
        (True, "", False, False),
        (False, "keeps_cache", False, False),
        (True, "keeps_cache", False, True),
        (True, "", True, True),
        (False, "keeps_cache", True, True),
        (False, "", True, False),
    ],
)
def test_which_practices_may_always_apply_or_carry_a_condition(always_applies, applies_when, is_none, refused):
    problem = applicability_problem(always_applies=always_applies, applies_when=applies_when, is_none=is_none)

    assert (problem is not None) == refused
