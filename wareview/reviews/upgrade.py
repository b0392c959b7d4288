"""Moving a review to a newer version of its lens.

Answers carry over by question code and choice code: a practice the new question no longer has is dropped (its
"does not apply" mark too),
risks are recomputed with the new rules, and each moved answer records the move in its history. Questions the
new version adds start unanswered; answers to questions it removed are deleted with the move.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from wareview.lenses.models import Choice, Lens, Question, RiskRule
from wareview.reviews.models import Answer, AnswerChange, Review
from wareview.reviews.services import risk_for


@dataclass
class LensShape:
    """What matters of each question of a lens version for a move: title, choices and rules, by code."""

    questions: dict[str, Question]
    choices: dict[str, list[tuple[str, str]]]
    rules: dict[str, list[tuple[str, str]]]


@dataclass
class UpgradePlan:
    review: Review
    target: Lens
    added: list[Question] = field(default_factory=list)
    removed: list[Question] = field(default_factory=list)
    changed: list[Question] = field(default_factory=list)
    dropped_practices: dict[str, list[str]] = field(default_factory=dict)
    review_codes: list[str] = field(default_factory=list)

    @property
    def unchanged_count(self) -> int:
        return len(self.review_codes) - len(self.removed) - len(self.changed)


def newer_versions(*, review: Review) -> list[Lens]:
    return list(Lens.objects.published().filter(slug=review.lens.slug, version__gt=review.lens.version))


def lens_shape(*, lens: Lens) -> LensShape:
    """Three queries, whatever the size of the lens."""
    questions = {q.code: q for q in Question.objects.filter(pillar__lens=lens).order_by("pillar__order", "order")}
    by_id = {q.pk: q.code for q in questions.values()}
    choices: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for question_id, code, title in (
        Choice.objects.filter(question__pillar__lens=lens).order_by("order").values_list("question_id", "code", "title")
    ):
        choices[by_id[question_id]].append((code, title))
    rules: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for question_id, condition, risk in (
        RiskRule.objects.filter(question__pillar__lens=lens)
        .order_by("order")
        .values_list("question_id", "condition", "risk")
    ):
        rules[by_id[question_id]].append((condition, risk))
    return LensShape(questions=questions, choices=dict(choices), rules=dict(rules))


def review_upgrade_plan(*, review: Review, target: Lens) -> UpgradePlan:
    """What moving `review` to `target` would do, for the user to see before agreeing."""
    current, new = lens_shape(lens=review.lens), lens_shape(lens=target)
    plan = UpgradePlan(review=review, target=target, review_codes=list(current.questions))
    plan.added = [q for code, q in new.questions.items() if code not in current.questions]
    plan.removed = [q for code, q in current.questions.items() if code not in new.questions]
    plan.changed = [
        new.questions[code] for code in current.questions if code in new.questions and _differs(current, new, code)
    ]
    new_codes = {code: {choice for choice, _ in new.choices.get(code, [])} for code in new.questions}
    for answer in Answer.objects.filter(review=review).select_related("question"):
        code = answer.question.code
        had = [*answer.selected, *answer.practices_not_applicable]
        lost = [choice for choice in had if code in new_codes and choice not in new_codes[code]]
        if lost:
            plan.dropped_practices[code] = lost
    return plan


def _differs(current: LensShape, new: LensShape, code: str) -> bool:
    old_q, new_q = current.questions[code], new.questions[code]
    return (
        (old_q.title, old_q.description) != (new_q.title, new_q.description)
        or current.choices.get(code) != new.choices.get(code)
        or current.rules.get(code) != new.rules.get(code)
    )


@transaction.atomic
def review_upgrade(*, review: Review, target: Lens, user) -> Review:
    """Move `review` to the published `target` version of its lens, with bulk writes."""
    if target.slug != review.lens.slug or target.version <= review.lens.version or not target.is_published:
        raise ValueError("A review moves only to a newer published version of its own lens.")
    new = lens_shape(lens=target)
    answers = list(Answer.objects.filter(review=review).select_related("question"))
    kept = [answer for answer in answers if answer.question.code in new.questions]
    Answer.objects.filter(pk__in=[a.pk for a in answers if a.question.code not in new.questions]).delete()
    changes = [_move_answer(answer, new, user, review.lens.version, target.version) for answer in kept]
    moved = ["question", "selected", "practices_not_applicable", "risk", "updated_at", "updated_by", "version"]
    Answer.objects.bulk_update(kept, moved)
    AnswerChange.objects.bulk_create(changes)
    answered = {answer.question.code for answer in kept}
    Answer.objects.bulk_create(
        Answer(review=review, question=q) for code, q in new.questions.items() if code not in answered
    )
    review.lens = target
    review.save(update_fields=["lens", "updated_at"])
    return review


def _move_answer(answer: Answer, new: LensShape, user, old_version: int, new_version: int) -> AnswerChange:
    before = answer.state()
    code = answer.question.code
    available = {choice for choice, _ in new.choices.get(code, [])}
    answer.question = new.questions[code]
    answer.selected = [choice for choice in answer.selected if choice in available]
    marks = answer.practices_not_applicable
    new_order = [choice for choice, _ in new.choices.get(code, [])]
    answer.practices_not_applicable = {choice: marks[choice] for choice in new_order if choice in marks}
    answer.risk = risk_for(
        rules=new.rules.get(code, []),
        selected=answer.selected,
        not_applicable=answer.not_applicable,
        practices_not_applicable=list(answer.practices_not_applicable),
    )
    answer.updated_at, answer.updated_by, answer.version = timezone.now(), user, answer.version + 1
    return AnswerChange(
        answer=answer,
        changed_by=user,
        changed_at=answer.updated_at,
        before=before,
        after=answer.state(),
        note=f"moved from lens v{old_version} to v{new_version}",
        version=answer.version,
    )
