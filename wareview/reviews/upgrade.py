"""Moving a review to a newer version of its lens, following the new version's upgrade mapping.

Each question of the new version takes over the answers of the questions its `replaces` names (by default the
question with its own code), and each best practice the ticks and "does not apply" marks of the practices its
`replaces` names (by default its own code in those questions, and for "None of these" also their "None of
these"; see `wareview.lenses.mapping`). The rules:

- a tick on any practice a new practice takes over becomes a tick; failing that, a mark becomes a mark, with
  its reason and note (the first one's): a tick wins over a mark;
- a practice whose `replaces_needs_all` is set (a merged, stricter practice) is ticked only when every practice
  it takes over was ticked or marked "does not apply", with at least one ticked, and marked only when every one
  was marked; when some were ticked and others were not, it is left unticked for a person to confirm, and the
  plan and the answer's history say "needs confirmation: only A of A, B was ticked";
- a practice that always applies (`Choice.always_applies`) never receives a "does not apply" mark: the plan and
  the history say the mark was not carried, and a person answers it;
- "None of these" carries only when nothing else on the new question is ticked;
- a question taking over one question keeps its notes as they are; taking over several, it gets their notes
  joined, each under a line naming its old question's code and title;
- a question is marked "does not apply" (with the first one's reason) only when every question it takes over
  was;
- risks are recomputed with the new rules, and each moved answer records the move in its history.

A review more than one version behind moves through every published version in between, one mapping at a time,
so each version's mapping only ever speaks of the version before it. Questions that take over nothing start
unanswered; answers that no new question takes over are deleted with the move. Reads and writes take the same
number of queries whatever the size of the lens and the number of versions crossed.
"""

import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from wareview.lenses.mapping import (
    OldQuestion,
    practice_sources,
    questions_taken_over,
    replaces_format_problems,
)
from wareview.lenses.models import Choice, Lens, Question, RiskRule
from wareview.reviews.merging import AnswerState
from wareview.reviews.models import NOTES_MAX_LENGTH, Answer, AnswerChange, Review
from wareview.reviews.services import risk_for
from wareview.reviews.signals import answers_taken_over, review_upgraded

# A best practice by (question code, choice code).
Ref = tuple[str, str]


class UpgradeError(Exception):
    """A move that cannot be made: not a newer published version of the review's lens, or the review moved."""


@dataclass(frozen=True)
class PracticeShape:
    code: str
    title: str
    is_none: bool
    replaces: tuple[str, ...]
    needs_all: bool = False  # credited only when every practice it takes over was met (Choice.replaces_needs_all)
    always_applies: bool = False  # never marked "does not apply" (Choice.always_applies)


@dataclass(frozen=True)
class QuestionShape:
    question: Question
    choices: tuple[PracticeShape, ...]
    rules: tuple[tuple[str, str], ...]

    def practice(self, code: str) -> PracticeShape | None:
        return next((choice for choice in self.choices if choice.code == code), None)


@dataclass
class LensShape:
    """What matters of a lens version for a move: its questions by code, in lens order."""

    lens: Lens
    questions: dict[str, QuestionShape] = field(default_factory=dict)

    def targets(self) -> dict[str, OldQuestion]:
        return {
            code: OldQuestion(
                choices=frozenset(choice.code for choice in shape.choices),
                none_choices=frozenset(choice.code for choice in shape.choices if choice.is_none),
            )
            for code, shape in self.questions.items()
        }


def newer_versions(*, review: Review) -> list[Lens]:
    return list(Lens.objects.published().filter(slug=review.lens.slug, version__gt=review.lens.version))


