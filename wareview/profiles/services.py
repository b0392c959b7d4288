"""Writes of workload profiles: saving a profile, and marking what it says does not apply on the open review.

A practice whose `applies_when` is false for the profile is marked "does not apply" with the reason
`NotApplicableReason.PROFILE` and a note naming the answers ("Not in this workload's profile: … — No"); a profile
mark whose condition holds again, or names an unanswered question, is taken off. Nothing a person decided is
touched: a ticked practice, a practice marked for another reason, or one in `Answer.profile_overrides` (a person
unmarked or ticked it against the profile). A practice that always applies is never marked.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from wareview.lenses.models import Choice, Lens, RiskRule
from wareview.profiles.conditions import Answers, ProfileQuestionSpec, condition_holds, not_in_profile_reason
from wareview.profiles.models import WorkloadProfile
from wareview.profiles.selectors import lens_profile_questions
from wareview.reviews.models import (
    PRACTICE_NOTE_MAX_LENGTH,
    Answer,
    AnswerChange,
    AnswerRisk,
    NotApplicableReason,
    Review,
)
from wareview.reviews.services import risk_for
from wareview.reviews.signals import answers_changed_in_bulk
from wareview.workloads.models import Workload

PROFILE = NotApplicableReason.PROFILE.value
CHANGED_NOTE = "Workload profile changed"
STARTED_NOTE = "Marked from the workload profile as the review started"


@dataclass(frozen=True)
class PracticeRef:
    question_code: str
    code: str
    title: str


@dataclass
class ProfileChanges:
    """What applying a profile did on a review: practices newly marked, unmarked, and left as a person set them
    although the profile says they do not apply."""

    no_longer_apply: list[PracticeRef] = field(default_factory=list)
    apply_again: list[PracticeRef] = field(default_factory=list)
    left_as_set: list[PracticeRef] = field(default_factory=list)


@transaction.atomic
def profile_save(*, workload: Workload, lens: Lens, answers: Answers, user: User) -> ProfileChanges:
    """Keep the workload's profile for `lens`'s question set and apply it to the workload's open review on it."""
    WorkloadProfile.objects.update_or_create(
        workload=workload, lens_slug=lens.slug, defaults={"answers": dict(answers), "updated_by": user}
    )
    review = Review.objects.open().filter(workload=workload, lens_slug=lens.slug).first()
    if review is None:
        return ProfileChanges()
    return profile_apply(review=review, answers=answers, user=user, note=CHANGED_NOTE)


@transaction.atomic(savepoint=False)  # called inside a save's or a start's transaction
def profile_apply(*, review: Review, answers: Answers, user: User | None, note: str) -> ProfileChanges:
    """Mark and unmark the review's practices after the profile `answers` (see the module's docstring): each
    changed answer gets its risk again, a history row and a new version, in bulk. Seven queries at most, whatever
    the number of answers, and one more when any changed: `signals.answers_changed_in_bulk` lets the improvement
    plan follow. Locks the review's row, then its answers, as a move to a new lens version does."""
    locked = Review.objects.select_for_update().filter(pk=review.pk, status=Review.Status.OPEN)
    lens_id = locked.values_list("lens_id", flat=True).first()
    if lens_id is None:  # closed meanwhile
        return ProfileChanges()
    questions = lens_profile_questions(lens_id=lens_id)
    if not questions:
        return ProfileChanges()
    practices = _practices(lens_id=lens_id)
    rows = Answer.objects.select_for_update().filter(review_id=review.pk).select_related("question").order_by("pk")
    changes = ProfileChanges()
    changed: list[tuple[Answer, dict]] = []
    for answer in rows:
        marks = _remarked(answer, practices.get(answer.question_id, ()), answers, questions, changes)
        if marks != answer.practices_not_applicable:
            changed.append((answer, answer.state()))
            answer.practices_not_applicable = marks
    _write(changed, lens_id=lens_id, user=user, note=note)
    if changed:
        answers_changed_in_bulk.send(sender=Review, review=review, user=user)
    return changes


