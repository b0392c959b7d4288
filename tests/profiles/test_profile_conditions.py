"""The profile's facts and conditions, alone: no database."""

from wareview.profiles.conditions import (
    ProfileOption,
    ProfileQuestionSpec,
    condition_holds,
    first_questions,
    not_in_profile_reason,
    profile_facts,
)

CACHE = ProfileQuestionSpec(code="keeps_cache", title="Does the workload keep a cache?")
FAAS = ProfileQuestionSpec(code="runs_functions", title="Does it run functions?")
USERS = ProfileQuestionSpec(
    code="users",
    title="Where are its users?",
    options=(ProfileOption("one_region", "In one region"), ProfileOption("many_regions", "In several regions")),
)
QUESTIONS = [CACHE, FAAS, USERS]


def test_the_facts_are_the_questions_answered_yes_and_the_chosen_options():
    answers = {"keeps_cache": True, "runs_functions": False, "users": "many_regions"}
    assert profile_facts(answers) == {"keeps_cache", "many_regions"}


def test_a_condition_holds_or_not_after_the_answers():
    answers = {"keeps_cache": False, "users": "one_region"}
    assert condition_holds("keeps_cache", answers=answers, questions=QUESTIONS) is False
    assert condition_holds("!keeps_cache && one_region", answers=answers, questions=QUESTIONS) is True
    assert condition_holds("keeps_cache || many_regions", answers=answers, questions=QUESTIONS) is False


def test_a_condition_naming_an_unanswered_question_decides_nothing():
    answers = {"keeps_cache": True}
    assert condition_holds("keeps_cache && runs_functions", answers=answers, questions=QUESTIONS) is None
    assert condition_holds("many_regions", answers=answers, questions=QUESTIONS) is None


def test_a_condition_naming_an_unknown_fact_or_malformed_decides_nothing():
    answers = {"keeps_cache": True}
    assert condition_holds("keeps_cache && has_gpu", answers=answers, questions=QUESTIONS) is None
    assert condition_holds("keeps_cache &&", answers=answers, questions=QUESTIONS) is None


def test_the_reason_names_the_answer_that_made_the_condition_false():
    answers = {"keeps_cache": False, "users": "one_region"}
    reason = not_in_profile_reason("keeps_cache", answers=answers, questions=QUESTIONS)
    assert reason == "Not in this workload's profile: Does the workload keep a cache? — No"
    reason = not_in_profile_reason("many_regions", answers=answers, questions=QUESTIONS)
    assert reason == "Not in this workload's profile: Where are its users? — In one region"


def test_the_reason_of_a_false_and_names_only_its_false_parts():
    answers = {"keeps_cache": True, "runs_functions": True, "users": "one_region"}
    reason = not_in_profile_reason("keeps_cache && many_regions", answers=answers, questions=QUESTIONS)
    assert reason == "Not in this workload's profile: Where are its users? — In one region"
    reason = not_in_profile_reason("!keeps_cache || many_regions", answers=answers, questions=QUESTIONS)
    assert reason.endswith("Does the workload keep a cache? — Yes; Where are its users? — In one region")


def test_a_long_reason_is_cut_to_the_notes_limit():
    long = ProfileQuestionSpec(code="keeps_cache", title="Does the workload keep " + "a very large " * 30 + "cache?")
    reason = not_in_profile_reason("keeps_cache", answers={"keeps_cache": False}, questions=[long], limit=200)
    assert len(reason) == 200 and reason.endswith("…")


def test_the_questions_asked_first_are_those_whose_condition_holds():
    conditions = {"Q_01": "many_regions", "Q_02": "keeps_cache", "Q_03": "runs_functions"}
    answers = {"keeps_cache": True, "users": "many_regions"}
    assert first_questions(conditions, answers=answers, questions=QUESTIONS) == {"Q_01", "Q_02"}