def lens_shapes(*, lenses: Sequence[Lens]) -> dict[int, LensShape]:
    """The shapes of several lenses, by lens id: three queries, whatever their number and size."""
    shapes = {lens.pk: LensShape(lens=lens) for lens in lenses}
    questions = Question.objects.filter(pillar__lens__in=shapes).select_related("pillar")
    by_id = {q.pk: q for q in questions.order_by("pillar__lens_id", "pillar__order", "order", "pk")}
    choices: dict[int, list[PracticeShape]] = defaultdict(list)
    rows = Choice.objects.filter(question__in=by_id).order_by("order", "pk")
    for question_id, code, title, is_none, replaces, needs_all, always in rows.values_list(
        "question_id", "code", "title", "is_none", "replaces", "replaces_needs_all", "always_applies"
    ):
        mapping = tuple(_well_formed(replaces, True))
        choices[question_id].append(PracticeShape(code, title, is_none, mapping, needs_all, always))
    rules: dict[int, list[tuple[str, str]]] = defaultdict(list)
    rule_rows = RiskRule.objects.filter(question__in=by_id).order_by("order", "pk")
    for question_id, condition, risk in rule_rows.values_list("question_id", "condition", "risk"):
        rules[question_id].append((condition, risk))
    for pk, question in by_id.items():
        shape = QuestionShape(question, tuple(choices[pk]), tuple(rules[pk]))
        shapes[question.pillar.lens_id].questions[question.code] = shape
    return shapes


def _well_formed(replaces: object, of_choice: bool) -> list[str]:
    """A stored mapping, or none when it is malformed (`check_lenses` reports it)."""
    problems = replaces_format_problems(replaces, of_choice=of_choice)
    return list(replaces) if not problems and isinstance(replaces, list) else []


# One version's mapping, and carrying answers through it.


@dataclass(frozen=True)
class Step:
    """One version's mapping resolved against the version before: what each question and practice takes over."""

    questions: dict[str, tuple[str, ...]]
    practices: dict[Ref, tuple[Ref, ...]]


def mapping_step(*, old: LensShape, new: LensShape) -> Step:
    """The mapping from `old` to `new`, keeping only what `old` has."""
    targets = old.targets()
    questions: dict[str, tuple[str, ...]] = {}
    practices: dict[Ref, tuple[Ref, ...]] = {}
    for code, shape in new.questions.items():
        replaces = _well_formed(shape.question.replaces, False)
        taken_over = questions_taken_over(code=code, replaces=replaces)
        questions[code] = tuple(old_code for old_code in taken_over if old_code in targets)
        for choice in shape.choices:
            sources = practice_sources(
                code=choice.code,
                is_none=choice.is_none,
                replaces=choice.replaces,
                taken_over=taken_over,
                previous=targets,
            )
            practices[code, choice.code] = tuple((q, c) for q, c in sources if q in targets and c in targets[q].choices)
    return Step(questions=questions, practices=practices)


def carry(*, states: dict[str, AnswerState], old: LensShape, new: LensShape, step: Step) -> dict[str, AnswerState]:
    """The answers to `new`'s questions, from the answers to `old`'s (by question code), through `step`."""
    return {
        code: _carry_question(shape, step.questions[code], step, states, old) for code, shape in new.questions.items()
    }


def _carry_question(
    shape: QuestionShape, taken: tuple[str, ...], step: Step, states: dict[str, AnswerState], old: LensShape
) -> AnswerState:
    code = shape.question.code
    ticked: set[str] = set()
    marks: dict[str, dict[str, str]] = {}
    for choice in shape.choices:
        sources = step.practices[code, choice.code]
        ticks = _ticked(states, sources)
        if choice.needs_all and not choice.is_none:
            marked = [source for source in sources if source not in ticks and _mark(states, source)]
            if ticks and len(ticks) + len(marked) == len(sources):
                ticked.add(choice.code)
            elif sources and len(marked) == len(sources):
                marks[choice.code] = dict(_mark(states, marked[0]) or {})
        elif ticks:
            ticked.add(choice.code)
        elif not choice.is_none and (mark := _first_mark(states, sources)):
            marks[choice.code] = mark
        if choice.always_applies:
            marks.pop(choice.code, None)
    nones = {choice.code for choice in shape.choices if choice.is_none}
    if ticked - nones:
        ticked -= nones
    # A practice may come from a question the new question does not take over: its tick or mark still carries.
    not_applicable = bool(taken) and all(_state(states, q).not_applicable for q in taken)
    return AnswerState(
        selected=[choice.code for choice in shape.choices if choice.code in ticked],
        not_applicable=not_applicable,
        reason=_state(states, taken[0]).reason if not_applicable else "",
        notes=_notes(taken, states, old),
        practices_not_applicable={choice.code: marks[choice.code] for choice in shape.choices if choice.code in marks},
    )


