"""Risk-rule conditions: parsing, error messages, evaluation, and the published sample lenses."""

import itertools
import json
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from wareview.lenses.risk import (
    HIGH_RISK,
    MAX_NESTING,
    MEDIUM_RISK,
    NO_RISK,
    RISKS,
    Always,
    And,
    Choice,
    Not,
    Or,
    RuleError,
    check_condition,
    check_risk,
    condition_codes,
    evaluate,
    parse,
)

FORMAT_EXAMPLE = "((choice_1 || choice_2) && choice_3) || (!choice_1 && choice_3)"
# The lens-format.md lens without a `default` rule: HIGH first, and together the rules cover every answer.
NO_DEFAULT_RULES = [("a || !b", HIGH_RISK), ("!c", MEDIUM_RISK), ("b && c", NO_RISK)]


def error_of(condition: str) -> RuleError:
    with pytest.raises(RuleError) as caught:
        parse(condition)
    return caught.value


# Evaluation


@pytest.mark.parametrize(
    ("selected", "expected"),
    [
        ({"choice_1", "choice_3"}, True),
        ({"choice_2", "choice_3"}, True),
        ({"choice_3"}, True),
        ({"choice_1", "choice_2"}, False),
        (set(), False),
    ],
)
def test_the_format_example_holds_when_choice_3_is_selected(selected: set[str], expected: bool) -> None:
    assert parse(FORMAT_EXAMPLE).is_true(selected) is expected


def test_the_format_example_names_its_three_choices() -> None:
    assert condition_codes(FORMAT_EXAMPLE) == {"choice_1", "choice_2", "choice_3"}


def test_a_lens_without_default_gives_high_risk_when_a_is_selected() -> None:
    assert evaluate(NO_DEFAULT_RULES, {"a", "b", "c"}) == HIGH_RISK


def test_a_lens_without_default_gives_high_risk_when_b_is_missing() -> None:
    assert evaluate(NO_DEFAULT_RULES, {"c"}) == HIGH_RISK


def test_a_lens_without_default_gives_medium_risk_when_only_b_is_selected() -> None:
    assert evaluate(NO_DEFAULT_RULES, {"b"}) == MEDIUM_RISK


def test_a_lens_without_default_gives_no_risk_when_b_and_c_are_selected() -> None:
    assert evaluate(NO_DEFAULT_RULES, {"b", "c"}) == NO_RISK


def test_the_first_matching_rule_wins() -> None:
    rules = [("a", NO_RISK), ("a && b", MEDIUM_RISK), ("default", HIGH_RISK)]
    assert evaluate(rules, {"a", "b"}) == NO_RISK


def test_order_counts_more_than_risk_level() -> None:
    rules = [("a && b", MEDIUM_RISK), ("a", NO_RISK), ("default", HIGH_RISK)]
    assert evaluate(rules, {"a", "b"}) == MEDIUM_RISK


def test_default_applies_when_no_earlier_rule_matches() -> None:
    rules = [("a && b", NO_RISK), ("a", HIGH_RISK), ("default", MEDIUM_RISK)]
    assert evaluate(rules, {"b"}) == MEDIUM_RISK


def test_default_is_always_true() -> None:
    assert parse("default").is_true(set()) is True


def test_default_may_be_surrounded_by_whitespace() -> None:
    assert parse("  default\n") == Always()


def test_no_matching_rule_means_high_risk() -> None:
    assert evaluate([("a", NO_RISK), ("b", MEDIUM_RISK)], {"c"}) == HIGH_RISK


def test_no_rules_at_all_means_high_risk() -> None:
    assert evaluate([], {"a"}) == HIGH_RISK


def test_selected_may_be_any_collection() -> None:
    assert evaluate([("a && b", NO_RISK)], ["b", "a"]) == NO_RISK


def test_an_unknown_risk_is_refused() -> None:
    with pytest.raises(RuleError, match=r"^unknown risk 'LOW_RISK' \(expected HIGH_RISK, MEDIUM_RISK, NO_RISK\)$"):
        evaluate([("default", "LOW_RISK")], set())


def test_a_malformed_rule_is_refused_even_after_a_matching_rule() -> None:
    with pytest.raises(RuleError, match=r"^unexpected '\)' at column 2$"):
        evaluate([("a", NO_RISK), ("b)", HIGH_RISK)], {"a"})


def test_an_unknown_risk_is_refused_even_after_a_matching_rule() -> None:
    with pytest.raises(RuleError, match="unknown risk 'high'"):
        evaluate([("a", NO_RISK), ("default", "high")], {"a"})


