"""Writes to reviews: starting one, saving an answer (with conflict detection and history)."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from wareview.lenses.models import Lens, Question
from wareview.lenses.risk import evaluate
from wareview.lenses.selectors import question_sheet
from wareview.reviews.models import (
    NOTES_MAX_LENGTH,
    Answer,
    AnswerChange,
    AnswerRisk,
    NotApplicableReason,
    Review,
)
from wareview.workloads.models import Workload


class ReviewError(Exception):
    """A request the review cannot take, with words for the person who made it."""


class AnswerConflict(Exception):
    """The answer changed since the user loaded it."""


@dataclass(frozen=True)
class AnswerInput:
    """What a user submits for one question."""

    selected: list[str]
    not_applicable: bool = False
    reason: str = ""
    notes: str = ""


@transaction.atomic
def review_start(*, workload: Workload, lens: Lens, user) -> Review:
    """Open a review of `workload` against the published `lens`, with one unanswered answer per question."""
    if not lens.is_published:
        raise ReviewError("Reviews start only on a published lens version.")
    if Review.objects.open().filter(workload=workload, lens_slug=lens.slug).exists():
        raise ReviewError(f"{workload.name} already has an open review on {lens.name}.")
    try:
        with transaction.atomic():
            review = Review.objects.create(workload=workload, lens=lens, lens_slug=lens.slug, created_by=user)
    except IntegrityError as error:  # a concurrent start won the race
        raise ReviewError(f"{workload.name} already has an open review on {lens.name}.") from error
    questions = Question.objects.filter(pillar__lens=lens).values_list("pk", flat=True)
    Answer.objects.bulk_create(Answer(review=review, question_id=pk) for pk in questions)
    return review


def risk_for(*, rules: list[tuple[str, str]], selected: list[str], not_applicable: bool) -> str:
    """A question's standing: not applicable, unanswered (nothing chosen), or what its rules say."""
    if not_applicable:
        return AnswerRisk.NOT_APPLICABLE
    if not selected:
        return AnswerRisk.UNANSWERED
    return evaluate(rules, selected)


def answer_risk(*, question_id: int, selected: list[str], not_applicable: bool) -> str:
    rules = list(question_sheet(question_id).rules)
    return risk_for(rules=rules, selected=selected, not_applicable=not_applicable)


def answer_clean(*, question_id: int, data: AnswerInput) -> AnswerInput:
    """Check a submission against the question; raise ReviewError with a message a person understands."""
    sheet = question_sheet(question_id)
    order = sheet.codes
    unknown = [code for code in data.selected if code not in order]
    if unknown:
        raise ReviewError(f"“{unknown[0]}” is not a best practice of this question.")
    if sheet.none_codes & set(data.selected) and len(set(data.selected)) > 1:
        raise ReviewError("“None of these” cannot be chosen together with a best practice.")
    if len(data.notes) > NOTES_MAX_LENGTH:
        raise ReviewError(f"Notes can be at most {NOTES_MAX_LENGTH} characters; these have {len(data.notes)}.")
    if data.reason and data.reason not in NotApplicableReason.values:
        raise ReviewError(f"“{data.reason}” is not one of the reasons a question may not apply.")
    if data.not_applicable and not data.reason:
        raise ReviewError("Say why the question does not apply.")
    selected = sorted(set(data.selected), key=order.index)
    reason = data.reason if data.not_applicable else ""
    return AnswerInput(selected=selected, not_applicable=data.not_applicable, reason=reason, notes=data.notes)


@transaction.atomic
def answer_save(*, answer: Answer, user, data: AnswerInput, expected_version: int, note: str = "") -> Answer:
    """Save `data` as the answer if nobody saved it since `expected_version`; keep the change in history.

    The update is a compare-and-swap on the version column, so two saves from the same version cannot both win.
    Raises ReviewError for invalid input and AnswerConflict for a stale version.
    """
    data = answer_clean(question_id=answer.question_id, data=data)
    before = answer.state()
    risk = answer_risk(question_id=answer.question_id, selected=data.selected, not_applicable=data.not_applicable)
    now = timezone.now()
    fields = {
        "selected": data.selected,
        "not_applicable": data.not_applicable,
        "reason": data.reason,
        "notes": data.notes,
        "risk": risk,
        "updated_by": user,
        "updated_at": now,
    }
    updated = Answer.objects.filter(pk=answer.pk, version=expected_version).update(version=F("version") + 1, **fields)
    if not updated:
        raise AnswerConflict("Someone else saved this question after you opened it.")
    for name, value in fields.items():
        setattr(answer, name, value)
    answer.version = expected_version + 1
    if answer.state() != before:
        AnswerChange.objects.create(
            answer=answer, changed_by=user, changed_at=now, before=before, after=answer.state(), note=note
        )
    return answer