def _state(states: dict[str, AnswerState], code: str) -> AnswerState:
    return states.get(code) or AnswerState()


def _ticked(states: dict[str, AnswerState], sources: Iterable[Ref]) -> list[Ref]:
    return [(question, choice) for question, choice in sources if choice in _state(states, question).selected]


def _mark(states: dict[str, AnswerState], source: Ref) -> dict[str, str] | None:
    question, choice = source
    return _state(states, question).practices_not_applicable.get(choice) or None


def _first_mark(states: dict[str, AnswerState], sources: Iterable[Ref]) -> dict[str, str] | None:
    for source in sources:
        mark = _mark(states, source)
        if mark:
            return dict(mark)
    return None


@dataclass(frozen=True)
class Unconfirmed:
    """A practice `carry` leaves unticked although the old answer said something of it, for a person to answer."""

    question_code: str
    code: str
    title: str
    message: str  # e.g. "needs confirmation: only a of a, b was ticked"


def unconfirmed(*, states: dict[str, AnswerState], new: LensShape, step: Step) -> list[Unconfirmed]:
    """The practices of `new` that `carry` leaves unticked although the old answer spoke of them: one that needs
    every practice it takes over when only some were ticked, and one that always applies whose sources were
    marked "does not apply"."""
    found: list[Unconfirmed] = []
    for code, shape in new.questions.items():
        for choice in shape.choices:
            sources = step.practices[code, choice.code]
            if choice.is_none:
                continue
            ticks = _ticked(states, sources)
            marked = [source for source in sources if source not in ticks and _mark(states, source)]
            names = ", ".join(c for _, c in sources)
            would_be_marked = not ticks and marked and (not choice.needs_all or len(marked) == len(sources))
            if choice.needs_all and ticks and len(ticks) + len(marked) < len(sources):
                message = f"only {', '.join(c for _, c in ticks)} of {names} was ticked"
            elif choice.always_applies and would_be_marked:
                message = f'{choice.code} always applies, so the "does not apply" mark of {names} was not carried'
            else:
                continue
            found.append(Unconfirmed(code, choice.code, choice.title, f"needs confirmation: {message}"))
    return found


def _notes(taken: tuple[str, ...], states: dict[str, AnswerState], old: LensShape) -> str:
    if not taken:
        return ""
    if len(taken) == 1:
        return _state(states, taken[0]).notes
    return "\n\n".join(
        f"From {code} · {old.questions[code].question.title}\n{_state(states, code).notes}"
        for code in taken
        if _state(states, code).notes.strip()
    )


# The plan: what a move would do, for the user to see before agreeing, and for the move itself.


@dataclass(frozen=True)
class PracticeRef:
    question_code: str
    code: str
    title: str


@dataclass
class QuestionMove:
    """A question of the new version and the questions of the review's version it takes over."""

    question: Question
    takes_over: list[Question]
    changed: bool = False
    # Old questions whose practices this question takes over without taking over the question itself.
    practices_from: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        if not self.takes_over:
            return "new"
        if len(self.takes_over) > 1:
            return "merged"
        if self.takes_over[0].code != self.question.code:
            return "renamed"
        return "changed" if self.changed else "unchanged"


@dataclass
class PracticeMove:
    """Old practices → new practices: a rename (one → one), a merge (several → one) or a split (one → several)."""

    old: list[PracticeRef]
    new: list[PracticeRef]


@dataclass
class DroppedPractice:
    practice: PracticeRef
    in_answer: str  # "ticked", "marked as not applying" or ""


@dataclass
class UpgradePlan:
    review: Review
    target: Lens
    crossed: list[Lens] = field(default_factory=list)  # the versions in between, oldest first
    moves: list[QuestionMove] = field(default_factory=list)
    removed: list[Question] = field(default_factory=list)
    renamed: list[PracticeMove] = field(default_factory=list)
    merged: list[PracticeMove] = field(default_factory=list)
    split: list[PracticeMove] = field(default_factory=list)
    dropped: list[DroppedPractice] = field(default_factory=list)
    long_notes: list[str] = field(default_factory=list)
    # Merged practices left unticked because only some of what they need was ticked, in the order of the move.
    to_confirm: list[Unconfirmed] = field(default_factory=list)
    # For the move: the review's answers by old code, the carried answers and their origins by new code.
    answers: dict[str, Answer] = field(default_factory=dict)
    carried: dict[str, AnswerState] = field(default_factory=dict)
    origins: dict[str, tuple[str, ...]] = field(default_factory=dict)
    rules: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    # Each practice of the review's version (by question and choice code) → the new practices taking it over.
    successors: dict[Ref, list[Ref]] = field(default_factory=dict)

    @property
    def added(self) -> list[Question]:
        return [move.question for move in self.moves if move.kind == "new"]

    @property
    def changed(self) -> list[Question]:
        return [move.question for move in self.moves if move.kind == "changed"]

    @property
    def unchanged_count(self) -> int:
        return sum(move.kind == "unchanged" for move in self.moves)


