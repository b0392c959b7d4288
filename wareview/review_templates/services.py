"""Writes for review templates: saving a review's answers as a template, deleting one, and starting a review
pre-filled from a template or from another review of the team.

A pre-filled answer carries `Answer.prefilled_from` until a person confirms or changes it
(`reviews.services.answer_confirm`, `answer_save`); until then progress does not count it. Answers saved from an
earlier version of the lens follow the lens's upgrade mapping, as a review moving to a new version does
(`reviews.upgrade`).
"""

import itertools

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from wareview.lenses.models import Lens
from wareview.review_templates.models import ReviewTemplate
from wareview.review_templates.selectors import PrefillSource
from wareview.reviews.merging import AnswerState
from wareview.reviews.models import Answer, AnswerChange, NotApplicableReason, Review
from wareview.reviews.services import review_start, risk_for
from wareview.reviews.upgrade import LensShape, carry, lens_shapes, mapping_step
from wareview.workloads.models import Workload


class TemplateError(Exception):
    """A template that cannot be saved, with words for the person who asked."""


def template_save(*, review: Review, name: str, description: str, user: User) -> ReviewTemplate:
    """Save the review's answers (ticked practices, "does not apply" marks with their reasons and notes, the
    notes; never the risks) as a template of its team, named `name` (unique in the team, whatever the case).
    Answers that say nothing are left out. Raises TemplateError for a name the team already uses."""
    team = review.workload.team
    answers = Answer.objects.filter(review=review).select_related("question").order_by("question__code")
    saved = {answer.question.code: _template_answer(answer) for answer in answers if _says_something(answer)}
    template = ReviewTemplate(
        team=team, lens=review.lens, name=name, description=description, answers=saved, created_by=user
    )
    try:
        with transaction.atomic():
            template.save()
    except IntegrityError as error:  # the name is taken (review_template_unique_name_in_team)
        refusal = f"The team already has a template named “{name}”: choose another name, or delete that one first."
        raise TemplateError(refusal) from error
    return template


def _says_something(answer: Answer) -> bool:
    return answer.answer_state() != AnswerState()


def _template_answer(answer: Answer) -> dict:
    state = answer.state()
    del state["risk"]
    return state


def template_delete(*, template: ReviewTemplate) -> None:
    template.delete()


@transaction.atomic
def review_start_prefilled(*, workload: Workload, lens: Lens, source: PrefillSource, user: User) -> Review:
    """Open a review of `workload` on `lens` (`reviews.services.review_start`, with its refusals) and pre-fill
    its answers from `source`."""
    review = review_start(workload=workload, lens=lens, user=user)
    review_prefill(review=review, states=source_states(source), from_lens=source.lens, label=source.label, user=user)
    return review


def source_states(source: PrefillSource) -> dict[str, AnswerState]:
    """The answers of a template or a review, by question code. A query for a review, none for a template."""
    if source.template is not None:
        return {code: AnswerState.from_history(state) for code, state in source.template.answers.items()}
    assert source.review is not None
    answers = Answer.objects.filter(review=source.review).select_related("question")
    return {answer.question.code: answer.answer_state() for answer in answers}


def review_prefill(
    *, review: Review, states: dict[str, AnswerState], from_lens: Lens, label: str, user: User
) -> list[Answer]:
    """Write `states` (answers to `from_lens`, by question code) over the review's answers, taken through the
    upgrade mapping of every published version from `from_lens` to the review's: each answer that receives
    something gets its risk from its question's rules, `prefilled_from = label` and a history entry "Pre-filled
    from <label>". Bulk writes: the same number of queries whatever the size of the lens."""
    if from_lens.slug != review.lens.slug or from_lens.version > review.lens.version:
        raise TemplateError("Answers are pre-filled only from the same question set, at its version or an earlier one.")
    chain = list(
        Lens.objects.published()
        .filter(slug=from_lens.slug, version__gte=from_lens.version, version__lte=review.lens.version)
        .order_by("version")
    )
    shapes = lens_shapes(lenses=chain)
    carried = _within(states, shapes[chain[0].pk])
    for old_lens, new_lens in itertools.pairwise(chain):
        old, new = shapes[old_lens.pk], shapes[new_lens.pk]
        carried = carry(states=carried, old=old, new=new, step=mapping_step(old=old, new=new))
    target = shapes[review.lens_id]
    now = timezone.now()
    note = f"Pre-filled from {label}"[: AnswerChange._meta.get_field("note").max_length or len(label)]
    filled: list[Answer] = []
    changes: list[AnswerChange] = []
    for answer in Answer.objects.filter(review=review).select_related("question"):
        state = carried.get(answer.question.code, AnswerState())
        if state == AnswerState():
            continue
        before = answer.state()
        question = target.questions[answer.question.code]
        _fill(answer, state, rules=question.rules, codes=[choice.code for choice in question.choices])
        answer.prefilled_from, answer.updated_by, answer.updated_at = label, user, now
        answer.version += 1
        filled.append(answer)
        changes.append(
            AnswerChange(
                answer=answer,
                changed_by=user,
                changed_at=now,
                before=before,
                after=answer.state(),
                note=note,
                version=answer.version,
            )
        )
    Answer.objects.bulk_update(filled, PREFILLED_FIELDS)
    AnswerChange.objects.bulk_create(changes)
    return filled


PREFILLED_FIELDS = [
    "selected",
    "not_applicable",
    "reason",
    "notes",
    "practices_not_applicable",
    "risk",
    "prefilled_from",
    "updated_by",
    "updated_at",
    "version",
]


def _within(states: dict[str, AnswerState], shape: LensShape) -> dict[str, AnswerState]:
    """`states` cut to what `shape` has: its questions, and each question's own practices (a template saved from
    a version is applied to that version's questions). Marks the workload profile made (reason "profile") are
    left behind: they belong to that workload's profile, not to the answers a team reuses."""
    kept = {}
    for code, question in shape.questions.items():
        state = states.get(code)
        if state is None:
            continue
        codes = [choice.code for choice in question.choices]
        kept[code] = AnswerState(
            selected=[c for c in codes if c in state.selected],
            not_applicable=state.not_applicable,
            reason=state.reason if state.not_applicable else "",
            notes=state.notes,
            practices_not_applicable={
                c: mark
                for c in codes
                if (mark := state.practices_not_applicable.get(c)) and mark.get("reason") != NotApplicableReason.PROFILE
            },
        )
    return kept


def _fill(answer: Answer, state: AnswerState, *, rules: tuple[tuple[str, str], ...], codes: list[str]) -> None:
    """Write `state` over `answer`, keeping the marks this workload's profile made (the review started with them)
    on practices the state neither ticks nor marks; `codes` are the question's practices, in order."""
    profile_marks = {
        code: mark
        for code, mark in answer.practices_not_applicable.items()
        if mark.get("reason") == NotApplicableReason.PROFILE and code not in state.selected
    }
    marks = profile_marks | dict(state.practices_not_applicable)
    answer.selected = list(state.selected)
    answer.not_applicable, answer.reason, answer.notes = state.not_applicable, state.reason, state.notes
    answer.practices_not_applicable = {code: marks[code] for code in codes if code in marks}
    answer.risk = risk_for(
        rules=list(rules),
        selected=answer.selected,
        not_applicable=answer.not_applicable,
        practices_not_applicable=list(answer.practices_not_applicable),
    )
