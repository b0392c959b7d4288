"""Moving a review to a new lens version with an upgrade mapping: renamed, merged, split and dropped practices,
merged questions, the carry rules, the preview, history, query counts and moves across several versions."""

import html
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from tests.factories import ChoiceFactory, UserFactory, build_lens, build_question
from wareview.lenses.models import Choice, Lens, Question, RiskRule
from wareview.lenses.services import lens_new_draft, lens_publish
from wareview.reviews import upgrade
from wareview.reviews.models import Answer, AnswerChange, AnswerRisk, Review
from wareview.reviews.services import AnswerState, answer_save, review_start
from wareview.workloads.models import Workload

pytestmark = pytest.mark.django_db

MARK = {"reason": "out_of_scope", "note": "No such component here."}
OTHER_MARK = {"reason": "business_priorities", "note": ""}


def answer(review: Review, code: str, user, **state) -> None:
    saved = Answer.objects.get(review=review, question__code=code)
    answer_save(answer=saved, user=user, data=AnswerState(**state), expected_version=saved.version)


def answers_of(review: Review) -> dict[str, Answer]:
    return {a.question.code: a for a in Answer.objects.filter(review=review).select_related("question__pillar")}


def in_lens(lens: Lens):
    return Choice.objects.filter(question__pillar__lens=lens)


@pytest.fixture
def version_two(cast) -> Lens:
    """v2 of the cast's lens (Q_01…Q_04, practices a, b, c and "None of these" each): Q_01's practice a is
    renamed and its practice c dropped; Q_02 takes over Q_03 (removed), its practice c merging Q_03's practice a;
    Q_04's practice a is split into itself and a new practice d."""
    draft = lens_new_draft(lens=cast.lens)
    in_lens(draft).filter(code="q_01_a").update(code="q_01_first", title="Record the first practice")
    in_lens(draft).filter(code="q_01_first").update(replaces=["Q_01/q_01_a"])
    RiskRule.objects.filter(question__pillar__lens=draft, question__code="Q_01", order=1).update(
        condition="q_01_no || !q_01_first"
    )
    in_lens(draft).filter(code="q_01_c").delete()
    Question.objects.filter(pillar__lens=draft, code="Q_02").update(replaces=["Q_02", "Q_03"])
    in_lens(draft).filter(code="q_02_c").update(replaces=["Q_02/q_02_c", "Q_03/q_03_a"])
    Question.objects.filter(pillar__lens=draft, code="Q_03").delete()
    fourth = Question.objects.get(pillar__lens=draft, code="Q_04")
    ChoiceFactory(question=fourth, code="q_04_d", title="Q_04 practice a, its second half", replaces=["Q_04/q_04_a"])
    return lens_publish(lens=draft)


def move(cast, target: Lens) -> dict[str, Answer]:
    upgrade.review_upgrade(review=cast.review, target=target, user=cast.contributor)
    return answers_of(cast.review)


def preview(client, cast, target: Lens) -> str:
    client.force_login(cast.viewer)
    response = client.get(reverse("reviews:upgrade", args=[cast.review.pk, target.pk]))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def section(body: str, heading: str) -> str:
    """The page from a heading to the next heading."""
    return body.split(f">{heading}")[1].split("<h")[0]


def test_a_renamed_practice_keeps_its_tick(cast, version_two):
    answer(cast.review, "Q_01", cast.owner, selected=["q_01_a", "q_01_b"])
    moved = move(cast, version_two)["Q_01"]
    assert moved.selected == ["q_01_first", "q_01_b"]
    assert moved.risk == AnswerRisk.NONE


def test_a_merged_question_takes_over_both_answers_notes_joined_under_their_old_titles(cast, version_two):
    titles = dict(Question.objects.filter(pillar__lens=cast.lens).values_list("code", "title"))
    answer(cast.review, "Q_02", cast.owner, selected=["q_02_a"], notes="Autoscaling on CPU.")
    answer(cast.review, "Q_03", cast.owner, selected=["q_03_a"], notes="Reviewed in March.")
    moved = move(cast, version_two)
    assert "Q_03" not in moved
    assert moved["Q_02"].selected == ["q_02_a", "q_02_c"]  # q_02_c merges Q_03's practice a
    assert moved["Q_02"].risk == AnswerRisk.MEDIUM  # the new rules: practice b is missing
    assert moved["Q_02"].notes == (
        f"From Q_02 · {titles['Q_02']}\nAutoscaling on CPU.\n\nFrom Q_03 · {titles['Q_03']}\nReviewed in March."
    )