def review_upgrade_plan(*, review: Review, target: Lens, lock: bool = False) -> UpgradePlan:
    """What moving `review` to `target` does: five queries, whatever the lens's size and the versions crossed.

    With `lock`, the review's answers are locked until the transaction ends (the move itself)."""
    chain = list(
        Lens.objects.published()
        .filter(slug=review.lens.slug, version__gte=review.lens.version, version__lte=target.version)
        .order_by("version")
    )
    if not chain or chain[0].pk != review.lens_id or chain[-1].pk != target.pk:
        raise UpgradeError("A review moves only to a newer published version of its own lens.")
    shapes = lens_shapes(lenses=chain)
    answers_query = Answer.objects.filter(review=review).select_related("question")
    if lock:
        answers_query = answers_query.select_for_update(of=("self",))
    answers = {answer.question.code: answer for answer in answers_query}
    plan = UpgradePlan(review=review, target=target, crossed=chain[1:-1], answers=answers)
    first = shapes[chain[0].pk]
    states = {code: answers[code].answer_state() if code in answers else AnswerState() for code in first.questions}
    origins: dict[str, tuple[str, ...]] = {code: (code,) for code in first.questions}
    practice_origins: dict[Ref, tuple[Ref, ...]] = {
        (q, c.code): ((q, c.code),) for q, shape in first.questions.items() for c in shape.choices
    }
    for old_lens, new_lens in itertools.pairwise(chain):
        old, new = shapes[old_lens.pk], shapes[new_lens.pk]
        step = mapping_step(old=old, new=new)
        plan.to_confirm += unconfirmed(states=states, new=new, step=step)
        states = carry(states=states, old=old, new=new, step=step)
        origins = {code: _union(origins[q] for q in taken) for code, taken in step.questions.items()}
        practice_origins = {
            ref: _union(practice_origins[s] for s in sources) for ref, sources in step.practices.items()
        }
    plan.carried, plan.origins = states, origins
    plan.rules = {code: shape.rules for code, shape in shapes[target.pk].questions.items()}
    _describe(plan, first, shapes[target.pk], practice_origins)
    return plan


def _union(groups: Iterable[tuple]) -> tuple:
    """The items of several tuples, each once, in order."""
    return tuple(dict.fromkeys(item for group in groups for item in group))


def _describe(plan: UpgradePlan, first: LensShape, last: LensShape, practices: dict[Ref, tuple[Ref, ...]]) -> None:
    """Fill in what the user sees: each question's sources, and practices renamed, merged, split and dropped.

    `practices` maps each practice of `last` to the practices of `first` it takes over."""
    taken_over = {code for sources in plan.origins.values() for code in sources}
    for code, shape in last.questions.items():
        old_questions = [first.questions[q].question for q in plan.origins[code]]
        changed = plan.origins[code] == (code,) and _differs(first.questions[code], shape)
        from_elsewhere = _union(tuple(q for q, _ in practices[code, c.code]) for c in shape.choices)
        others = [q for q in from_elsewhere if q not in plan.origins[code]]
        plan.moves.append(QuestionMove(shape.question, old_questions, changed=changed, practices_from=others))
    plan.removed = [shape.question for code, shape in first.questions.items() if code not in taken_over]
    plan.long_notes = [code for code, state in plan.carried.items() if len(state.notes) > NOTES_MAX_LENGTH]
    kept = {
        new: tuple(old for old in olds if not _is_none(first, old))
        for new, olds in practices.items()
        if not _is_none(last, new)
    }
    successors: dict[Ref, list[Ref]] = defaultdict(list)
    for new, olds in kept.items():
        for old in olds:
            successors[old].append(new)
    for new, olds in kept.items():
        if len(olds) > 1:
            plan.merged.append(_practice_move(first, olds, last, [new]))
        elif len(olds) == 1 and successors[olds[0]] == [new] and _renamed(first, olds[0], last, new, plan):
            plan.renamed.append(_practice_move(first, olds, last, [new]))
    plan.successors = dict(successors)
    for old, news in successors.items():
        if len(news) > 1:
            plan.split.append(_practice_move(first, [old], last, news))
    for code, shape in first.questions.items():
        for choice in shape.choices:
            if not choice.is_none and not successors.get((code, choice.code)):
                ref = PracticeRef(code, choice.code, choice.title)
                plan.dropped.append(DroppedPractice(ref, _in_answer(plan.answers.get(code), choice.code)))


