"""Writes to reviews: starting one, saving an answer (merging concurrent saves, keeping history)."""

from collections.abc import Collection
from functools import partial

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from wareview.lenses.models import Lens, Question
from wareview.lenses.risk import evaluate
from wareview.lenses.selectors import question_sheet
from wareview.reviews import merging
from wareview.reviews.merging import AnswerState
from wareview.reviews.models import Answer, AnswerChange, AnswerRisk, NotApplicableReason, Review
from wareview.reviews.selectors import answered_filter
from wareview.reviews.signals import (
    answer_practices_changed,
    answer_standing_changed,
    review_completed,
    review_started,
)
from wareview.workloads.models import Workload


class ReviewError(Exception):
    """A request the review cannot take, with words for the person who made it."""


class AnswerConflict(Exception):
    """Another person changed the same fields of the answer since the user loaded it; nothing was saved.

    `mine_changed` names the fields the user changed (see merging.py): what "Keep mine" writes over the answer;
    `overlap` those the other person changed differently.
    """

    def __init__(self, *, mine_changed: frozenset[str], overlap: frozenset[str]) -> None:
        super().__init__("Someone else changed the same part of this answer after you opened it.")
        self.mine_changed = mine_changed
        self.overlap = overlap


@transaction.atomic
def review_start(*, workload: Workload, lens: Lens, user: User) -> Review:
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
    review_started.send(sender=Review, review=review, user=user)
    return review


def review_close(*, review: Review) -> None:
    """Close the review: read-only from now on, left out of the dashboard's counts; its lens is free for a new
    review of the workload."""
    Review.objects.filter(pk=review.pk).update(status=Review.Status.CLOSED, updated_at=timezone.now())
    review.status = Review.Status.CLOSED


@transaction.atomic
def review_reopen(*, review: Review) -> None:
    """Open the closed review again, unless the workload has opened another review on the same lens since."""
    refusal = (
        f"{review.workload.name} has another open review on {review.lens.name}: close that one first to reopen this."
    )
    others = Review.objects.open().filter(workload_id=review.workload_id, lens_slug=review.lens_slug)
    if others.exclude(pk=review.pk).exists():
        raise ReviewError(refusal)
    try:
        with transaction.atomic():
            Review.objects.filter(pk=review.pk).update(status=Review.Status.OPEN, updated_at=timezone.now())
    except IntegrityError as error:  # another review of the lens was opened at the same moment
        raise ReviewError(refusal) from error
    review.status = Review.Status.OPEN


def risk_for(
    *,
    rules: list[tuple[str, str]],
    selected: list[str],
    not_applicable: bool,
    practices_not_applicable: Collection[str] = (),
) -> str:
    """A question's standing: not applicable, unanswered (nothing chosen or marked), or what its rules say.

    A best practice marked "does not apply" counts as followed: the rules see the selected codes and the
    codes of the practices that do not apply."""
    if not_applicable:
        return AnswerRisk.NOT_APPLICABLE
    followed = {*selected, *practices_not_applicable}
    if not followed:
        return AnswerRisk.UNANSWERED
    return evaluate(rules, followed)


def answer_risk(
    *, question_id: int, selected: list[str], not_applicable: bool, practices_not_applicable: Collection[str] = ()
) -> str:
    rules = list(question_sheet(question_id).rules)
    return risk_for(
        rules=rules,
        selected=selected,
        not_applicable=not_applicable,
        practices_not_applicable=practices_not_applicable,
    )


class AnswerVersionAhead(Exception):
    """The save names a version the answer has not reached; nothing was saved. Every version a person or script
    was shown is the answer's current one or an older one, so a newer one is a mistake (or a guess), never a
    save to merge: merged against the newest history, it would pass for "nothing changed since" and overwrite
    whoever saved last."""

    def __init__(self, *, sent: int, current: int) -> None:
        super().__init__(
            f"This answer is at version {current}, so it cannot be saved from version {sent}: send the version "
            "you last read (reload the answer to see it)."
        )