def test_check_risk_accepts_the_three_risks() -> None:
    for risk in RISKS:
        check_risk(risk)


# Parsing: structure and precedence


def test_not_binds_tighter_than_and() -> None:
    assert parse("!a && b") == And((Not(Choice("a")), Choice("b")))


def test_and_binds_tighter_than_or() -> None:
    assert parse("a || b && c") == Or((Choice("a"), And((Choice("b"), Choice("c")))))


def test_parentheses_override_precedence() -> None:
    assert parse("(a || b) && c") == And((Or((Choice("a"), Choice("b"))), Choice("c")))


def test_a_chain_of_one_operator_is_a_single_node() -> None:
    assert parse("a && b && c") == And((Choice("a"), Choice("b"), Choice("c")))


def test_whitespace_is_optional_and_allowed_anywhere() -> None:
    assert parse("(a&&!b)||c") == parse(" ( a\t&&\n! b )  ||   c ")


def test_not_may_be_repeated() -> None:
    assert parse("!!a") == Not(Not(Choice("a")))


def test_codes_may_start_with_a_digit_and_mix_case() -> None:
    assert condition_codes("1st_Choice || DDBPERF1_2") == {"1st_Choice", "DDBPERF1_2"}


def test_a_choice_remembers_its_column() -> None:
    assert [choice.column for choice in parse("a && (bb || !ccc)").choices()] == [1, 7, 14]


def test_default_names_no_codes() -> None:
    assert condition_codes("default") == set()


def test_a_long_chain_parses_and_evaluates() -> None:
    codes = [f"c{index}" for index in range(5000)]
    assert parse(" && ".join(codes)).is_true(set(codes)) is True


# Malformed conditions: exact messages and columns


@pytest.mark.parametrize(
    ("condition", "message", "column"),
    [
        ("a)", "unexpected ')' at column 2", 2),
        ("(a || b)) && c", "unexpected ')' at column 9", 9),
        ("(a && b", "unclosed '(' at column 1", 1),
        ("a && ((b || c)", "unclosed '(' at column 6", 6),
        ("()", "expected a choice code or '(' at column 2, found ')'", 2),
    ],
)
def test_unbalanced_parentheses_are_refused(condition: str, message: str, column: int) -> None:
    error = error_of(condition)
    assert (str(error), error.message, error.column) == (message, message, column)


@pytest.mark.parametrize(
    ("condition", "message", "column"),
    [
        ("a &&", "expected a choice code or '(' at column 5, found end of condition", 5),
        ("a || ", "expected a choice code or '(' at column 6, found end of condition", 6),
        ("|| a", "expected a choice code or '(' at column 1, found '||'", 1),
        ("a && || b", "expected a choice code or '(' at column 6, found '||'", 6),
        ("a !", "unexpected '!' at column 3", 3),
        ("!", "expected a choice code or '(' at column 2, found end of condition", 2),
        ("(a &&) || b", "expected a choice code or '(' at column 6, found ')'", 6),
    ],
)
def test_a_dangling_operator_is_refused(condition: str, message: str, column: int) -> None:
    error = error_of(condition)
    assert (str(error), error.column) == (message, column)


@pytest.mark.parametrize(
    ("condition", "message", "column"),
    [
        ("a & b", "unexpected '&' at column 3, expected '&&'", 3),
        ("a | b", "unexpected '|' at column 3, expected '||'", 3),
        ("a &&& b", "unexpected '&' at column 5, expected '&&'", 5),
    ],
)
def test_a_single_ampersand_or_bar_is_refused(condition: str, message: str, column: int) -> None:
    error = error_of(condition)
    assert (str(error), error.column) == (message, column)


def test_two_codes_without_an_operator_are_refused() -> None:
    error = error_of("a b")
    assert (str(error), error.column) == ("unexpected 'b' at column 3", 3)


def test_an_empty_condition_is_refused() -> None:
    error = error_of("")
    assert (str(error), error.column) == ("the condition is empty", None)


def test_a_blank_condition_is_refused() -> None:
    assert str(error_of(" \t\n")) == "the condition is empty"


@pytest.mark.parametrize(
    ("condition", "message", "column"),
    [
        ("a && b$", "unexpected character '$' at column 7", 7),
        ("a-b", "unexpected character '-' at column 2", 2),
        ("a && é", "unexpected character 'é' at column 6", 6),
        ("a == b", "unexpected character '=' at column 3", 3),
    ],
)
def test_an_unknown_character_is_refused(condition: str, message: str, column: int) -> None:
    error = error_of(condition)
    assert (str(error), error.column) == (message, column)


