"""The plan's order comes from keys kept on its items: the same as the report's on a review of the shipped lens, in
step as answers change risk and as the review moves to a new lens version, and a page costs the same queries for
30 items as for 400."""

import csv
import io
import random
import re
from dataclasses import replace
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils.text import slugify

from tests.factories import build_lens
from tests.plans.helpers import plan_url, practices_listed
from tests.reports.helpers import answer, start_review
from wareview.lenses.models import Lens
from wareview.plans import selectors, services
from wareview.plans.models import NOT_RECOMMENDED, ImprovementItem
from wareview.reviews.models import Answer, AnswerRisk
from wareview.reviews.services import AnswerState, answer_save
from wareview.reviews.upgrade import review_upgrade

pytestmark = pytest.mark.django_db

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
MARK = {"reason": "out_of_scope", "note": ""}


def shipped_lens(version: int = 1) -> Lens:
    name = "performance_efficiency.json" if version == 1 else f"performance_efficiency_v{version}.json"
    call_command("load_question_sets", str(FIXTURES / name), verbosity=0)
    return Lens.objects.get(slug="performance-efficiency", version=version)


def save(review, code: str, user, **state) -> None:
    current = Answer.objects.get(review=review, question__code=code)
    answer_save(answer=current, user=user, data=AnswerState(**state), expected_version=current.version)


def answer_at_random(review, user, *, seed: int) -> None:
    """Answer every question as a team might: some practices ticked, some marked as not applying, now and then
    "None of these" or a question that does not apply."""
    rng = random.Random(seed)
    for current in Answer.objects.filter(review=review).select_related("question").order_by("pk"):
        choices = list(current.question.choices.order_by("order"))
        practices = [choice.code for choice in choices if not choice.is_none]
        nones = [choice.code for choice in choices if choice.is_none]
        roll = rng.random()
        if roll < 0.1:
            save(review, current.question.code, user, not_applicable=True, reason="out_of_scope")
        elif roll < 0.2 and nones:
            save(review, current.question.code, user, selected=nones[:1])
        else:
            ticked = rng.sample(practices, rng.randint(1, max(1, len(practices) - 1)))
            rest = [code for code in practices if code not in ticked]
            marks = {code: MARK for code in rest[:1] if rng.random() < 0.3}
            save(review, current.question.code, user, selected=ticked, practices_not_applicable=marks)


def by_the_report(review) -> list[tuple[str, str, int | None]]:
    """The plan as the report orders it (`selectors.review_plan`, built from the whole report)."""
    the_plan = selectors.review_plan(review=review, data=selectors.plan_source(review=review))
    return [(entry.item.question_code, entry.item.practice_code, entry.position) for entry in the_plan.entries]


def by_the_keys(review) -> list[tuple[str, str, int | None]]:
    """The plan as its page orders it: the items by the keys kept on them."""
    return [(item.question_code, item.practice_code, item.position) for item in selectors.plan_items(review=review)]


@pytest.fixture
def shipped_review(cast):
    review = start_review(team=cast.team, user=cast.owner, lens=shipped_lens(), name="Shipped lens")
    answer_at_random(review, cast.owner, seed=7)
    services.plan_sync(review=review, start=True)
    return review


def test_on_a_shipped_lens_review_the_keys_give_the_reports_order_and_numbers(shipped_review):
    order = by_the_keys(shipped_review)
    assert len(order) > 15
    assert order == by_the_report(shipped_review)


def test_done_items_no_longer_recommended_follow_in_lens_order(shipped_review, cast):
    ticked = list(selectors.plan_items(review=shipped_review)[:6])[::2]
    for item in ticked:  # the practice followed: its item is done and no longer recommended
        current = Answer.objects.get(review=shipped_review, question__code=item.question_code)
        state = replace(current.answer_state(), selected=[*current.selected, item.practice_code])
        answer_save(answer=current, user=cast.owner, data=state, expected_version=current.version)
    order = by_the_keys(shipped_review)
    assert order == by_the_report(shipped_review)
    done = [(question, practice) for question, practice, position in order if position is None]
    assert sorted(done) == sorted((item.question_code, item.practice_code) for item in ticked)


def test_an_answer_that_changes_risk_moves_its_items_in_the_plan(shipped_review, cast):
    item = selectors.plan_items(review=shipped_review).filter(risk=AnswerRisk.MEDIUM).last()
    sheet_codes = list(
        Answer.objects.get(review=shipped_review, question__code=item.question_code)
        .question.choices.filter(is_none=True)
        .values_list("code", flat=True)
    )
    save(shipped_review, item.question_code, cast.owner, selected=sheet_codes)  # "None of these": high risk
    item.refresh_from_db()
    assert (item.risk, item.plan_rank) == (AnswerRisk.HIGH, 0)
    assert by_the_keys(shipped_review) == by_the_report(shipped_review)
    save(shipped_review, item.question_code, cast.owner, not_applicable=True, reason="out_of_scope")
    item.refresh_from_db()
    assert (item.risk, item.plan_rank) == (AnswerRisk.NOT_APPLICABLE, NOT_RECOMMENDED)
    assert by_the_keys(shipped_review) == by_the_report(shipped_review)


