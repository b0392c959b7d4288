"""The prioritized recommendations, as pure functions of plain dataclasses: no database."""

from dataclasses import replace

from wareview.lib import risk_levels
from wareview.reports.data import Practice, QuestionFacts, principle_support
from wareview.reports.recommendations import quick_wins, recommendations_prioritize

HIGH_RISK = risk_levels.HIGH.value
MEDIUM_RISK = risk_levels.MEDIUM.value
NO_RISK = risk_levels.NONE.value
NOT_APPLICABLE = risk_levels.NOT_APPLICABLE.value
UNANSWERED = risk_levels.UNANSWERED.value


def practices(code: str, principles: dict[str, int] | None = None) -> tuple[Practice, ...]:
    """Practices <code>_a, _b, _c in that order, a "None of these", and `principles` supported per letter."""
    principles = principles or {}
    regular = tuple(
        Practice(
            code=f"{code}_{letter}",
            title=f"{code} {letter}",
            order=index,
            principles=frozenset(f"p{n}" for n in range(principles.get(letter, 0))),
        )
        for index, letter in enumerate("abc")
    )
    return (*regular, Practice(code=f"{code}_no", title="None of these", order=3, is_none=True))


def question(code: str, risk: str = HIGH_RISK, *, selected=(), area=((0, "area"),), order=0, **options):
    return QuestionFacts(
        code=code,
        title=f"Question {code}",
        risk=risk,
        practices=options.pop("practices", practices(code)),
        selected=frozenset(f"{code}_{letter}" for letter in selected),
        order=order,
        area_path=area,
        **options,
    )


def codes(questions) -> list[str]:
    return [item.practice.code for item in recommendations_prioritize(questions=questions)]


def question_codes(questions) -> list[str]:
    seen = []
    for item in recommendations_prioritize(questions=questions):
        if item.question.code not in seen:
            seen.append(item.question.code)
    return seen


def test_high_risk_questions_come_before_medium_risk_ones_whatever_the_lens_order():
    questions = [question("Q1", MEDIUM_RISK, order=1), question("Q2", HIGH_RISK, order=2)]
    assert question_codes(questions) == ["Q2", "Q1"]


def test_within_a_risk_level_focus_area_order_comes_before_question_order():
    questions = [
        question("Q1", order=1, area=((2, "late"),)),
        question("Q2", order=2, area=((1, "early"),)),
        question("Q3", order=3, area=((1, "early"),)),
    ]
    assert question_codes(questions) == ["Q2", "Q3", "Q1"]


def test_within_one_area_questions_follow_their_order_then_their_code():
    questions = [question("Q9", order=1), question("Q3", order=2), question("Q1", order=2)]
    assert question_codes(questions) == ["Q9", "Q1", "Q3"]


def test_a_nested_area_sorts_by_its_parents_order_first():
    selection, review = (1, "selection"), (2, "review")
    questions = [
        question("REVIEW", area=(review,)),
        question("STORAGE", area=(selection, (2, "storage"))),
        question("COMPUTE", area=(selection, (1, "compute"))),
    ]
    assert question_codes(questions) == ["COMPUTE", "STORAGE", "REVIEW"]


def test_a_parents_own_questions_come_before_those_of_its_children():
    parent = (1, "selection")
    questions = [question("CHILD", order=1, area=(parent, (0, "compute"))), question("PARENT", order=2, area=(parent,))]
    assert question_codes(questions) == ["PARENT", "CHILD"]


def test_areas_of_equal_order_are_told_apart_by_their_code_so_they_do_not_interleave():
    questions = [
        question("B1", order=1, area=((1, "beta"),)),
        question("A2", order=2, area=((1, "alpha"),)),
        question("B3", order=3, area=((1, "beta"),)),
    ]
    assert question_codes(questions) == ["A2", "B1", "B3"]


def test_questions_in_no_focus_area_come_after_every_area():
    questions = [question("LOOSE", order=0, area=()), question("PLACED", order=9, area=((9, "last"),))]
    assert question_codes(questions) == ["PLACED", "LOOSE"]


def test_pillar_order_comes_before_focus_area_order():
    questions = [question("P2", pillar_order=2, area=((0, "a"),)), question("P1", pillar_order=1, area=((5, "z"),))]
    assert question_codes(questions) == ["P1", "P2"]


def test_practices_supporting_more_design_principles_come_first_within_a_question():
    q = question("Q1", practices=practices("Q1", {"a": 1, "b": 0, "c": 2}))
    assert codes([q]) == ["Q1_c", "Q1_a", "Q1_b"]


def test_practices_supporting_as_many_principles_keep_their_order_in_the_question():
    q = question("Q1", practices=practices("Q1", {"a": 1, "b": 2, "c": 1}))
    assert codes([q]) == ["Q1_b", "Q1_a", "Q1_c"]


