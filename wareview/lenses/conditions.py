"""The workload profile's part of a lens: its questions' options, the facts they give, and the conditions over
those facts (`Choice.applies_when`, `Question.first_when`), with whether a practice may carry them.

A profile question without options is answered yes or no, and its code is a fact true on "yes"; one with options
(two or more `{"code", "label"}`) gives a fact per option, true when it is the one chosen. Fact codes are unique
in the lens. A condition uses the risk rules' grammar (`wareview.lenses.risk`) over these facts, and is never
`default`: a practice that always applies carries no condition.

Pure functions over plain values: the lens-file validation, the admin and `check_lenses` share them.
"""

import re
from collections.abc import Collection, Iterable

from wareview.lenses.risk import Always, RuleError, check_condition, parse

# A code as the risk rules' grammar writes one.
CODE_PATTERN = re.compile(r"[A-Za-z0-9_]+")
CODE_MAX_LENGTH = 128
LABEL_MAX_LENGTH = 200
OPTION_FIELDS = ("code", "label")

# (where within the value, e.g. "" or "[1].code"; the message)
Problem = tuple[str, str]


def option_problems(options: object) -> list[Problem]:
    """What is malformed in a profile question's `options`: not a list, fewer than two, an option that is not
    `{"code", "label"}` with a well-formed code and a label, a code given twice."""
    if not isinstance(options, list):
        return [("", f'must be a list of {{"code", "label"}} objects, got {_kind(options)}')]
    if len(options) < 2:
        return [("", "a question with options has at least two; leave options out for a yes/no question")]
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, option in enumerate(options):
        where = f"[{index}]"
        if not isinstance(option, dict):
            problems.append((where, f"must be an object, got {_kind(option)}"))
            continue
        problems += [
            (f"{where}.{key}", 'unknown key; an option has "code" and "label"')
            for key in option
            if key not in OPTION_FIELDS
        ]
        code, label = option.get("code"), option.get("label")
        if problem := code_problem(code):
            problems.append((f"{where}.code", problem))
        elif code in seen:
            problems.append((f"{where}.code", f"'{code}' is given twice in this question"))
        else:
            seen.add(str(code))
        if not isinstance(label, str) or not label.strip():
            problems.append((f"{where}.label", "must be a text that is not empty"))
        elif len(label) > LABEL_MAX_LENGTH:
            problems.append(
                (f"{where}.label", f"is {len(label)} characters; wareview stores at most {LABEL_MAX_LENGTH}")
            )
    return problems


def code_problem(code: object) -> str | None:
    """Why `code` is not a well-formed profile code (a question's or an option's), or None."""
    if not isinstance(code, str):
        return f"must be a string, got {_kind(code)}"
    if not CODE_PATTERN.fullmatch(code) or len(code) > CODE_MAX_LENGTH:
        return f"{code!r} is not a valid code (letters, digits and _ only, at most {CODE_MAX_LENGTH} characters)"
    return None


def question_facts(code: str, options: object) -> list[str]:
    """The facts a profile question gives: its own code (yes/no), or each option's code (those well formed)."""
    if not options:
        return [code]
    if not isinstance(options, list):
        return []
    return [option["code"] for option in options if isinstance(option, dict) and isinstance(option.get("code"), str)]


def repeated_facts(questions: Iterable[tuple[str, list]]) -> list[tuple[str, str]]:
    """Each fact code given again by a later question, with the code of the question that gave it first:
    [(fact, first question)]. `questions` are (code, options) pairs, well formed, in order."""
    first: dict[str, str] = {}
    repeated = []
    for code, options in questions:
        for fact in question_facts(code, options):
            if fact in first:
                repeated.append((fact, first[fact]))
            first.setdefault(fact, code)
    return repeated


def check_profile_condition(condition: str, facts: Collection[str]) -> None:
    """Raise RuleError unless `condition` parses and names only `facts`; `default` is refused: a condition that
    always holds is no condition."""
    if isinstance(parse(condition), Always):
        raise RuleError("'default' is not a profile condition; leave the condition empty for always")
    try:
        check_condition(condition, facts, noun="profile fact")
    except RuleError as error:
        if facts:
            raise
        raise RuleError(f"{error.message} (the lens has no profile questions)", error.column) from None


def applicability_problem(*, always_applies: bool, applies_when: str, is_none: bool) -> str | None:
    """Why a practice may not carry these: "None of these" carries neither, and a practice that always applies has
    no condition."""
    if is_none and (always_applies or applies_when):
        return '"None of these" neither always applies nor has a condition: it is not a best practice'
    if always_applies and applies_when:
        return "a practice that always applies has no condition: remove applies_when or always_applies"
    return None


def _kind(value: object) -> str:
    kinds = {type(None): "null", bool: "boolean", int: "number", float: "number", str: "string", list: "array"}
    return kinds.get(type(value), "object" if isinstance(value, dict) else type(value).__name__)