@pytest.mark.parametrize(
    ("condition", "column"),
    [("a || default", 6), ("default && a", 1), ("!default", 2), ("(default)", 2)],
)
def test_default_inside_an_expression_is_refused(condition: str, column: int) -> None:
    error = error_of(condition)
    message = f"unexpected 'default' at column {column} (default must be the whole condition)"
    assert (str(error), error.column) == (message, column)


def test_a_condition_that_is_not_text_is_refused() -> None:
    with pytest.raises(RuleError, match=r"^a condition must be text, not NoneType$"):
        parse(None)  # type: ignore[arg-type]


def test_nesting_deeper_than_the_limit_is_refused() -> None:
    depth = MAX_NESTING + 1
    error = error_of("(" * depth + "a" + ")" * depth)
    assert (str(error), error.column) == (f"too deeply nested at column {depth} (at most 64 levels)", depth)


def test_nesting_up_to_the_limit_is_accepted() -> None:
    assert parse("!" * MAX_NESTING + "a").is_true(set()) is (MAX_NESTING % 2 == 1)


def test_a_rule_error_is_a_value_error() -> None:
    assert isinstance(error_of("a)"), ValueError)


# Unknown choice codes


def test_check_condition_accepts_known_codes() -> None:
    check_condition("a && !(b || c)", {"a", "b", "c"})


def test_check_condition_refuses_an_unknown_code_with_its_column() -> None:
    with pytest.raises(RuleError, match=r"^unknown choice 'zz' at column 12$") as caught:
        check_condition("a && (b || zz)", {"a", "b"})
    assert caught.value.column == 12


def test_check_condition_names_the_first_unknown_code_as_written() -> None:
    with pytest.raises(RuleError, match=r"^unknown choice 'y' at column 1$"):
        check_condition("y || x", {"a"})


def test_check_condition_accepts_default_without_codes() -> None:
    check_condition("default", set())


def test_check_condition_reports_a_syntax_error_before_unknown_codes() -> None:
    with pytest.raises(RuleError, match=r"^unexpected 'y' at column 3$"):
        check_condition("x y", set())


# Properties: random expression trees against a brute-force truth table

CODES = ("a", "b2", "Choice_3", "4_no")
SPACE = st.sampled_from(["", "", " ", "  ", "\t", "\n"])
# A test-side tree, independent of the module's nodes: ("code", name) | ("not", t) | ("and"|"or", t, t).
TREES = st.recursive(
    st.sampled_from(CODES).map(lambda code: ("code", code)),
    lambda children: st.one_of(
        children.map(lambda child: ("not", child)),
        st.tuples(st.sampled_from(["and", "or"]), children, children),
    ),
    max_leaves=12,
)
PRECEDENCE = {"or": 1, "and": 2, "not": 3, "code": 4}
OPERATOR = {"and": "&&", "or": "||"}
PROPERTY = settings(database=None, max_examples=300, deadline=None)


def truth(tree: tuple, selected: frozenset[str]) -> bool:
    kind = tree[0]
    if kind == "code":
        return tree[1] in selected
    if kind == "not":
        return not truth(tree[1], selected)
    left, right = truth(tree[1], selected), truth(tree[2], selected)
    return (left and right) if kind == "and" else (left or right)


def tree_codes(tree: tuple) -> set[str]:
    if tree[0] == "code":
        return {tree[1]}
    return set().union(*(tree_codes(child) for child in tree[1:]))


def every_subset() -> list[frozenset[str]]:
    return [frozenset(chosen) for size in range(len(CODES) + 1) for chosen in itertools.combinations(CODES, size)]


@st.composite
def rendered(draw: st.DrawFn, tree: tuple, outer: int = 0) -> str:
    """Text for a tree, with random spacing and parentheses: needed ones always, redundant ones sometimes."""
    kind = tree[0]
    if kind == "code":
        text = tree[1]
    elif kind == "not":
        # A child binding looser than its parent needs parentheses; "!!a" and "a && b && c" need none.
        text = "!" + draw(SPACE) + draw(rendered(tree[1], PRECEDENCE["not"] - 1))
    else:
        left = draw(rendered(tree[1], PRECEDENCE[kind] - 1))
        right = draw(rendered(tree[2], PRECEDENCE[kind] - 1))
        text = left + draw(SPACE) + OPERATOR[kind] + draw(SPACE) + right
    if PRECEDENCE[kind] <= outer or draw(st.integers(0, 4)) == 0:
        text = "(" + draw(SPACE) + text + draw(SPACE) + ")"
    return draw(SPACE) + text + draw(SPACE)