@transaction.atomic
def answer_save(
    *,
    answer: Answer,
    user: User | None,
    data: AnswerState,
    expected_version: int,
    changed: frozenset[str] | None = None,
    note: str = "",
) -> Answer:
    """Save `data` as the answer, started from `expected_version`; keep the change in history.

    `data` is trusted (views validate it with `AnswerForm`). With `changed`, only those fields of `data` are
    written over the answer as loaded. When someone saved the answer since `expected_version`, the fields the
    user changed are merged over theirs (see merging.py); raises AnswerConflict when both changed the same field.
    The common case is one compare-and-swap UPDATE on the version column, so two saves cannot both win.
    Raises AnswerVersionAhead for an `expected_version` past the answer's current one.
    """
    # `answer` was loaded after the caller read its version, so its version is at least any the caller was shown.
    if expected_version > answer.version:
        raise AnswerVersionAhead(sent=expected_version, current=answer.version)
    if changed is not None:
        order = question_sheet(answer.question_id).codes
        data = merging.apply_fields(onto=answer.answer_state(), source=data, fields=changed, order=order)
    # A save that answers an unanswered question may complete the review: such saves take turns on the review's
    # row (before the answer's, the order a move to a new lens version locks them in), so of two saves answering
    # the last two questions at once, the second sees the first's answer and is the one that completes it.
    # A pre-filled answer is not yet counted as answered: a person's save confirms it, and may complete the review.
    was_prefilled = bool(answer.prefilled_from)
    answering = (answer.risk == AnswerRisk.UNANSWERED or was_prefilled) and _answers_something(data)
    if answering:
        Review.objects.select_for_update().filter(pk=answer.review_id).values_list("pk").first()
    before = answer.state()
    if _write(answer, user=user, state=data, expected_version=expected_version):
        _record(answer, user=user, before=before, note=note)
        _check_completed(answer, user=user, before_risk=before["risk"], was_prefilled=was_prefilled)
        return answer
    return _merge_save(answer, user=user, data=data, expected_version=expected_version, changed=changed, note=note)


def answer_save_merging(
    *, answer: Answer, user: User, data: AnswerState, expected_version: int, changed: frozenset[str] | None = None
) -> str:
    """`answer_save`, telling whose changes it kept: the name of the other person who saved since
    `expected_version` when the save merged over their changes, or "" when the answer was written as sent.
    The question page's save and the API's both say it."""
    theirs_by = answer.updated_by_id if answer.version != expected_version else None
    answer_save(answer=answer, user=user, data=data, expected_version=expected_version, changed=changed)
    if theirs_by is None or theirs_by == user.pk or answer.answer_state() == data:
        return ""
    person = get_user_model().objects.filter(pk=theirs_by).first()
    return person.get_username() if person else "someone"


def _answers_something(state: AnswerState) -> bool:
    """Whether saving `state` leaves the question answered (see `risk_for`)."""
    return bool(state.not_applicable or state.selected or state.practices_not_applicable)


def _check_completed(answer: Answer, *, user: User | None, before_risk: str, was_prefilled: bool = False) -> None:
    """Send `signals.review_completed` after the commit when this save answered (or confirmed) the review's last
    question not yet answered: one query, and only on a save that moved its question from unanswered, or from
    pre-filled, to answered. Pre-filled answers waiting for a person's confirmation are not answered yet."""
    if (before_risk != AnswerRisk.UNANSWERED and not was_prefilled) or answer.risk == AnswerRisk.UNANSWERED:
        return
    if Answer.objects.filter(review_id=answer.review_id).exclude(answered_filter()).exists():
        return
    transaction.on_commit(partial(review_completed.send, sender=Review, review_id=answer.review_id, user=user))


def _merge_save(
    answer: Answer,
    *,
    user: User | None,
    data: AnswerState,
    expected_version: int,
    changed: frozenset[str] | None,
    note: str,
) -> Answer:
    """The slow path of a save that lost its compare-and-swap: lock the row and merge with the base version."""
    current = Answer.objects.select_for_update().get(pk=answer.pk)
    sheet = question_sheet(answer.question_id)
    theirs = current.answer_state()
    base = answer_state_at(answer=current, version=expected_version)
    if base is None:  # history without versions: nothing to merge against, unless both sides agree
        if data != theirs:
            differing = merging.changed_fields(theirs, data)
            raise AnswerConflict(mine_changed=differing, overlap=differing)
        base = theirs
    mine_changed = changed if changed is not None else merging.changed_fields(base, data)
    result = merging.merge(
        base=base, theirs=theirs, mine=data, mine_changed=mine_changed, order=sheet.codes, none_codes=sheet.none_codes
    )
    if result.state is None:
        raise AnswerConflict(mine_changed=frozenset(mine_changed), overlap=result.overlap)
    before, was_prefilled = current.state(), bool(current.prefilled_from)
    _write(current, user=user, state=result.state, expected_version=current.version)
    _record(current, user=user, before=before, note=note)
    _check_completed(current, user=user, before_risk=before["risk"], was_prefilled=was_prefilled)
    names = (
        "selected",
        "not_applicable",
        "reason",
        "notes",
        "practices_not_applicable",
        "profile_overrides",
        "risk",
        "prefilled_from",
    )
    for name in (*names, "updated_by", "updated_at", "version"):
        setattr(answer, name, getattr(current, name))
    return answer