def test_merged_notes_leave_out_questions_without_notes(cast, version_two):
    title = Question.objects.get(pillar__lens=cast.lens, code="Q_03").title
    answer(cast.review, "Q_03", cast.owner, selected=["q_03_a"], notes="Only here.")
    assert move(cast, version_two)["Q_02"].notes == f"From Q_03 · {title}\nOnly here."


def test_a_split_practice_gives_its_tick_and_its_mark_to_each_new_practice(cast, version_two):
    answer(cast.review, "Q_04", cast.owner, selected=["q_04_a"])
    assert move(cast, version_two)["Q_04"].selected == ["q_04_a", "q_04_d"]


def test_a_mark_on_a_split_practice_marks_each_new_practice_with_its_reason_and_note(cast, version_two):
    answer(cast.review, "Q_04", cast.owner, selected=["q_04_b"], practices_not_applicable={"q_04_a": MARK})
    moved = move(cast, version_two)["Q_04"]
    assert moved.practices_not_applicable == {"q_04_a": MARK, "q_04_d": MARK}
    assert moved.risk == AnswerRisk.NONE  # a and d count as followed, b is ticked


def test_a_tick_on_one_merged_practice_beats_a_mark_on_another(cast, version_two):
    answer(cast.review, "Q_02", cast.owner, selected=["q_02_a"], practices_not_applicable={"q_02_c": MARK})
    answer(cast.review, "Q_03", cast.owner, selected=["q_03_a"])
    moved = move(cast, version_two)["Q_02"]
    assert moved.selected == ["q_02_a", "q_02_c"]
    assert moved.practices_not_applicable == {}


def test_the_first_mark_of_merged_practices_is_carried_when_none_is_ticked(cast, version_two):
    answer(cast.review, "Q_02", cast.owner, selected=["q_02_a"], practices_not_applicable={"q_02_c": MARK})
    answer(cast.review, "Q_03", cast.owner, selected=["q_03_b"], practices_not_applicable={"q_03_a": OTHER_MARK})
    assert move(cast, version_two)["Q_02"].practices_not_applicable == {"q_02_c": MARK}


def test_a_merged_question_does_not_apply_only_when_every_question_it_takes_over_did_not(cast, version_two):
    answer(cast.review, "Q_02", cast.owner, not_applicable=True, reason="architecture_constraints")
    answer(cast.review, "Q_03", cast.owner, not_applicable=True, reason="out_of_scope")
    moved = move(cast, version_two)["Q_02"]
    assert (moved.not_applicable, moved.reason, moved.risk) == (
        True,
        "architecture_constraints",
        AnswerRisk.NOT_APPLICABLE,
    )


def test_a_merged_question_applies_when_one_question_it_takes_over_applied(cast, version_two):
    answer(cast.review, "Q_02", cast.owner, not_applicable=True, reason="architecture_constraints")
    answer(cast.review, "Q_03", cast.owner, selected=["q_03_a"])
    moved = move(cast, version_two)["Q_02"]
    assert (moved.not_applicable, moved.reason, moved.selected) == (False, "", ["q_02_c"])


def test_a_question_taking_over_one_question_keeps_its_not_applicable_reason(cast, version_two):
    answer(cast.review, "Q_04", cast.owner, not_applicable=True, reason="business_priorities", notes="Later.")
    moved = move(cast, version_two)["Q_04"]
    assert (moved.not_applicable, moved.reason, moved.notes) == (True, "business_priorities", "Later.")


def test_none_of_these_is_dropped_when_a_merged_question_brings_a_tick(cast, version_two):
    answer(cast.review, "Q_02", cast.owner, selected=["q_02_no"])
    answer(cast.review, "Q_03", cast.owner, selected=["q_03_a"])
    assert move(cast, version_two)["Q_02"].selected == ["q_02_c"]


def test_none_of_these_carries_from_any_merged_question_when_nothing_else_is_ticked(cast, version_two):
    answer(cast.review, "Q_03", cast.owner, selected=["q_03_no"])
    moved = move(cast, version_two)["Q_02"]
    assert (moved.selected, moved.risk) == (["q_02_no"], AnswerRisk.HIGH)


