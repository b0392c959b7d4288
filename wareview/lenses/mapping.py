"""The upgrade mapping: how a lens version's questions and best practices take over those of the version before.

`Question.replaces` lists question codes of the lens's previous published version (same slug, next lower
version) whose answers the question takes over; empty means the question with its own code. `Choice.replaces`
lists `"<old question code>/<old choice code>"` entries: a tick (or "does not apply" mark) on any of them becomes
one on this practice; empty means this choice's own code in each question the new question takes over, and for
"None of these" also the "None of these" of each of those questions (their codes differ from question to
question). Renaming is one new choice listing one old one, merging one listing several, splitting several new
choices listing the same old one. A merge into a stricter practice sets `Choice.replaces_needs_all`: the practice
is then credited only when every one it lists was ticked or did not apply (see `wareview.reviews.upgrade`).

Pure functions over plain values: the format check, the check against the previous version, and resolving the
defaults. `check_lenses`, the admin, the lens-file importer and `reviews.upgrade` share them.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

CODE_MAX_LENGTH = 128
SEPARATOR = "/"

# (where within the value, e.g. "" or "[2]"; the message)
Problem = tuple[str, str]


@dataclass(frozen=True)
class OldQuestion:
    """What the previous version's question offers a mapping: its choice codes, and which are "None of these"."""

    choices: frozenset[str]
    none_choices: frozenset[str] = frozenset()


def replaces_format_problems(value: object, *, of_choice: bool) -> list[Problem]:
    """What is malformed in a `replaces` value: not a list, an entry that is not a code (or, for a choice, not
    `"<question code>/<choice code>"`), an entry listed twice."""
    wanted = 'a list of "<old question code>/<old choice code>" strings' if of_choice else "a list of question codes"
    if not isinstance(value, list):
        return [("", f"must be {wanted}, got {_kind(value)}")]
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, entry in enumerate(value):
        where = f"[{index}]"
        if not isinstance(entry, str):
            problems.append((where, f"must be a string, got {_kind(entry)}"))
        elif of_choice and not _is_choice_entry(entry):
            problems.append((where, f'{entry!r} is not "<old question code>/<old choice code>"'))
        elif not of_choice and not _is_code(entry):
            problems.append((where, f"{entry!r} is not a question code (no spaces or '/', at most 128 characters)"))
        elif entry in seen:
            problems.append((where, f"{entry!r} is listed twice"))
        else:
            seen.add(entry)
    return problems


def replaces_reference_problems(
    value: Sequence[str], *, of_choice: bool, previous: Mapping[str, OldQuestion] | None, previous_name: str
) -> list[Problem]:
    """The entries of a well-formed `replaces` that the previous version (`previous`, None when there is none)
    lacks; `previous_name` names that version in the messages, e.g. "v1"."""
    problems: list[Problem] = []
    for index, entry in enumerate(value):
        where = f"[{index}]"
        question, _, choice = entry.partition(SEPARATOR)
        if previous is None:
            problems.append((where, f"names {entry!r}, but the lens has no earlier published version"))
        elif question not in previous:
            problems.append((where, f"names question {question!r}, which {previous_name} does not have"))
        elif of_choice and choice not in previous[question].choices:
            problems.append((where, f"names {entry!r}: {previous_name}'s {question} has no choice {choice!r}"))
    return problems


def questions_taken_over(*, code: str, replaces: Sequence[str]) -> tuple[str, ...]:
    """The old question codes whose answers the question `code` takes over."""
    return tuple(replaces) or (code,)


def practice_sources(
    *,
    code: str,
    is_none: bool,
    replaces: Sequence[str],
    taken_over: Sequence[str],
    previous: Mapping[str, OldQuestion],
) -> tuple[tuple[str, str], ...]:
    """The old (question code, choice code) pairs whose tick or mark the choice `code` takes over."""
    if replaces:
        return tuple(_split(entry) for entry in replaces)
    sources = [(question, code) for question in taken_over]
    if is_none:
        for question in taken_over:
            old = previous.get(question)
            sources += [(question, none) for none in sorted(old.none_choices) if none != code] if old else []
    return tuple(sources)


def _split(entry: str) -> tuple[str, str]:
    question, _, choice = entry.partition(SEPARATOR)
    return question, choice


def _is_code(text: str) -> bool:
    return 0 < len(text) <= CODE_MAX_LENGTH and SEPARATOR not in text and not any(c.isspace() for c in text)


def _is_choice_entry(text: str) -> bool:
    question, separator, choice = text.partition(SEPARATOR)
    return bool(separator) and _is_code(question) and _is_code(choice)


def _kind(value: object) -> str:
    """The JSON name of a value's type, for messages."""
    names: Mapping[type, str] = {type(None): "null", bool: "boolean", int: "number", float: "number"}
    names = {**names, str: "string", list: "array", dict: "object"}
    return names.get(type(value), type(value).__name__)
