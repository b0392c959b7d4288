"""Moving a review across a merged practice that needs every practice it replaces (`Choice.replaces_needs_all`):
it is credited only when every one was ticked or did not apply, and otherwise left for a person to confirm.

The last tests run the shipped v2 → v3 mapping through `carry`, over every partial set of sources of every
practice that needs them all, and over every basic of v3."""

import html
import itertools
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from tests.reviews.test_upgrade_mapping import MARK, OTHER_MARK, answer, answers_of, in_lens, move
from wareview.lenses.models import Lens, Question
from wareview.lenses.services import lens_new_draft, lens_publish
from wareview.reviews import upgrade
from wareview.reviews.merging import AnswerState
from wareview.reviews.models import Answer, AnswerChange, AnswerRisk
from wareview.reviews.services import review_start
from wareview.workloads.models import Workload

pytestmark = pytest.mark.django_db

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
SLUG = "performance-efficiency"


@pytest.fixture
def strict_merge(cast) -> Lens:
    """v2 of the cast's lens: Q_02 takes over Q_03 (removed), and its practice c merges Q_02's practice c and
    Q_03's practice a, credited only when both were met."""
    draft = lens_new_draft(lens=cast.lens)
    Question.objects.filter(pillar__lens=draft, code="Q_02").update(replaces=["Q_02", "Q_03"])
    in_lens(draft).filter(code="q_02_c").update(replaces=["Q_02/q_02_c", "Q_03/q_03_a"], replaces_needs_all=True)
    Question.objects.filter(pillar__lens=draft, code="Q_03").delete()
    return lens_publish(lens=draft)


def test_a_strict_merge_is_ticked_when_every_practice_it_replaces_was(cast, strict_merge):
    answer(cast.review, "Q_02", cast.owner, selected=["q_02_a", "q_02_b", "q_02_c"])
    answer(cast.review, "Q_03", cast.owner, selected=["q_03_a"])

    moved = move(cast, strict_merge)["Q_02"]

    assert moved.selected == ["q_02_a", "q_02_b", "q_02_c"]
    assert moved.risk == AnswerRisk.NONE
    assert "needs confirmation" not in AnswerChange.objects.get(answer=moved, note__startswith="moved").note


def test_a_strict_merge_with_only_some_ticked_is_left_unticked_and_the_history_says_why(cast, strict_merge):
    answer(cast.review, "Q_02", cast.owner, selected=["q_02_a", "q_02_b", "q_02_c"])
    answer(cast.review, "Q_03", cast.owner, selected=["q_03_b"])

    moved = move(cast, strict_merge)["Q_02"]

    assert moved.selected == ["q_02_a", "q_02_b"]
    assert moved.practices_not_applicable == {}
    change = AnswerChange.objects.get(answer=moved, note__startswith="moved")
    assert change.note == (
        "moved from lens v1 to v2, taking over Q_02, Q_03; needs confirmation: only q_02_c of q_02_c, q_03_a was ticked"
    )


def test_a_strict_merge_counts_a_practice_that_did_not_apply_as_met(cast, strict_merge):
    answer(cast.review, "Q_02", cast.owner, selected=["q_02_c"])
    answer(cast.review, "Q_03", cast.owner, selected=["q_03_b"], practices_not_applicable={"q_03_a": MARK})

    moved = move(cast, strict_merge)["Q_02"]

    assert moved.selected == ["q_02_c"]
    assert moved.practices_not_applicable == {}


def test_a_strict_merge_is_marked_only_when_every_practice_it_replaces_was_marked(cast, strict_merge):
    answer(cast.review, "Q_02", cast.owner, selected=["q_02_a"], practices_not_applicable={"q_02_c": OTHER_MARK})
    answer(cast.review, "Q_03", cast.owner, selected=["q_03_b"], practices_not_applicable={"q_03_a": MARK})

    moved = move(cast, strict_merge)["Q_02"]

    assert moved.selected == ["q_02_a"]
    assert moved.practices_not_applicable == {"q_02_c": OTHER_MARK}


def test_one_mark_and_one_practice_not_followed_give_a_strict_merge_nothing(cast, strict_merge):
    answer(cast.review, "Q_02", cast.owner, selected=["q_02_a"], practices_not_applicable={"q_02_c": OTHER_MARK})
    answer(cast.review, "Q_03", cast.owner, selected=["q_03_b"])

    plan = upgrade.review_upgrade_plan(review=cast.review, target=strict_merge)
    moved = move(cast, strict_merge)["Q_02"]

    assert moved.selected == ["q_02_a"] and moved.practices_not_applicable == {}
    assert plan.to_confirm == []


