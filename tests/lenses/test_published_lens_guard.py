"""A published lens never changes: every write to its rows is refused, by any path; drafts stay editable."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from tests.factories import UserFactory, build_lens
from wareview.lenses import services
from wareview.lenses.models import (
    Choice,
    DesignPrinciple,
    FocusArea,
    Lens,
    Pillar,
    PublishedLensError,
    Question,
    RiskRule,
)

pytestmark = pytest.mark.django_db

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "performance_efficiency.json"
ROWS = {
    "lens": lambda lens: Lens.objects.filter(pk=lens.pk),
    "pillar": lambda lens: Pillar.objects.filter(lens=lens),
    "design principle": lambda lens: DesignPrinciple.objects.filter(pillar__lens=lens),
    "focus area": lambda lens: FocusArea.objects.filter(pillar__lens=lens),
    "question": lambda lens: Question.objects.filter(pillar__lens=lens),
    "choice": lambda lens: Choice.objects.filter(question__pillar__lens=lens),
    "risk rule": lambda lens: RiskRule.objects.filter(question__pillar__lens=lens),
}
# A text field of each row type, to change.
TEXT_FIELD = {
    "lens": "name",
    "pillar": "name",
    "design principle": "name",
    "focus area": "name",
    "question": "title",
    "choice": "title",
    "risk rule": "condition",
}


def snapshot(lens: Lens) -> dict[str, list]:
    return {kind: list(rows(lens).order_by("pk").values()) for kind, rows in ROWS.items()}


@pytest.fixture
def lens() -> Lens:
    return build_lens()


@pytest.mark.parametrize("kind", ROWS)
def test_a_published_lens_refuses_a_saved_change_to_any_of_its_rows(lens, kind):
    before = snapshot(lens)
    row = ROWS[kind](lens).first()
    setattr(row, TEXT_FIELD[kind], "Changed")

    with pytest.raises(PublishedLensError, match=rf"{lens.name} v1 \({lens.slug}\) is published"):
        row.save()

    assert snapshot(lens) == before


@pytest.mark.parametrize("kind", ROWS)
def test_a_published_lens_refuses_a_queryset_update_of_any_of_its_rows(lens, kind):
    before = snapshot(lens)

    with pytest.raises(PublishedLensError, match="a published lens never changes"):
        ROWS[kind](lens).update(**{TEXT_FIELD[kind]: "Changed"})

    assert snapshot(lens) == before


@pytest.mark.parametrize("kind", ROWS)
def test_a_published_lens_refuses_a_bulk_update_of_any_of_its_rows(lens, kind):
    before = snapshot(lens)
    rows = list(ROWS[kind](lens))
    for row in rows:
        setattr(row, TEXT_FIELD[kind], "Changed")

    with pytest.raises(PublishedLensError), transaction.atomic():
        type(rows[0]).objects.bulk_update(rows, [TEXT_FIELD[kind]])

    assert snapshot(lens) == before


@pytest.mark.parametrize("kind", ROWS)
def test_a_published_lens_refuses_deleting_any_of_its_rows_one_by_one_or_in_bulk(lens, kind):
    before = snapshot(lens)

    with pytest.raises(PublishedLensError, match="cannot delete"):
        ROWS[kind](lens).last().delete()
    with pytest.raises(PublishedLensError, match="cannot delete"):
        ROWS[kind](lens).delete()

    assert snapshot(lens) == before


def test_the_base_manager_is_guarded_too(lens):
    with pytest.raises(PublishedLensError):
        Question._base_manager.filter(pillar__lens=lens).update(title="Changed")


def test_a_published_lens_refuses_new_rows_saved_or_bulk_created(lens):
    pillar = lens.pillars.get()
    question = Question.objects.filter(pillar=pillar).first()
    before = snapshot(lens)

    with pytest.raises(PublishedLensError, match="cannot add its questions"):
        Question.objects.create(pillar=pillar, code="NEW", title="A new question?")
    with pytest.raises(PublishedLensError, match="cannot add its choices"):
        Choice.objects.bulk_create([Choice(question=Question.objects.get(pk=question.pk), code="new", title="New")])
    with pytest.raises(PublishedLensError, match="cannot add its risk rules"):
        RiskRule.objects.bulk_create([RiskRule(question_id=question.pk, order=9, condition="default", risk="NO_RISK")])

    assert snapshot(lens) == before


def test_a_draft_row_cannot_move_into_a_published_lens(lens):
    draft_question = Question.objects.filter(pillar__lens=build_lens(status=Lens.Status.DRAFT)).first()
    draft_question.pillar = lens.pillars.get()

    with pytest.raises(PublishedLensError, match="cannot change its questions"):
        draft_question.save()
    with pytest.raises(PublishedLensError):
        Question.objects.filter(pk=draft_question.pk).update(pillar=lens.pillars.get())


def test_a_published_lens_refuses_changing_which_principles_a_choice_supports(lens):
    choice = Choice.objects.filter(question__pillar__lens=lens, is_none=False).last()
    principles = list(DesignPrinciple.objects.filter(pillar__lens=lens))

    with pytest.raises(PublishedLensError), transaction.atomic():
        choice.principles.add(*principles)
    with pytest.raises(PublishedLensError), transaction.atomic():
        principles[0].choices.clear()

    assert not choice.principles.exists()


def test_a_lens_is_never_created_published_but_published_from_a_draft():
    with pytest.raises(PublishedLensError, match="published by publishing a draft"):
        Lens.objects.create(slug="direct", name="Direct", status=Lens.Status.PUBLISHED)
    with pytest.raises(PublishedLensError, match="published by publishing a draft"):
        Lens.objects.bulk_create([Lens(slug="direct", name="Direct", status=Lens.Status.PUBLISHED)])
    assert not Lens.objects.exists()


def test_a_draft_is_edited_in_every_way_and_then_published():
    draft = build_lens(status=Lens.Status.DRAFT)
    question = Question.objects.filter(pillar__lens=draft).first()
    question.title = "A better question?"
    question.save()
    Choice.objects.filter(question=question).update(description="Explained.")
    choice = Choice.objects.filter(question=question).last()
    choice.principles.add(*DesignPrinciple.objects.filter(pillar__lens=draft))
    RiskRule.objects.filter(question=question, order=3).delete()
    Question.objects.create(pillar=question.pillar, code="Q_NEW", title="New?")

    published = services.lens_publish(lens=draft)

    assert published.is_published
    assert Question.objects.get(pk=question.pk).title == "A better question?"
    assert choice.principles.count() == 2


def test_a_whole_draft_lens_can_be_deleted():
    draft = build_lens(status=Lens.Status.DRAFT)

    draft.delete()

    assert not Lens.objects.exists()
    assert not Question.objects.exists()
    assert not Choice.objects.exists()


def test_a_published_lens_is_changed_through_a_new_draft_version(lens):
    draft = services.lens_new_draft(lens=lens)
    Question.objects.filter(pillar__lens=draft, code="Q_01").update(title="Reworded?")
    version_two = services.lens_publish(lens=draft)

    assert Question.objects.get(pillar__lens=version_two, code="Q_01").title == "Reworded?"
    assert Question.objects.get(pillar__lens=lens, code="Q_01").title != "Reworded?"


def test_loaddata_loads_a_missing_published_lens():
    call_command("loaddata", str(FIXTURE), verbosity=0)

    lens = Lens.objects.get(slug="performance-efficiency", version=1)
    assert lens.is_published
    assert Question.objects.filter(pillar__lens=lens).count() == 12


def test_loaddata_of_a_changed_fixture_cannot_rewrite_a_published_lens(tmp_path):
    call_command("loaddata", str(FIXTURE), verbosity=0)
    lens = Lens.objects.get(slug="performance-efficiency", version=1)
    before = snapshot(lens)
    entries = json.loads(FIXTURE.read_text())
    question = next(entry for entry in entries if entry["model"] == "lenses.question")
    question["fields"]["title"] = "Rewritten under existing reviews?"
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(entries))

    with pytest.raises(PublishedLensError, match="Performance Efficiency v1"):
        call_command("loaddata", str(changed), verbosity=0)

    assert snapshot(lens) == before


def test_loaddata_cannot_add_a_row_to_a_published_lens(tmp_path):
    call_command("loaddata", str(FIXTURE), verbosity=0)
    lens = Lens.objects.get(slug="performance-efficiency", version=1)
    entries = json.loads(FIXTURE.read_text())
    question = next(entry for entry in entries if entry["model"] == "lenses.question")
    added = {"model": "lenses.question", "fields": {**question["fields"], "code": "PERF_99"}}
    extra = tmp_path / "extra.json"
    extra.write_text(json.dumps([added]))

    with pytest.raises(PublishedLensError, match="cannot add its questions"):
        call_command("loaddata", str(extra), verbosity=0)

    assert not Question.objects.filter(pillar__lens=lens, code="PERF_99").exists()


# The admin


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))
    return client


def test_the_admin_refuses_a_question_added_to_a_published_lens_with_a_message(admin_client, lens):
    pillar = lens.pillars.get()
    data = {"pillar": pillar.pk, "order": 9, "code": "Q_NEW", "title": "Sneaked in?", "description": ""}
    for prefix in ("choices", "risk_rules"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})

    response = admin_client.post(reverse("admin:lenses_question_add"), data)

    assert response.status_code == 200
    assert f"{lens.name} v1 ({lens.slug}) is published" in response.content.decode()
    assert not Question.objects.filter(code="Q_NEW").exists()


def test_the_admin_refuses_a_pillar_added_to_a_published_lens_with_a_message(admin_client, lens):
    data = {"lens": lens.pk, "order": 2, "code": "extra", "name": "Extra", "description": ""}
    for prefix in ("principles", "focus_areas", "questions"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})

    response = admin_client.post(reverse("admin:lenses_pillar_add"), data)

    assert response.status_code == 200
    assert "is published, and a published lens never changes" in response.content.decode()
    assert lens.pillars.count() == 1


def test_the_admin_explains_that_a_published_lens_selected_for_deletion_cannot_be_deleted(admin_client, lens):
    changelist = reverse("admin:lenses_lens_changelist")
    action = {"action": "delete_selected", "_selected_action": [lens.pk]}

    confirmation = admin_client.post(changelist, action)
    confirmed = admin_client.post(changelist, {**action, "post": "yes"})

    assert confirmation.status_code == 200
    assert "<title>Cannot delete lens" in confirmation.content.decode()
    assert confirmed.status_code == 403
    assert Lens.objects.filter(pk=lens.pk).exists()


def test_the_admin_deletes_a_draft_lens(admin_client):
    draft = build_lens(status=Lens.Status.DRAFT)

    response = admin_client.post(reverse("admin:lenses_lens_delete", args=[draft.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not Lens.objects.filter(pk=draft.pk).exists()
