import pytest
from django.urls import reverse

from tests.factories import ChoiceFactory, build_question
from wareview.lenses.models import Choice, Question
from wareview.lenses.services import lens_new_draft, lens_publish
from wareview.reviews.models import Answer, AnswerChange, AnswerRisk
from wareview.reviews.services import AnswerState, answer_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def version_two(cast):
    """v2 of the cast's lens: Q_01 loses practice b, Q_02 is reworded, Q_04 is removed, Q_05 is new."""
    for code, selected in (("Q_01", ["q_01_a", "q_01_b"]), ("Q_02", ["q_02_a", "q_02_b"]), ("Q_04", ["q_04_a"])):
        answer = Answer.objects.get(review=cast.review, question__code=code)
        answer_save(answer=answer, user=cast.owner, data=AnswerState(selected=selected), expected_version=0)
    draft = lens_new_draft(lens=cast.lens)
    Choice.objects.filter(question__pillar__lens=draft, code="q_01_b").delete()
    ChoiceFactory(question=Question.objects.get(pillar__lens=draft, code="Q_01"), code="q_01_b2", order=1)
    Question.objects.filter(pillar__lens=draft, code="Q_02").update(title="How do you size it now?")
    Question.objects.filter(pillar__lens=draft, code="Q_04").delete()
    pillar = draft.pillars.get()
    build_question(pillar=pillar, focus_area=pillar.focus_areas.first(), code="Q_05", order=9)
    return lens_publish(lens=draft)


def upgrade_url(cast, lens) -> str:
    return reverse("reviews:upgrade", args=[cast.review.pk, lens.pk])


def test_the_overview_offers_the_newer_version(client, cast, version_two):
    client.force_login(cast.viewer)
    body = client.get(reverse("reviews:overview", args=[cast.review.pk])).content.decode()
    assert f"{version_two.name} v2" in body
    assert upgrade_url(cast, version_two) in body


def test_the_preview_lists_new_removed_and_changed_questions_and_lost_practices(client, cast, version_two):
    client.force_login(cast.contributor)
    body = client.get(upgrade_url(cast, version_two)).content.decode()
    new, removed, changed = (
        body.split(heading)[1][:400] for heading in ("New questions", "Removed questions", "Changed questions")
    )
    assert "Q_05" in new and "Q_04" in removed
    assert "Q_01" in changed and "How do you size it now?" in changed
    dropped = body.split("Dropped (")[1]
    assert "Q_01: Q_01 practice b</th><td>Ticked: this is lost" in dropped
    assert Answer.objects.get(review=cast.review, question__code="Q_01").question.pillar.lens == cast.lens


def test_moving_carries_answers_over_recomputes_risks_and_records_the_move(client, cast, version_two):
    client.force_login(cast.contributor)
    response = client.post(upgrade_url(cast, version_two))
    assert response["Location"] == reverse("reviews:overview", args=[cast.review.pk])
    cast.review.refresh_from_db()
    assert cast.review.lens == version_two
    answers = {a.question.code: a for a in Answer.objects.filter(review=cast.review).select_related("question")}
    assert sorted(answers) == ["Q_01", "Q_02", "Q_03", "Q_05"]
    assert all(a.question.pillar.lens_id == version_two.pk for a in answers.values())
    assert answers["Q_01"].selected == ["q_01_a"]
    assert answers["Q_01"].risk == AnswerRisk.MEDIUM  # q_01_b is gone, so the medium rule now matches
    assert answers["Q_02"].risk == AnswerRisk.NONE
    assert answers["Q_05"].risk == AnswerRisk.UNANSWERED
    move = AnswerChange.objects.filter(answer=answers["Q_01"]).first()
    assert move.note == "moved from lens v1 to v2"
    assert move.before["selected"] == ["q_01_a", "q_01_b"] and move.after["selected"] == ["q_01_a"]


def test_a_viewer_may_preview_but_not_move(client, cast, version_two):
    client.force_login(cast.viewer)
    assert client.get(upgrade_url(cast, version_two)).status_code == 200
    assert client.post(upgrade_url(cast, version_two)).status_code == 403
    cast.review.refresh_from_db()
    assert cast.review.lens == cast.lens


def test_an_outsider_gets_not_found(client, cast, version_two):
    client.force_login(cast.outsider)
    assert client.get(upgrade_url(cast, version_two)).status_code == 404


def test_only_a_newer_published_version_of_the_same_lens_is_a_target(client, cast, version_two):
    from tests.factories import build_lens
    from wareview.lenses.models import Lens

    other_lens = build_lens()
    draft = lens_new_draft(lens=version_two)
    client.force_login(cast.owner)
    for target in (other_lens, draft, cast.lens):
        assert client.post(upgrade_url(cast, target)).status_code == 404
    assert Lens.objects.get(pk=cast.review.lens_id) == cast.lens


def test_moving_carries_practices_marked_as_not_applying_over_by_code_and_drops_those_the_version_lacks(
    client, cast, version_two
):
    mark = {"reason": "out_of_scope", "note": ""}
    for code, version, marks in (("Q_01", 1, {"q_01_b": mark, "q_01_c": mark}), ("Q_03", 0, {"q_03_b": mark})):
        answer = Answer.objects.get(review=cast.review, question__code=code)
        data = AnswerState(selected=[f"{code.lower()}_a"], practices_not_applicable=marks)
        answer_save(answer=answer, user=cast.owner, data=data, expected_version=version)
    client.force_login(cast.contributor)
    dropped = client.get(upgrade_url(cast, version_two)).content.decode().split("Dropped (")[1]
    assert "Q_01: Q_01 practice b</th><td>Marked as not applying: this is lost" in dropped
    client.post(upgrade_url(cast, version_two))
    answers = {a.question.code: a for a in Answer.objects.filter(review=cast.review).select_related("question")}
    assert answers["Q_01"].practices_not_applicable == {"q_01_c": mark}
    assert answers["Q_01"].risk == AnswerRisk.MEDIUM  # the mark on q_01_b went with the practice
    assert (answers["Q_03"].practices_not_applicable, answers["Q_03"].risk) == ({"q_03_b": mark}, AnswerRisk.NONE)
    move = AnswerChange.objects.filter(answer=answers["Q_01"]).first()
    assert move.note == "moved from lens v1 to v2"
    assert list(move.before["practices_not_applicable"]) == ["q_01_b", "q_01_c"]
    assert list(move.after["practices_not_applicable"]) == ["q_01_c"]