def test_a_practice_marked_as_not_applying_leaves_the_plan_and_comes_back_unmarked(client, cast):
    answer(cast.review, "Q_01", "no")  # high risk: a, b and c recommended
    client.force_login(cast.owner)
    client.get(plan_url(cast.review))
    save(cast.review, "Q_01", cast.owner, selected=["q_01_no"], practices_not_applicable={"q_01_c": MARK})
    assert practices_listed(client.get(plan_url(cast.review)).content.decode()) == [
        "Q_01 practice a",
        "Q_01 practice b",
    ]
    save(cast.review, "Q_01", cast.owner, selected=["q_01_no"])
    body = client.get(plan_url(cast.review)).content.decode()
    assert practices_listed(body) == ["Q_01 practice a", "Q_01 practice b", "Q_01 practice c"]


def test_a_question_newly_at_risk_gets_its_items_in_the_plans_order(client, cast):
    answer(cast.review, "Q_01", "a")
    client.force_login(cast.owner)
    client.get(plan_url(cast.review))  # the plan starts
    answer(cast.review, "Q_03", "no")  # high risk: three items, before Q_01's
    assert ImprovementItem.objects.filter(review=cast.review, question_code="Q_03").count() == 3
    assert by_the_keys(cast.review) == by_the_report(cast.review)
    assert practices_listed(client.get(plan_url(cast.review)).content.decode())[:3] == [
        "Q_03 practice a",
        "Q_03 practice b",
        "Q_03 practice c",
    ]


def test_no_item_is_written_before_the_plan_is_first_read(cast):
    answer(cast.review, "Q_01", "a")
    answer(cast.review, "Q_02", "no")
    assert not ImprovementItem.objects.filter(review=cast.review).exists()


def test_the_keys_follow_the_review_to_a_new_lens_version(shipped_review, cast):
    shipped_lens(2)
    review_upgrade(
        review=shipped_review, target=Lens.objects.get(slug="performance-efficiency", version=2), user=cast.owner
    )
    shipped_review.refresh_from_db()
    assert shipped_review.lens.version == 2
    assert by_the_keys(shipped_review) == by_the_report(shipped_review)


def test_the_csv_lists_the_items_in_the_reports_order(client, shipped_review, cast):
    client.force_login(cast.owner)
    body = client.get(f"/reviews/{shipped_review.pk}/plan.csv").content.decode()
    rows = [(row["Labels"].split()[-1], row["Summary"]) for row in csv.DictReader(io.StringIO(body))]
    the_plan = selectors.review_plan(review=shipped_review, data=selectors.plan_source(review=shipped_review))
    to_do = the_plan.filtered(status=selectors.TO_DO)
    assert len(rows) > 15
    assert rows == [
        (slugify(entry.recommendation.question.code), entry.recommendation.practice.title) for entry in to_do
    ]


def plan_of(cast, questions: int):
    """A review whose plan holds two items for each of `questions` questions (each at medium risk), read once."""
    lens = build_lens(questions_per_area=questions // 5, areas=5)
    review = start_review(team=cast.team, user=cast.owner, lens=lens, name=f"{questions} questions")
    answers = list(Answer.objects.filter(review=review).select_related("question"))
    for current in answers:
        current.selected, current.risk = [f"{current.question.code.lower()}_a"], AnswerRisk.MEDIUM
    Answer.objects.bulk_update(answers, ["selected", "risk"])
    services.plan_sync(review=review, start=True)
    return review


@pytest.mark.parametrize("questions", [15, 200])
def test_a_page_of_the_plan_takes_the_same_queries_for_30_and_400_items(
    client, cast, questions, django_assert_num_queries
):
    from tests.plans.test_plan_page import PLAN_PAGE_QUERIES

    review = plan_of(cast, questions)
    assert ImprovementItem.objects.filter(review=review).count() == 2 * questions
    client.force_login(cast.viewer)
    with django_assert_num_queries(PLAN_PAGE_QUERIES):
        body = client.get(plan_url(review, page=2 if questions > 25 else 1)).content.decode()
    assert len(practices_listed(body)) == min(25, 2 * questions - (25 if questions > 25 else 0))
    with django_assert_num_queries(PLAN_PAGE_QUERIES):
        client.get(plan_url(review, status="open", owner="none", risk=AnswerRisk.MEDIUM))


def test_items_written_before_the_plan_kept_keys_get_them_on_the_plans_next_read(client, cast, shipped_review):
    # As an upgrade leaves the items of a plan started before: no keys written.
    ImprovementItem.objects.filter(review=shipped_review).update(risk="", plan_rank=None, priority=None)
    first = ImprovementItem.objects.filter(review=shipped_review).order_by("pk").first()
    save(shipped_review, first.question_code, cast.owner, selected=[])  # a save leaves a keyless item keyless
    assert ImprovementItem.objects.filter(review=shipped_review, plan_rank=None).count() > 15
    client.force_login(cast.viewer)
    body = client.get(plan_url(shipped_review)).content.decode()
    assert not ImprovementItem.objects.filter(review=shipped_review, plan_rank=None).exists()
    expected = by_the_report(shipped_review)
    assert by_the_keys(shipped_review) == expected
    assert len(re.findall(r'<tr id="item-\d+"', body)) == min(25, len(expected))