def test_within_a_risk_level_principle_support_comes_before_lens_order():
    first = question("Q1", order=1, practices=practices("Q1"))
    second = question("Q2", order=2, practices=practices("Q2", {"c": 5}))
    assert codes([second, first]) == ["Q2_c", "Q1_a", "Q1_b", "Q1_c", "Q2_a", "Q2_b"]


def rated(code: str, ratings: dict[str, tuple[str, str]]) -> tuple[Practice, ...]:
    """Practices <code>_a, _b, _c with (impact, effort) per letter; a letter not given has neither."""
    return tuple(
        Practice(code=f"{code}_{letter}", title=f"{code} {letter}", order=index, impact=impact, effort=effort)
        for index, letter in enumerate("abc")
        for impact, effort in [ratings.get(letter, ("", ""))]
    )


def test_quick_wins_come_first_within_a_risk_level_whatever_the_lens_order():
    first = question("Q1", order=1, practices=rated("Q1", {"a": ("low", "large"), "b": ("medium", "medium")}))
    second = question("Q2", order=2, practices=rated("Q2", {"c": ("high", "small")}))
    assert codes([first, second])[:3] == ["Q2_c", "Q1_b", "Q1_a"]


def test_impact_plus_effort_ranks_and_higher_impact_breaks_a_tie():
    practices_ = rated("Q1", {"a": ("medium", "medium"), "b": ("high", "large"), "c": ("low", "small")})
    assert codes([question("Q1", practices=practices_)]) == ["Q1_b", "Q1_a", "Q1_c"]


def test_practices_the_lens_rates_come_before_those_it_does_not():
    practices_ = rated("Q1", {"c": ("low", "large")})
    assert codes([question("Q1", practices=practices_)]) == ["Q1_c", "Q1_a", "Q1_b"]


def test_a_quick_win_at_medium_risk_still_comes_after_every_high_risk_recommendation():
    medium = question("Q1", MEDIUM_RISK, order=1, practices=rated("Q1", {"a": ("high", "small")}))
    high = question("Q2", HIGH_RISK, order=2, practices=rated("Q2", {}))
    assert codes([medium, high]) == ["Q2_a", "Q2_b", "Q2_c", "Q1_a", "Q1_b", "Q1_c"]


def test_quick_wins_are_the_high_impact_small_effort_recommendations_in_plan_order():
    first = question("Q1", order=1, practices=rated("Q1", {"a": ("high", "small"), "b": ("high", "medium")}))
    second = question("Q2", MEDIUM_RISK, order=2, practices=rated("Q2", {"c": ("high", "small")}))
    plan = recommendations_prioritize(questions=[second, first])
    assert [item.practice.code for item in quick_wins(plan)] == ["Q1_a", "Q2_c"]


def test_a_quick_win_the_team_wont_do_is_no_quick_win_but_stays_recommended():
    first = question("Q1", order=1, practices=rated("Q1", {"a": ("high", "small"), "b": ("high", "small")}))
    plan = [
        replace(item, plan_wont_do=item.practice.code == "Q1_a")
        for item in recommendations_prioritize(questions=[first])
    ]
    assert [item.practice.code for item in quick_wins(plan)] == ["Q1_b"]
    assert [item.practice.code for item in plan][:2] == ["Q1_a", "Q1_b"]


def test_the_none_of_these_choice_is_never_recommended():
    assert codes([question("Q1", selected=["no"])]) == ["Q1_a", "Q1_b", "Q1_c"]


def test_practices_already_followed_are_not_recommended():
    assert codes([question("Q1", MEDIUM_RISK, selected=["a", "c"])]) == ["Q1_b"]


def test_questions_at_no_risk_not_applicable_or_unanswered_give_no_recommendations():
    questions = [
        question("Q1", NO_RISK, selected=["a"]),
        question("Q2", NOT_APPLICABLE),
        question("Q3", UNANSWERED),
    ]
    assert codes(questions) == []


def test_a_recommendation_carries_the_guidance_and_link_of_its_practice():
    guided = Practice(code="Q1_a", title="Measure", improvement_text="Start small.", improvement_url="https://x.test")
    (item,) = recommendations_prioritize(questions=[question("Q1", practices=(guided,))])
    assert (item.practice.improvement_text, item.practice.improvement_url) == ("Start small.", "https://x.test")
    assert item.risk == HIGH_RISK


def test_principle_support_counts_followed_practices_out_of_those_supporting_each_principle():
    q1 = question("Q1", selected=["a"], practices=practices("Q1", {"a": 2, "b": 1}))
    q2 = question("Q2", UNANSWERED, practices=practices("Q2", {"a": 1}))
    skipped = question("Q3", NOT_APPLICABLE, practices=practices("Q3", {"a": 2}))
    support = principle_support(principles=[("p0", "First", ""), ("p1", "Second", "")], questions=[q1, q2, skipped])
    assert [(item.code, item.followed, item.total) for item in support] == [("p0", 1, 3), ("p1", 1, 1)]
    assert support[1].percent == 100
