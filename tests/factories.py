"""Factories for the test cast and small question sets."""

import factory
from django.contrib.auth import get_user_model

from wareview.lenses.models import (
    Choice,
    DesignPrinciple,
    FocusArea,
    Lens,
    Pillar,
    ProfileQuestion,
    Question,
    Risk,
    RiskRule,
)
from wareview.lenses.services import lens_publish


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password("a-long-test-password")


class LensFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lens

    slug = factory.Sequence(lambda n: f"lens-{n}")
    name = factory.Sequence(lambda n: f"Lens {n}")
    status = Lens.Status.DRAFT


class PillarFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pillar

    lens = factory.SubFactory(LensFactory)
    code = "performance"
    name = "Performance Efficiency"


class DesignPrincipleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DesignPrinciple

    pillar = factory.SubFactory(PillarFactory)
    code = factory.Sequence(lambda n: f"principle_{n}")
    name = factory.Sequence(lambda n: f"Principle {n}")


class FocusAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FocusArea

    pillar = factory.SubFactory(PillarFactory)
    code = factory.Sequence(lambda n: f"area_{n}")
    name = factory.Sequence(lambda n: f"Area {n}")
    order = factory.Sequence(lambda n: n)


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    pillar = factory.SubFactory(PillarFactory)
    focus_area = factory.SubFactory(FocusAreaFactory, pillar=factory.SelfAttribute("..pillar"))
    code = factory.Sequence(lambda n: f"Q_{n:02d}")
    title = factory.Sequence(lambda n: f"How do you handle concern {n}?")
    description = "Think about how the workload meets this concern."
    order = factory.Sequence(lambda n: n)


class ChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Choice

    question = factory.SubFactory(QuestionFactory)
    code = factory.Sequence(lambda n: f"choice_{n}")
    title = factory.Sequence(lambda n: f"Practice {n}")
    improvement_text = "Start with the most used component and measure before and after."
    improvement_url = "https://example.com/guide"
    order = factory.Sequence(lambda n: n)


class RiskRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RiskRule

    question = factory.SubFactory(QuestionFactory)
    order = factory.Sequence(lambda n: n)
    condition = "default"
    risk = Risk.NONE


class ProfileQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProfileQuestion

    code = factory.Sequence(lambda n: f"fact_{n}")
    title = factory.Sequence(lambda n: f"Does the workload have trait {n}?")
    order = factory.Sequence(lambda n: n)


def build_question(*, pillar: Pillar, focus_area: FocusArea, code: str, practices: int = 3, order: int = 0):
    """A question with `practices` best practices (codes <code>_a, <code>_b, …), a "None of these" choice
    and rules: none or missing the first practice → high, missing the second → medium, otherwise none."""
    question = QuestionFactory(pillar=pillar, focus_area=focus_area, code=code, order=order)
    letters = "abcdefghijklmno"[:practices]
    for index, letter in enumerate(letters):
        ChoiceFactory(
            question=question, code=f"{code.lower()}_{letter}", title=f"{code} practice {letter}", order=index
        )
    ChoiceFactory(
        question=question,
        code=f"{code.lower()}_no",
        title="None of these",
        is_none=True,
        improvement_text="",
        improvement_url="",
        order=practices,
    )
    first, second = f"{code.lower()}_a", f"{code.lower()}_b"
    RiskRuleFactory(question=question, order=1, condition=f"{code.lower()}_no || !{first}", risk="HIGH_RISK")
    RiskRuleFactory(question=question, order=2, condition=f"!{second}", risk="MEDIUM_RISK")
    RiskRuleFactory(question=question, order=3, condition="default", risk="NO_RISK")
    return question


def build_lens(*, questions_per_area: int = 2, areas: int = 2, status: str = Lens.Status.PUBLISHED) -> Lens:
    """A small published lens: one pillar, two principles, `areas` focus areas of `questions_per_area`.

    It is built as a draft and then published, as a published lens's rows can no longer be written.
    """
    lens = LensFactory(status=Lens.Status.DRAFT)
    pillar = PillarFactory(lens=lens)
    principles = [DesignPrincipleFactory(pillar=pillar, order=index) for index in range(2)]
    number = 0
    for area_index in range(areas):
        area = FocusAreaFactory(pillar=pillar, order=area_index)
        for _ in range(questions_per_area):
            number += 1
            question = build_question(pillar=pillar, focus_area=area, code=f"Q_{number:02d}", order=number)
            question.choices.first().principles.add(*principles)
    return lens_publish(lens=lens) if status == Lens.Status.PUBLISHED else lens


def build_profiled_lens() -> Lens:
    """`build_lens`'s lens with a workload profile: "Does the workload keep a cache?" (yes/no, `keeps_cache`) and
    "Where are its users?" (`one_region` or `many_regions`). q_01_b and q_02_c apply only with a cache, q_03_c only
    with users in several regions, q_04_a always applies (its condition is never used); Q_03 comes first with
    users in several regions."""
    lens = build_lens(status=Lens.Status.DRAFT)
    ProfileQuestionFactory(lens=lens, code="keeps_cache", title="Does the workload keep a cache?", order=1)
    regions = [{"code": "one_region", "label": "In one region"}, {"code": "many_regions", "label": "In several"}]
    ProfileQuestionFactory(lens=lens, code="users", title="Where are its users?", options=regions, order=2)
    practices = Choice.objects.filter(question__pillar__lens=lens)
    practices.filter(code__in=["q_01_b", "q_02_c"]).update(applies_when="keeps_cache")
    practices.filter(code="q_03_c").update(applies_when="many_regions")
    practices.filter(code="q_04_a").update(applies_when="keeps_cache", always_applies=True)
    Question.objects.filter(pillar__lens=lens, code="Q_03").update(first_when="many_regions")
    return lens_publish(lens=lens)