def _write(answer: Answer, *, user: User | None, state: AnswerState, expected_version: int) -> bool:
    """Compare-and-swap: write `state` if the answer is still at `expected_version`; update `answer` in memory."""
    order = question_sheet(answer.question_id).codes
    selected = [code for code in order if code in state.selected]
    marks = {code: state.practices_not_applicable[code] for code in order if code in state.practices_not_applicable}
    risk = answer_risk(
        question_id=answer.question_id,
        selected=selected,
        not_applicable=state.not_applicable,
        practices_not_applicable=list(marks),
    )
    fields = {
        "selected": selected,
        "not_applicable": state.not_applicable,
        "reason": state.reason if state.not_applicable else "",
        "notes": state.notes,
        "practices_not_applicable": marks,
        "profile_overrides": _profile_overrides(answer, marks),
        "risk": risk,
        "prefilled_from": "",  # a person's save confirms what a template or another review pre-filled
        "updated_by": user,
        "updated_at": timezone.now(),
    }
    updated = Answer.objects.filter(pk=answer.pk, version=expected_version).update(version=F("version") + 1, **fields)
    if updated:
        for name, value in fields.items():
            setattr(answer, name, value)
        answer.version = expected_version + 1
    return bool(updated)


def _profile_overrides(answer: Answer, marks: dict) -> list[str]:
    """The answer's `profile_overrides` after a person's save: the practices the workload profile had marked "does
    not apply" that the save ticks, unmarks or marks for another reason join those a person decided on before."""
    profile = NotApplicableReason.PROFILE
    undone = [
        code
        for code, mark in answer.practices_not_applicable.items()
        if mark.get("reason") == profile and marks.get(code, {}).get("reason") != profile
    ]
    return [*answer.profile_overrides, *(code for code in undone if code not in answer.profile_overrides)]


def _record(answer: Answer, *, user: User | None, before: dict, note: str) -> None:
    """Keep the change in history when it changed what a user sees; tell the apps that follow ticked practices
    (`signals.answer_practices_changed`) when those changed, and those that follow the answer's standing
    (`signals.answer_standing_changed`) when it changed."""
    if list(answer.selected) != before["selected"]:
        answer_practices_changed.send(
            sender=Answer, answer=answer, user=user, before=tuple(before["selected"]), after=tuple(answer.selected)
        )
    if _standing(answer.state()) != _standing(before):
        answer_standing_changed.send(sender=Answer, answer=answer, user=user, before=before)
    if answer.state() != before:
        AnswerChange.objects.create(
            answer=answer,
            changed_by=user,
            changed_at=answer.updated_at or timezone.now(),  # set by the save just made
            before=before,
            after=answer.state(),
            note=note,
            version=answer.version,
        )


def _standing(state: dict) -> tuple:
    """What of an answer's state its risk and its recommendations follow from."""
    return (state["selected"], state["not_applicable"], sorted(state["practices_not_applicable"]), state["risk"])


def answer_state_at(*, answer: Answer, version: int) -> AnswerState | None:
    """The answer as it was at `version`, from its history; None when the history cannot tell."""
    changes = AnswerChange.objects.filter(answer=answer)
    change = changes.filter(version__lte=version).order_by("-version").first()
    if change is not None:
        return AnswerState.from_history(change.after)
    if changes.filter(version__isnull=True).exists():
        return None
    return AnswerState()  # never changed since it was created unanswered


@transaction.atomic
def answer_confirm(*, answer: Answer, user: User) -> bool:
    """Confirm a pre-filled answer as it stands (`Answer.prefilled_from`): it now counts as answered, the change
    is kept in history, and the review completes when this was its last question waiting. False, changing
    nothing, when the answer was no longer waiting (confirmed or changed meanwhile). Locks the review's row, then
    the answer's, as a save that may complete the review does."""
    Review.objects.select_for_update().filter(pk=answer.review_id).values_list("pk").first()
    current = Answer.objects.select_for_update().get(pk=answer.pk)
    if not current.prefilled_from:
        return False
    limit = AnswerChange._meta.get_field("note").max_length or 200
    state = current.state()
    note = f"Confirmed the answer pre-filled from {current.prefilled_from}"[:limit]
    current.prefilled_from, current.updated_by, current.updated_at = "", user, timezone.now()
    current.save(update_fields=["prefilled_from", "updated_by", "updated_at"])
    AnswerChange.objects.create(
        answer=current, changed_by=user, before=state, after=state, note=note, version=current.version
    )
    _check_completed(current, user=user, before_risk=current.risk, was_prefilled=True)
    answer.prefilled_from = ""
    return True


@transaction.atomic
def answer_note(*, answer: Answer, user: User, note: str) -> AnswerChange:
    """Keep in the answer's history something done beside it that leaves the answer as it is (evidence added to a
    practice or removed): a change whose before and after are the answer as it stands, at its current version, so
    merging a later save against that version reads the same state either way. Locks the answer's row, so the
    state and version recorded belong together."""
    current = Answer.objects.select_for_update().get(pk=answer.pk)
    limit = AnswerChange._meta.get_field("note").max_length or len(note)
    state = current.state()
    return AnswerChange.objects.create(
        answer=current, changed_by=user, before=state, after=state, note=note[:limit], version=current.version
    )