@st.composite
def trees_with_text(draw: st.DrawFn) -> tuple[tuple, str]:
    tree = draw(TREES)
    return tree, draw(rendered(tree))


@PROPERTY
@given(trees_with_text())
def test_a_parsed_condition_agrees_with_its_truth_table(tree_and_text: tuple[tuple, str]) -> None:
    tree, text = tree_and_text
    node = parse(text)
    assert [node.is_true(chosen) for chosen in every_subset()] == [truth(tree, chosen) for chosen in every_subset()]


@PROPERTY
@given(trees_with_text())
def test_evaluate_agrees_with_the_truth_table(tree_and_text: tuple[tuple, str]) -> None:
    tree, text = tree_and_text
    rules = [(text, NO_RISK), ("default", MEDIUM_RISK)]
    for chosen in every_subset():
        assert evaluate(rules, chosen) == (NO_RISK if truth(tree, chosen) else MEDIUM_RISK)


@PROPERTY
@given(trees_with_text())
def test_condition_codes_are_the_codes_in_the_tree(tree_and_text: tuple[tuple, str]) -> None:
    tree, text = tree_and_text
    assert condition_codes(text) == tree_codes(tree)


@PROPERTY
@given(st.text(alphabet="ab_1 &|!()$", max_size=30))
def test_any_text_parses_or_raises_a_rule_error_with_a_column_inside_it(text: str) -> None:
    try:
        parse(text)
    except RuleError as error:
        assert error.column is None or 1 <= error.column <= len(text) + 1


# The published sample lenses

# CI clones the project with shared/ beside it, as it is beside this checkout.
SAMPLES = Path(django_settings.BASE_DIR).parent / "shared" / "lens-samples"
SAMPLE_CONDITION_COUNTS = {
    "AWS-Passport_Passport-Custom-Lens.json": 33,
    "Amazon-S3-Lens_Amazon_S3_Lens.json": 84,
    "DynamoDB_custom-lensddb-v1.0.json": 130,
    "ORR-Lens_ORR-Whitepaper-Sample-PUBLISHED.json": 40,
}


def sample_questions(name: str) -> list[dict]:
    lens = json.loads((SAMPLES / name).read_text(encoding="utf-8"))
    return [question for pillar in lens["pillars"] for question in pillar["questions"]]


def sample_rules(name: str) -> list[tuple[dict, dict]]:
    return [(question, rule) for question in sample_questions(name) for rule in question.get("riskRules", [])]


@pytest.mark.parametrize(("name", "count"), SAMPLE_CONDITION_COUNTS.items())
def test_every_sample_condition_is_counted(name: str, count: int) -> None:
    assert len(sample_rules(name)) == count


@pytest.mark.parametrize("name", SAMPLE_CONDITION_COUNTS)
def test_every_sample_condition_names_only_choices_of_its_own_question(name: str) -> None:
    problems = []
    for question, rule in sample_rules(name):
        try:
            check_condition(rule["condition"], {choice["id"] for choice in question["choices"]})
        except RuleError as error:
            problems.append(f"{question['id']}: {rule['condition']!r}: {error}")
    assert problems == []


@pytest.mark.parametrize("name", SAMPLE_CONDITION_COUNTS)
def test_every_sample_question_evaluates_for_every_answer(name: str) -> None:
    for question in sample_questions(name):
        rules = [(rule["condition"], rule["risk"]) for rule in question["riskRules"]]
        codes = [choice["id"] for choice in question["choices"]]
        # Two extremes and each single choice: enough to reach every rule's parse and risk check.
        answers = [set(), set(codes), *({code} for code in codes)]
        assert {evaluate(rules, answer) for answer in answers} <= set(RISKS)


def test_the_samples_use_every_operator() -> None:
    conditions = [rule["condition"] for name in SAMPLE_CONDITION_COUNTS for _, rule in sample_rules(name)]
    nodes = [parse(condition) for condition in conditions]
    used = {type(node) for node in nodes} | {type(operand) for node in nodes for operand in walk(node)}
    assert {Always, Choice, Not, And, Or} <= used


def walk(node: object) -> list[object]:
    children = list(getattr(node, "operands", ())) + ([node.operand] if isinstance(node, Not) else [])
    return children + [grandchild for child in children for grandchild in walk(child)]