def test_the_preview_lists_the_strict_merges_that_need_confirmation(client, cast, strict_merge):
    answer(cast.review, "Q_03", cast.owner, selected=["q_03_a"])
    client.force_login(cast.viewer)

    response = client.get(reverse("reviews:upgrade", args=[cast.review.pk, strict_merge.pk]))

    body = html.unescape(response.content.decode())
    listed = body.split(">Needs confirmation (1)")[1].split("</ul>")[0]
    assert "Q_02: Q_02 practice c" in listed
    assert "needs confirmation: only q_03_a of q_02_c, q_03_a was ticked" in listed


def test_the_preview_has_no_confirmation_section_when_every_strict_merge_is_met(client, cast, strict_merge):
    client.force_login(cast.viewer)

    body = client.get(reverse("reviews:upgrade", args=[cast.review.pk, strict_merge.pk])).content.decode()

    assert "Needs confirmation" not in body


@pytest.fixture
def always_applies(cast) -> Lens:
    """v2 of the cast's lens in which Q_01's practice a always applies."""
    draft = lens_new_draft(lens=cast.lens)
    in_lens(draft).filter(code="q_01_a").update(always_applies=True)
    return lens_publish(lens=draft)


def test_a_does_not_apply_mark_is_not_carried_onto_a_practice_that_always_applies(cast, always_applies):
    answer(
        cast.review, "Q_01", cast.owner, selected=["q_01_b"], practices_not_applicable={"q_01_a": MARK, "q_01_c": MARK}
    )

    plan = upgrade.review_upgrade_plan(review=cast.review, target=always_applies)
    moved = move(cast, always_applies)["Q_01"]

    assert moved.selected == ["q_01_b"]
    assert moved.practices_not_applicable == {"q_01_c": MARK}
    message = 'needs confirmation: q_01_a always applies, so the "does not apply" mark of q_01_a was not carried'
    assert [item.message for item in plan.to_confirm] == [message]
    assert (
        AnswerChange.objects.get(answer=moved, note__startswith="moved").note == f"moved from lens v1 to v2; {message}"
    )


def test_a_tick_still_carries_onto_a_practice_that_always_applies(cast, always_applies):
    answer(cast.review, "Q_01", cast.owner, selected=["q_01_a"])

    plan = upgrade.review_upgrade_plan(review=cast.review, target=always_applies)

    assert move(cast, always_applies)["Q_01"].selected == ["q_01_a"]
    assert plan.to_confirm == []


# The shipped v2 → v3 mapping


@pytest.fixture
def shipped_step() -> tuple[upgrade.LensShape, upgrade.LensShape, upgrade.Step]:
    call_command("load_question_sets", str(FIXTURES / "performance_efficiency_v2.json"), verbosity=0)
    call_command("load_question_sets", str(FIXTURES / "performance_efficiency_v3.json"), verbosity=0)
    v2, v3 = Lens.objects.get(slug=SLUG, version=2), Lens.objects.get(slug=SLUG, version=3)
    shapes = upgrade.lens_shapes(lenses=[v2, v3])
    old, new = shapes[v2.pk], shapes[v3.pk]
    return old, new, upgrade.mapping_step(old=old, new=new)


def states_for(ticked: set[tuple[str, str]], marked: set[tuple[str, str]]) -> dict[str, AnswerState]:
    questions = {question for question, _ in ticked | marked}
    return {
        question: AnswerState(
            selected=[code for q, code in ticked if q == question],
            practices_not_applicable={code: MARK for q, code in marked if q == question},
        )
        for question in questions
    }


def carried(shipped_step, question: str, code: str, ticked: set, marked: set = frozenset()) -> AnswerState:
    old, new, step = shipped_step
    return upgrade.carry(states=states_for(set(ticked), set(marked)), old=old, new=new, step=step)[question]


def strict_practices(shipped_step) -> list[tuple[str, str, tuple]]:
    _, new, step = shipped_step
    return [
        (question, choice.code, step.practices[question, choice.code])
        for question, shape in new.questions.items()
        for choice in shape.choices
        if choice.needs_all
    ]


def test_v3_has_strict_merges_and_each_names_at_least_two_practices_of_v2(shipped_step):
    strict = strict_practices(shipped_step)

    assert {code for _, code, _ in strict} == {
        "perf01_managed_services",
        "perf02_sized_from_data",
        "perf14_pools",
        "perf07_auto_perf_tests",
    }
    assert all(len(sources) >= 2 for _, _, sources in strict)


