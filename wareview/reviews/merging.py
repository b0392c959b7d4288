"""Three-way merge of an answer: what I changed since the version I started from, applied over what another
person saved since. Pure functions, no ORM.

An answer is seen as independent fields: one per best practice (ticked or not, and its own "does not apply" mark
with its reason and note), the question's applicability (its "does not apply" mark with its reason) and its
notes. Two people changing different fields never conflict; the same field
changed to different values by both does, and so does a merge whose practices clash with "None of these".
"""

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

NOTES = "notes"
APPLICABILITY = "applicability"
PRACTICE_PREFIX = "practice:"


@dataclass(frozen=True)
class AnswerState:
    """What a user sees of an answer and can change."""

    # Any sequence of codes on the way in; always a tuple once made (see __post_init__), so states compare equal.
    selected: Sequence[str] = ()
    not_applicable: bool = False
    reason: str = ""
    notes: str = ""
    # Best practices marked "does not apply": {code: {"reason": a NotApplicableReason value, "note": text}}.
    practices_not_applicable: dict[str, dict[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "selected", tuple(self.selected))
        marks = {code: dict(mark) for code, mark in self.practices_not_applicable.items()}
        object.__setattr__(self, "practices_not_applicable", marks)

    @classmethod
    def from_history(cls, state: dict) -> "AnswerState":
        """The state as kept in an answer's history (see `Answer.state`)."""
        return cls(
            selected=tuple(state.get("selected", ())),
            not_applicable=bool(state.get("not_applicable", False)),
            reason=state.get("reason", ""),
            notes=state.get("notes", ""),
            practices_not_applicable=state.get("practices_not_applicable", {}),
        )


@dataclass(frozen=True)
class MergeResult:
    """A merged state, or the fields both sides changed to different values (then `state` is None)."""

    state: AnswerState | None
    overlap: frozenset[str]


def practice_field(code: str) -> str:
    return f"{PRACTICE_PREFIX}{code}"


def field_value(state: AnswerState, name: str) -> object:
    if name == NOTES:
        return state.notes
    if name == APPLICABILITY:
        return (state.not_applicable, state.reason if state.not_applicable else "")
    code = name.removeprefix(PRACTICE_PREFIX)
    return (code in state.selected, state.practices_not_applicable.get(code))


def changed_fields(before: AnswerState, after: AnswerState) -> frozenset[str]:
    """The fields whose value differs between two states of one answer."""
    codes = (*before.selected, *after.selected, *before.practices_not_applicable, *after.practices_not_applicable)
    names = {NOTES, APPLICABILITY} | {practice_field(code) for code in codes}
    return frozenset(name for name in names if field_value(before, name) != field_value(after, name))


def apply_fields(*, onto: AnswerState, source: AnswerState, fields: Iterable[str], order: list[str]) -> AnswerState:
    """`onto` with the given fields taken from `source`; practices kept in the question's `order`."""
    fields = set(fields)
    selected = set(onto.selected)
    marks = dict(onto.practices_not_applicable)
    for name in fields:
        if name.startswith(PRACTICE_PREFIX):
            code = name.removeprefix(PRACTICE_PREFIX)
            (selected.add if code in source.selected else selected.discard)(code)
            mark = source.practices_not_applicable.get(code)
            if mark is None:
                marks.pop(code, None)
            else:
                marks[code] = mark
    applicability = source if APPLICABILITY in fields else onto
    return AnswerState(
        selected=tuple(code for code in order if code in selected),
        not_applicable=applicability.not_applicable,
        reason=applicability.reason if applicability.not_applicable else "",
        notes=source.notes if NOTES in fields else onto.notes,
        practices_not_applicable={code: marks[code] for code in order if code in marks},
    )


def merge(
    *,
    base: AnswerState,
    theirs: AnswerState,
    mine: AnswerState,
    mine_changed: Collection[str],
    order: list[str],
    none_codes: Collection[str],
) -> MergeResult:
    """Apply the fields I changed (`mine_changed`, relative to `base`) over `theirs`.

    A field both sides changed conflicts only when they changed it to different values. A merge that would tick
    "None of these" beside a best practice conflicts on the practices involved.
    """
    theirs_changed = changed_fields(base, theirs)
    overlap = frozenset(
        name for name in set(mine_changed) & theirs_changed if field_value(mine, name) != field_value(theirs, name)
    )
    if overlap:
        return MergeResult(state=None, overlap=overlap)
    merged = apply_fields(onto=theirs, source=mine, fields=mine_changed, order=order)
    if set(merged.selected) & set(none_codes) and len(merged.selected) > 1:
        clash = frozenset(practice_field(code) for code in merged.selected)
        return MergeResult(state=None, overlap=clash & (set(mine_changed) | theirs_changed))
    return MergeResult(state=merged, overlap=frozenset())