def _practice_move(first: LensShape, olds: Iterable[Ref], last: LensShape, news: Iterable[Ref]) -> PracticeMove:
    return PracticeMove([_practice_ref(first, old) for old in olds], [_practice_ref(last, new) for new in news])


def _practice_ref(shape: LensShape, ref: Ref) -> PracticeRef:
    question, code = ref
    practice = shape.questions[question].practice(code)
    return PracticeRef(question, code, practice.title if practice else code)


def _is_none(shape: LensShape, ref: Ref) -> bool:
    practice = shape.questions[ref[0]].practice(ref[1])
    return practice is not None and practice.is_none


def _renamed(first: LensShape, old: Ref, last: LensShape, new: Ref, plan: UpgradePlan) -> bool:
    """A one-to-one move the user would notice: a new title, or a move from a question its new question does
    not take over."""
    moved = old[0] not in plan.origins.get(new[0], ())
    return moved or _practice_ref(first, old).title != _practice_ref(last, new).title


def _in_answer(answer: Answer | None, code: str) -> str:
    if answer is None:
        return ""
    if code in answer.selected:
        return "ticked"
    return "marked as not applying" if code in answer.practices_not_applicable else ""


def _differs(old: QuestionShape, new: QuestionShape) -> bool:
    return (
        (old.question.title, old.question.description) != (new.question.title, new.question.description)
        or [(c.code, c.title) for c in old.choices] != [(c.code, c.title) for c in new.choices]
        or old.rules != new.rules
    )


# The move.

MOVED_FIELDS = [
    "question",
    "selected",
    "not_applicable",
    "reason",
    "notes",
    "practices_not_applicable",
    "risk",
    "updated_at",
    "updated_by",
    "version",
]


@transaction.atomic
def review_upgrade(*, review: Review, target: Lens, user: User) -> Review:
    """Move `review` to the published `target` version of its lens, with bulk writes and a fixed number of
    queries: the answers each new question takes over are carried (see the module's docstring)."""
    locked = Review.objects.select_for_update().filter(pk=review.pk, lens=review.lens_id).first()
    if locked is None or not target.is_published or target.version <= review.lens.version:
        raise UpgradeError("The review has moved since, or that is not a newer published version of its lens.")
    plan = review_upgrade_plan(review=review, target=target, lock=True)
    before = {code: answer.state() for code, answer in plan.answers.items()}
    reused, left = _claim_rows(plan)
    now = timezone.now()
    note = _move_note(review.lens, target)
    questions = {move.question.code: move.question for move in plan.moves}
    created: list[Answer] = []
    changes: list[tuple[Answer, dict, str]] = []
    practices_from = {move.question.code: move.practices_from for move in plan.moves}
    takers: dict[str, Answer] = {}  # each new question → its answer row
    for code, question in questions.items():
        sources = plan.origins[code]
        if not sources and plan.carried[code] == AnswerState():
            created.append(Answer(review=review, question=question))
            takers[code] = created[-1]  # a practice of another question may still move here
            continue
        answer = reused.get(code) or Answer(review=review, version=0)
        _fill(answer, plan.carried[code], question, plan.rules[code])
        answer.updated_at, answer.updated_by, answer.version = now, user, answer.version + 1
        takers[code] = answer
        if code not in reused:
            created.append(answer)
        state_before = before[sources[0]] if sources and sources[0] in before else Answer().state()
        confirm = [item.message for item in plan.to_confirm if item.question_code == code]
        changes.append((answer, state_before, _history_note(note, code, sources, practices_from[code], confirm)))
    Answer.objects.bulk_update(list(reused.values()), MOVED_FIELDS)
    Answer.objects.bulk_create(created)
    # Rows left over are deleted once what follows answers (evidence) has moved to the rows that take them over.
    moves, practices = _takeovers(plan, takers, left)
    if moves or practices:
        answers_taken_over.send(sender=Answer, moves=moves, practices=practices)
    Answer.objects.filter(pk__in=[answer.pk for answer in left]).delete()
    AnswerChange.objects.bulk_create(
        AnswerChange(
            answer=answer,
            changed_by=user,
            changed_at=now,
            before=state_before,
            after=answer.state(),
            note=history_note,
            version=answer.version,
        )
        for answer, state_before, history_note in changes
    )
    review.lens = target
    review.save(update_fields=["lens", "updated_at"])
    review_upgraded.send(sender=Review, review=review, user=user)
    return review