def test_each_moved_answer_records_one_history_row_naming_what_it_took_over(cast, version_two):
    answer(cast.review, "Q_02", cast.owner, selected=["q_02_a"])
    answer(cast.review, "Q_03", cast.owner, selected=["q_03_a"])
    moved = move(cast, version_two)
    notes = {
        code: list(AnswerChange.objects.filter(answer=a, note__startswith="moved").values_list("note", flat=True))
        for code, a in moved.items()
    }
    assert notes == {
        "Q_01": ["moved from lens v1 to v2"],
        "Q_02": ["moved from lens v1 to v2, taking over Q_02, Q_03"],
        "Q_04": ["moved from lens v1 to v2"],
    }
    change = AnswerChange.objects.get(answer=moved["Q_02"], note__startswith="moved")
    assert change.before["selected"] == ["q_02_a"] and change.after["selected"] == ["q_02_a", "q_02_c"]
    assert change.changed_by == cast.contributor and change.version == moved["Q_02"].version


def test_the_preview_shows_which_old_questions_each_new_question_takes_over(client, cast, version_two):
    body = preview(client, cast, version_two)
    questions = section(body, "Questions")
    row = questions.split('<th scope="row">Q_02')[1].split("</tr>")[0]
    assert "Q_02 ·" in row and "Q_03 ·" in row and "Merges 2 answers; notes joined" in row
    assert "None." in section(body, "Removed questions (0)")


def test_the_preview_lists_practices_renamed_merged_split_and_dropped(client, cast, version_two):
    answer(cast.review, "Q_01", cast.owner, selected=["q_01_c"])
    body = preview(client, cast, version_two)
    renamed = section(body, "Renamed or moved (1)")
    assert "<li>Q_01: Q_01 practice a</li>" in renamed and "<li>Q_01: Record the first practice</li>" in renamed
    merged = section(body, "Merged (1)")
    assert "<li>Q_02: Q_02 practice c</li><li>Q_03: Q_03 practice a</li>" in merged
    split = section(body, "Split (1)")
    assert "<li>Q_04: Q_04 practice a</li><li>Q_04: Q_04 practice a, its second half</li>" in split
    dropped = section(body, "Dropped (3)")
    assert "Q_01: Q_01 practice c</th><td>Ticked: this is lost" in dropped
    assert "Q_03: Q_03 practice b</th><td>—" in dropped and "Q_03: Q_03 practice c" in dropped


def test_the_preview_warns_when_joined_notes_are_too_long_to_save_again(client, cast, version_two):
    answer(cast.review, "Q_02", cast.owner, notes="a" * 1500)
    answer(cast.review, "Q_03", cast.owner, notes="b" * 1500)
    assert "the joined notes of Q_02 are longer than" in preview(client, cast, version_two)


# Several versions


@pytest.fixture
def version_three(cast, version_two) -> Lens:
    """v3: Q_01's renamed practice is renamed again, and Q_01 takes over Q_02 as well."""
    draft = lens_new_draft(lens=version_two)
    Question.objects.filter(pillar__lens=draft, code="Q_01").update(replaces=["Q_01", "Q_02"])
    in_lens(draft).filter(code="q_01_first").update(code="q_01_one", replaces=["Q_01/q_01_first"])
    in_lens(draft).filter(code="q_01_b").update(replaces=["Q_01/q_01_b", "Q_02/q_02_c"])
    RiskRule.objects.filter(question__pillar__lens=draft, question__code="Q_01", order=1).update(
        condition="q_01_no || !q_01_one"
    )
    Question.objects.filter(pillar__lens=draft, code="Q_02").delete()
    return lens_publish(lens=draft)


def test_a_review_two_versions_behind_moves_through_each_mapping_in_turn(cast, version_three):
    answer(cast.review, "Q_01", cast.owner, selected=["q_01_a"], notes="Sized by hand.")
    answer(cast.review, "Q_03", cast.owner, selected=["q_03_a"], notes="From the old third question.")
    moved = move(cast, version_three)
    assert sorted(moved) == ["Q_01", "Q_04"]
    # q_01_a → q_01_first (v2) → q_01_one (v3); Q_03's practice a → q_02_c (v2) → q_01_b (v3)
    assert moved["Q_01"].selected == ["q_01_one", "q_01_b"]
    assert moved["Q_01"].risk == AnswerRisk.NONE
    assert "Sized by hand." in moved["Q_01"].notes and "From the old third question." in moved["Q_01"].notes
    assert moved["Q_01"].question.pillar.lens_id == version_three.pk
    change = AnswerChange.objects.get(answer=moved["Q_01"], note__startswith="moved")
    assert change.note == "moved from lens v1 to v3, taking over Q_01, Q_02, Q_03"