@dataclass(frozen=True)
class _Practice:
    code: str
    title: str
    applies_when: str
    always_applies: bool


def _practices(*, lens_id: int) -> dict[int, list[_Practice]]:
    """Each question's practices that a profile may mark, in order (not "None of these"), one query."""
    rows = Choice.objects.filter(question__pillar__lens_id=lens_id, is_none=False).order_by(
        "question_id", "order", "pk"
    )
    practices: dict[int, list[_Practice]] = defaultdict(list)
    for question_id, code, title, applies_when, always in rows.values_list(
        "question_id", "code", "title", "applies_when", "always_applies"
    ):
        practices[question_id].append(_Practice(code, title, applies_when, always))
    return practices


def _remarked(
    answer: Answer,
    practices: Sequence[_Practice],
    answers: Answers,
    questions: Sequence[ProfileQuestionSpec],
    changes: ProfileChanges,
) -> dict[str, dict[str, str]]:
    """The answer's marks after the profile, in the question's order; what changed is added to `changes`."""
    marks = dict(answer.practices_not_applicable)
    for practice in practices:
        mark = marks.get(practice.code)
        holds = (
            condition_holds(practice.applies_when, answers=answers, questions=questions)
            if practice.applies_when
            else None
        )
        if practice.always_applies:
            holds = True
        ref = PracticeRef(answer.question.code, practice.code, practice.title)
        persons = (
            practice.code in answer.selected
            or practice.code in answer.profile_overrides
            or (mark is not None and mark.get("reason") != PROFILE)
        )
        if persons:
            if holds is False:
                changes.left_as_set.append(ref)
        elif holds is False:
            note = not_in_profile_reason(
                practice.applies_when, answers=answers, questions=questions, limit=PRACTICE_NOTE_MAX_LENGTH
            )
            if mark is None:
                changes.no_longer_apply.append(ref)
            marks[practice.code] = {"reason": PROFILE, "note": note}
        elif mark is not None:  # a profile mark whose condition holds now, or names an unanswered question
            changes.apply_again.append(ref)
            del marks[practice.code]
    order = [practice.code for practice in practices]
    return {code: marks[code] for code in [*order, *marks] if code in marks}


def _write(changed: list[tuple[Answer, dict]], *, lens_id: int, user: User | None, note: str) -> None:
    """Give each changed answer its risk, its next version and a history row: two bulk writes and one read of the
    rules."""
    if not changed:
        return
    rules: dict[int, list[tuple[str, str]]] = defaultdict(list)
    rows = RiskRule.objects.filter(question__pillar__lens_id=lens_id).order_by("question_id", "order", "pk")
    for question_id, condition, risk in rows.values_list("question_id", "condition", "risk"):
        rules[question_id].append((condition, risk))
    now = timezone.now()
    for answer, _ in changed:
        answer.risk = _risk(answer, rules[answer.question_id])
        answer.version += 1
        answer.updated_at, answer.updated_by = now, user
    answers = [answer for answer, _ in changed]
    Answer.objects.bulk_update(answers, ["practices_not_applicable", "risk", "version", "updated_at", "updated_by"])
    AnswerChange.objects.bulk_create(
        AnswerChange(
            answer=answer,
            changed_by=user,
            changed_at=now,
            before=before,
            after=answer.state(),
            note=note,
            version=answer.version,
        )
        for answer, before in changed
    )


def _risk(answer: Answer, rules: list[tuple[str, str]]) -> str:
    """The answer's risk with its new marks. The profile's marks alone do not answer a question: a person has not
    looked at it yet, so it stays unanswered (and the walk still leads there) until they do."""
    marks = answer.practices_not_applicable
    own = [code for code, mark in marks.items() if mark.get("reason") != PROFILE]
    if not (answer.selected or own or answer.not_applicable):
        return AnswerRisk.UNANSWERED
    return risk_for(
        rules=rules,
        selected=list(answer.selected),
        not_applicable=answer.not_applicable,
        practices_not_applicable=list(marks),
    )