def _takeovers(
    plan: UpgradePlan, takers: dict[str, Answer], left: list[Answer]
) -> tuple[dict[int, int], dict[tuple[int, str], tuple[int, str]]]:
    """What `signals.answers_taken_over` says: the id of each answer row about to be deleted → the id of the row
    of the first new question that takes it over (none for a question no new one takes over); and each practice
    that changes row or code → where it goes, as (answer id, practice code) → (answer id, practice code), to the
    first of its successors."""
    leaving = {answer.pk for answer in left}
    moves: dict[int, int] = {}
    for code, taker in takers.items():
        for source in plan.origins[code]:
            old = plan.answers.get(source)
            if old is not None and old.pk in leaving:
                moves.setdefault(old.pk, taker.pk)
    practices: dict[tuple[int, str], tuple[int, str]] = {}
    for (old_question, old_code), news in plan.successors.items():
        new_question, new_code = news[0]
        from_row, to_row = plan.answers.get(old_question), takers.get(new_question)
        if from_row is not None and to_row is not None and (from_row.pk, old_code) != (to_row.pk, new_code):
            practices[from_row.pk, old_code] = (to_row.pk, new_code)
    return moves, practices


def _claim_rows(plan: UpgradePlan) -> tuple[dict[str, Answer], list[Answer]]:
    """Which old answer row each new question reuses (its own code's first, else the first it takes over that
    no other question reused), and the rows left over, to delete."""
    free = dict(plan.answers)
    reused: dict[str, Answer] = {}
    for code, sources in plan.origins.items():
        if code in sources and code in free:
            reused[code] = free.pop(code)
    for code, sources in plan.origins.items():
        first = next((source for source in sources if source in free), None)
        if code not in reused and first is not None:
            reused[code] = free.pop(first)
    return reused, list(free.values())


def _fill(answer: Answer, state: AnswerState, question: Question, rules: Sequence[tuple[str, str]]) -> None:
    answer.question = question
    answer.selected = list(state.selected)
    answer.not_applicable, answer.reason, answer.notes = state.not_applicable, state.reason, state.notes
    answer.practices_not_applicable = state.practices_not_applicable
    answer.risk = risk_for(
        rules=list(rules),
        selected=answer.selected,
        not_applicable=answer.not_applicable,
        practices_not_applicable=list(answer.practices_not_applicable),
    )


def _move_note(old: Lens, new: Lens) -> str:
    return f"moved from lens v{old.version} to v{new.version}"


def _history_note(
    note: str, code: str, sources: tuple[str, ...], practices_from: Sequence[str], confirm: Sequence[str]
) -> str:
    """The move's note in an answer's history, naming the questions it took over when not just its own, those it
    took practices from, and the merged practices left for a person to confirm."""
    if sources and sources != (code,):
        note = f"{note}, taking over {', '.join(sources)}"
    if practices_from:
        note = f"{note}, with practices from {', '.join(practices_from)}"
    for message in confirm:
        note = f"{note}; {message}"
    limit = AnswerChange._meta.get_field("note").max_length or len(note)
    return note if len(note) <= limit else note[: limit - 1] + "…"
