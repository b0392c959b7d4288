import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import build_lens
from wareview.lenses import services
from wareview.lenses.models import Choice, Lens, ProfileQuestion, Question, RiskRule

pytestmark = pytest.mark.django_db


def test_publishing_a_draft_freezes_it_with_a_date():
    draft = build_lens(status=Lens.Status.DRAFT)
    published = services.lens_publish(lens=draft)
    assert published.is_published
    assert published.published_at is not None


def test_publishing_twice_is_refused_with_a_message():
    lens = build_lens()
    with pytest.raises(services.LensStateError, match="already published"):
        services.lens_publish(lens=lens)


def test_a_new_draft_is_a_full_copy_with_the_next_version():
    lens = build_lens(questions_per_area=2, areas=2)
    draft = services.lens_new_draft(lens=lens)
    assert (draft.slug, draft.version, draft.status) == (lens.slug, 2, Lens.Status.DRAFT)
    original = Question.objects.filter(pillar__lens=lens)
    copy = Question.objects.filter(pillar__lens=draft)
    assert list(copy.values_list("code", "title", "focus_area__code")) == list(
        original.values_list("code", "title", "focus_area__code")
    )
    assert Choice.objects.filter(question__pillar__lens=draft).count() == 16
    assert RiskRule.objects.filter(question__pillar__lens=draft).count() == 12
    copied_choice = Choice.objects.get(question__pillar__lens=draft, code="q_01_a")
    assert sorted(p.code for p in copied_choice.principles.all()) == sorted(
        p.code for p in Choice.objects.get(question__pillar__lens=lens, code="q_01_a").principles.all()
    )
    assert all(p.pillar.lens_id == draft.pk for p in copied_choice.principles.all())


def test_editing_the_draft_leaves_the_published_version_untouched():
    lens = build_lens()
    draft = services.lens_new_draft(lens=lens)
    Question.objects.filter(pillar__lens=draft, code="Q_01").update(title="A better question?")
    assert Question.objects.get(pillar__lens=lens, code="Q_01").title != "A better question?"


def test_copying_a_lens_with_nested_focus_areas_keeps_the_nesting():
    lens = build_lens(status=Lens.Status.DRAFT)
    parent, child = lens.pillars.get().focus_areas.all()[:2]
    child.parent = parent
    child.save()
    lens = services.lens_publish(lens=lens)
    draft = services.lens_new_draft(lens=lens)
    copied_child = draft.pillars.get().focus_areas.get(code=child.code)
    assert copied_child.parent.code == parent.code
    assert copied_child.parent.pillar.lens_id == draft.pk


def test_copying_takes_as_many_queries_for_a_large_lens_as_for_a_small_one():
    small, large = build_lens(questions_per_area=1, areas=1), build_lens(questions_per_area=6, areas=3)
    with CaptureQueriesContext(connection) as small_copy:
        services.lens_new_draft(lens=small)
    with CaptureQueriesContext(connection) as large_copy:
        services.lens_new_draft(lens=large)
    assert len(large_copy) == len(small_copy)


def test_a_new_draft_copies_each_practices_verification_effort_and_impact():
    draft = build_lens(status=Lens.Status.DRAFT)
    Choice.objects.filter(question__pillar__lens=draft, code="q_01_a").update(
        verification="Ask for the runbook.", effort="small", impact="high"
    )
    copy = services.lens_new_draft(lens=services.lens_publish(lens=draft))
    choice = Choice.objects.get(question__pillar__lens=copy, code="q_01_a")
    assert (choice.verification, choice.effort, choice.impact) == ("Ask for the runbook.", "small", "high")


def test_a_new_draft_leaves_the_upgrade_mapping_empty_so_each_code_maps_to_itself():
    draft = build_lens(status=Lens.Status.DRAFT)
    Question.objects.filter(pillar__lens=draft, code="Q_02").update(replaces=["Q_01", "Q_02"])
    Choice.objects.filter(question__pillar__lens=draft, code="q_02_a").update(replaces=["Q_01/q_01_a"])
    copy = services.lens_new_draft(lens=services.lens_publish(lens=draft))
    assert all(q.replaces == [] for q in Question.objects.filter(pillar__lens=copy))
    assert all(c.replaces == [] for c in Choice.objects.filter(question__pillar__lens=copy))
    original = Choice.objects.get(question__pillar__lens=draft, code="q_02_a")
    assert original.replaces == ["Q_01/q_01_a"]


def test_a_new_draft_copies_the_profile_and_the_conditions_over_it():
    draft = build_lens(status=Lens.Status.DRAFT)
    options = [{"code": "one_region", "label": "One region"}, {"code": "many_regions", "label": "Several"}]
    ProfileQuestion.objects.create(lens=draft, code="keeps_cache", title="Cache?", description="Any cache.", order=0)
    ProfileQuestion.objects.create(lens=draft, code="reach", title="Where?", options=options, order=1)
    Question.objects.filter(pillar__lens=draft, code="Q_02").update(first_when="many_regions")
    Choice.objects.filter(question__pillar__lens=draft, code="q_01_a").update(always_applies=True)
    Choice.objects.filter(question__pillar__lens=draft, code="q_01_b").update(
        applies_when="keeps_cache && !one_region", replaces=["Q_01/q_01_b", "Q_01/q_01_c"], replaces_needs_all=True
    )

    copy = services.lens_new_draft(lens=services.lens_publish(lens=draft))

    profile = ProfileQuestion.objects.filter(lens=copy).order_by("order")
    assert list(profile.values_list("code", "title", "description", "options", "order")) == [
        ("keeps_cache", "Cache?", "Any cache.", [], 0),
        ("reach", "Where?", "", options, 1),
    ]
    assert Question.objects.get(pillar__lens=copy, code="Q_02").first_when == "many_regions"
    always, conditional = Choice.objects.filter(question__pillar__lens=copy, code__in=["q_01_a", "q_01_b"]).order_by(
        "code"
    )
    assert (always.always_applies, always.applies_when) == (True, "")
    assert (conditional.applies_when, conditional.always_applies) == ("keeps_cache && !one_region", False)
    # The upgrade mapping starts afresh in the copy, its "needs all" with it.
    assert (conditional.replaces, conditional.replaces_needs_all) == ([], False)
    assert ProfileQuestion.objects.filter(lens=draft).count() == 2


def test_copying_a_profile_takes_as_many_queries_for_many_profile_questions_as_for_one():
    def copy_queries(profile_questions: int) -> int:
        draft = build_lens(status=Lens.Status.DRAFT)
        for order in range(profile_questions):
            ProfileQuestion.objects.create(lens=draft, code=f"fact_{order}", title=f"Fact {order}?", order=order)
        lens = services.lens_publish(lens=draft)
        with CaptureQueriesContext(connection) as copy:
            services.lens_new_draft(lens=lens)
        return len(copy)

    assert copy_queries(1) == copy_queries(8)