def test_the_preview_of_a_move_across_versions_names_the_versions_it_goes_through(client, cast, version_three):
    body = preview(client, cast, version_three)
    assert "The move goes through v2" in body
    row = section(body, "Questions").split('<th scope="row">Q_01')[1].split("</tr>")[0]
    assert all(f"{code} ·" in row for code in ("Q_01", "Q_02", "Q_03"))
    assert "<li>Q_01: Q_01 practice a</li>" in section(body, "Renamed or moved (1)")


def test_a_move_from_a_version_the_review_has_left_is_refused_and_changes_nothing(cast, version_two):
    stale = Review.objects.get(pk=cast.review.pk)
    upgrade.review_upgrade(review=cast.review, target=version_two, user=cast.owner)
    version_three = lens_publish(lens=lens_new_draft(lens=version_two))
    with pytest.raises(upgrade.UpgradeError, match="moved since"):
        upgrade.review_upgrade(review=stale, target=version_three, user=cast.owner)
    assert Review.objects.get(pk=cast.review.pk).lens == version_two


# Query counts


def answered_review_on(size: int) -> tuple[Review, Lens]:
    """A fully answered review on a lens of `size` questions, and a v2 that merges every second question."""
    lens = build_lens(questions_per_area=size, areas=1)
    owner = UserFactory()
    from wareview.teams.services import team_create

    workload = Workload.objects.create(team=team_create(name=f"Team {size}", user=owner), name="W", created_by=owner)
    review = review_start(workload=workload, lens=lens, user=owner)
    for saved in Answer.objects.filter(review=review).select_related("question"):
        code = saved.question.code.lower()
        saved.selected, saved.notes, saved.risk = [f"{code}_a"], "Notes.", AnswerRisk.MEDIUM
        saved.practices_not_applicable = {f"{code}_b": MARK}
        saved.save()
    draft = lens_new_draft(lens=lens)
    codes = sorted(Question.objects.filter(pillar__lens=draft).values_list("code", flat=True))
    for first, second in zip(codes[::2], codes[1::2], strict=False):
        Question.objects.filter(pillar__lens=draft, code=first).update(replaces=[first, second])
        Question.objects.filter(pillar__lens=draft, code=second).delete()
    return review, lens_publish(lens=draft)


@pytest.mark.parametrize("size", [5, 50])
def test_a_move_takes_as_many_queries_for_fifty_questions_as_for_five(django_assert_num_queries, size):
    review, target = answered_review_on(size)
    user = review.created_by
    # a savepoint; lock the review; the versions; their questions, practices and rules; lock the answers;
    # update the answers; the evidence of the answers taken over moved to their new rows; the answers no question
    # reuses, their evidence read (its files go after the commit), their history, their findings and themselves
    # deleted; insert history; save the review; whether its improvement plan has started (it has not: nothing
    # more); release the savepoint (no question is new, so no answer is inserted)
    with django_assert_num_queries(18):
        upgrade.review_upgrade(review=review, target=target, user=user)
    merged = Answer.objects.get(review=review, question__code="Q_01")
    assert (merged.selected, merged.practices_not_applicable) == (["q_01_a"], {"q_01_b": MARK})


@pytest.mark.parametrize("size", [5, 50])
def test_the_preview_takes_as_many_queries_for_fifty_questions_as_for_five(client, django_assert_num_queries, size):
    review, target = answered_review_on(size)
    client.force_login(review.created_by)
    # the session's user; the review; the target; the versions; their questions, practices and rules; answers
    with django_assert_num_queries(8):
        response = client.get(reverse("reviews:upgrade", args=[review.pk, target.pk]))
    assert "Merges 2 answers" in response.content.decode()


# The shipped question sets

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
V2_FIXTURE = FIXTURES / "performance_efficiency_v2.json"