def test_no_partial_set_of_sources_credits_a_strict_v3_practice(shipped_step):
    wrong = []
    for question, code, sources in strict_practices(shipped_step):
        for size in range(len(sources)):
            for ticked in itertools.combinations(sources, size):
                state = carried(shipped_step, question, code, set(ticked))
                if code in state.selected or code in state.practices_not_applicable:
                    wrong.append((code, ticked))

    assert wrong == []


def test_every_source_ticked_or_not_applying_credits_a_strict_v3_practice(shipped_step):
    for question, code, sources in strict_practices(shipped_step):
        assert code in carried(shipped_step, question, code, set(sources)).selected, code
        for size in range(1, len(sources)):
            for ticked in itertools.combinations(sources, size):
                rest = set(sources) - set(ticked)
                assert code in carried(shipped_step, question, code, set(ticked), rest).selected, (code, ticked)


def test_a_v2_answer_credits_a_basic_of_v3_only_when_it_met_everything_the_basic_replaces(shipped_step):
    """Basics of v3 are the practices its HIGH_RISK rules name; a v2 answer may tick one only by ticking every v2
    practice it takes over."""
    _, new, step = shipped_step
    checked = 0
    for question, shape in new.questions.items():
        high = next(condition for condition, risk in shape.rules if risk == "HIGH_RISK")
        for choice in shape.choices:
            if choice.is_none or choice.code not in re.findall(r"\w+", high):
                continue
            sources = step.practices[question, choice.code]
            for size in range(len(sources) + 1):
                for ticked in itertools.combinations(sources, size):
                    credited = choice.code in carried(shipped_step, question, choice.code, set(ticked)).selected
                    assert credited == (size == len(sources) > 0), (choice.code, ticked)
            checked += 1

    assert checked == 25


def test_no_v2_mark_waives_a_v3_practice_that_always_applies(shipped_step):
    _, new, step = shipped_step
    always = [
        (question, choice.code, step.practices[question, choice.code])
        for question, shape in new.questions.items()
        for choice in shape.choices
        if choice.always_applies
    ]
    waived = [
        code
        for question, code, sources in always
        if sources and code in carried(shipped_step, question, code, set(), set(sources)).practices_not_applicable
    ]

    assert len(always) == 13
    assert waived == []


def test_a_review_on_the_shipped_v2_with_one_source_of_each_merge_moves_to_v3_without_those_credits(cast, client):
    call_command("load_question_sets", str(FIXTURES / "performance_efficiency_v2.json"), verbosity=0)
    call_command("load_question_sets", str(FIXTURES / "performance_efficiency_v3.json"), verbosity=0)
    v2, v3 = Lens.objects.get(slug=SLUG, version=2), Lens.objects.get(slug=SLUG, version=3)
    workload = Workload.objects.create(team=cast.team, name="Shop", created_by=cast.owner)
    review = review_start(workload=workload, lens=v2, user=cast.owner)
    left_out = {"perf05_managed", "perf02_function_sizing", "perf13_connections", "perf08_thresholds"}
    for saved in Answer.objects.filter(review=review).select_related("question"):
        practices = saved.question.choices.filter(is_none=False).exclude(code__in=left_out)
        answer(review, saved.question.code, cast.owner, selected=[c.code for c in practices])

    client.force_login(cast.viewer)
    preview = html.unescape(client.get(reverse("reviews:upgrade", args=[review.pk, v3.pk])).content.decode())
    upgrade.review_upgrade(review=review, target=v3, user=cast.owner)
    moved = answers_of(review)

    strict = {"perf01_managed_services", "perf02_sized_from_data", "perf14_pools", "perf07_auto_perf_tests"}
    ticked = {code for answer_ in moved.values() for code in answer_.selected}
    assert ticked & strict == set()
    assert {"perf01_requirements", "perf16_timeouts", "perf09_slo_alerts"} <= ticked
    assert ">Needs confirmation (4)" in preview
    assert "needs confirmation: only perf14_pools of perf14_pools, perf13_connections was ticked" in preview
    note = AnswerChange.objects.get(answer=moved["PERF_07"], note__startswith="moved").note
    assert note == (
        "moved from lens v2 to v3, with practices from PERF_08; needs confirmation: only perf07_auto_perf_tests of "
        "perf07_auto_perf_tests, "
        "perf08_thresholds was ticked"
    )