def test_a_fully_answered_review_on_the_shipped_v1_moves_to_v2_with_its_answers_mapped(cast):
    call_command("loaddata", FIXTURES / "performance_efficiency.json", verbosity=0)
    call_command("loaddata", V2_FIXTURE, verbosity=0)
    v1 = Lens.objects.get(slug="performance-efficiency", version=1)
    v2 = Lens.objects.get(slug="performance-efficiency", version=2)
    call_command("check_lenses", slug="performance-efficiency", verbosity=0)  # the mapping names what v1 has
    workload = Workload.objects.create(team=cast.team, name="Shop", created_by=cast.owner)
    review = review_start(workload=workload, lens=v1, user=cast.owner)
    followed: dict[tuple[str, str], str] = {}
    for saved in Answer.objects.filter(review=review).select_related("question"):
        practices = [c for c in saved.question.choices.order_by("order") if not c.is_none]
        chosen = [c.code for c in practices[::2]]
        marked = {c.code: MARK for c in practices[1::4]}
        answer(review, saved.question.code, cast.owner, selected=chosen, practices_not_applicable=marked, notes="N.")
        followed |= {(saved.question.code, code): "ticked" for code in chosen}
        followed |= {(saved.question.code, code): "marked" for code in marked}
    plan = upgrade.review_upgrade_plan(review=review, target=v2)
    upgrade.review_upgrade(review=review, target=v2, user=cast.owner)
    moved = answers_of(review)
    assert set(moved) == set(Question.objects.filter(pillar__lens=v2).values_list("code", flat=True))
    assert all(a.question.pillar.lens_id == v2.pk for a in moved.values())
    carried = 0
    for (question, practice), was in followed.items():
        successors = plan.successors.get((question, practice), [])
        carried += bool(successors)
        for new_question, new_practice in successors:
            new = moved[new_question]
            if was == "ticked":  # a tick always carries; a mark does unless a tick wins over it
                assert new_practice in new.selected, (question, practice, new_question, new_practice)
            else:
                assert new_practice in new.selected or new_practice in new.practices_not_applicable
    assert carried >= len(followed) / 2, f"only {carried} of {len(followed)} answered v1 practices carry to v2"
    assert all("N." in moved[code].notes for code, sources in plan.origins.items() if sources)


@pytest.fixture
def version_two_with_moves(cast) -> Lens:
    """v2: a new question Q_05 takes over Q_01 as well (a split question), and a new question Q_06 takes over no
    question but one practice of Q_04."""
    draft = lens_new_draft(lens=cast.lens)
    pillar = draft.pillars.get()
    build_question(pillar=pillar, focus_area=pillar.focus_areas.first(), code="Q_05", order=5)
    build_question(pillar=pillar, focus_area=pillar.focus_areas.first(), code="Q_06", order=6)
    Question.objects.filter(pillar__lens=draft, code="Q_05").update(replaces=["Q_01"])
    in_lens(draft).filter(code="q_05_a").update(replaces=["Q_01/q_01_a"])
    in_lens(draft).filter(code="q_06_b").update(replaces=["Q_04/q_04_c"])
    return lens_publish(lens=draft)


def test_a_question_split_in_two_gives_both_its_answer_each_with_its_history(cast, version_two_with_moves):
    answer(cast.review, "Q_01", cast.owner, selected=["q_01_a"], notes="Shared notes.")
    moved = move(cast, version_two_with_moves)
    assert (moved["Q_01"].selected, moved["Q_05"].selected) == (["q_01_a"], ["q_05_a"])
    assert moved["Q_05"].notes == "Shared notes." and moved["Q_05"].risk == AnswerRisk.MEDIUM
    change = AnswerChange.objects.get(answer=moved["Q_05"])
    assert change.note == "moved from lens v1 to v2, taking over Q_01"
    assert (change.before["selected"], change.after["selected"], change.version) == (["q_01_a"], ["q_05_a"], 1)


def test_a_practice_moved_to_a_new_question_carries_its_tick_there(client, cast, version_two_with_moves):
    answer(cast.review, "Q_04", cast.owner, selected=["q_04_a", "q_04_c"])
    body = preview(client, cast, version_two_with_moves)
    row = section(body, "Questions").split('<th scope="row">Q_06')[1].split("</tr>")[0]
    assert "and practices from Q_04" in row and "New: starts with the practices it takes over" in row
    moved = move(cast, version_two_with_moves)
    assert (moved["Q_04"].selected, moved["Q_06"].selected) == (["q_04_a", "q_04_c"], ["q_06_b"])
    change = AnswerChange.objects.get(answer=moved["Q_06"])
    assert change.note == "moved from lens v1 to v2, with practices from Q_04"
    assert change.before["risk"] == AnswerRisk.UNANSWERED and change.after["risk"] == AnswerRisk.HIGH
