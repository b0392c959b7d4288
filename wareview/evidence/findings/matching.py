"""Which practices a report's results speak for, by the checks of the review's lens: pure, with no database.

A check names a tool and a rule or a test: a result of that tool (names compared in lower case) whose rule id or
test name equals it, or matches it as a glob (`fnmatch`, case-sensitive: `*` any text, `?` one character), is a
result on the check's practice. Several results on one rule (a scanner reports each resource it looked at) come
to one verdict per practice: failing when any of them fails, passing otherwise.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from fnmatch import fnmatchcase

from wareview.evidence.findings.reports import ToolResult


@dataclass(frozen=True, kw_only=True)
class CheckRow:
    """A check of the lens, with the practice it stands for: its question and its code."""

    question_id: int
    practice: str
    practice_title: str
    tool: str
    pattern: str


@dataclass(frozen=True, kw_only=True)
class Outcome:
    """What the results of one rule or test come to on one practice."""

    question_id: int
    practice: str
    practice_title: str
    tool: str
    check: str
    passed: bool
    message: str


@dataclass(frozen=True)
class Matched:
    outcomes: list[Outcome]
    # The rules and tests with a verdict that no check of the lens names.
    unmapped: int


def outcomes_for(results: Iterable[ToolResult], checks: Iterable[CheckRow]) -> Matched:
    """Each practice's verdict on each rule or test of the results that one of `checks` names."""
    verdicts: dict[tuple[str, str], ToolResult] = {}
    for result in results:
        key = (result.tool.lower(), result.check)
        known = verdicts.get(key)
        if known is None or (known.passed and not result.passed):
            verdicts[key] = result
    by_tool: dict[str, list[CheckRow]] = {}
    for check in checks:
        by_tool.setdefault(check.tool.lower(), []).append(check)
    outcomes: dict[tuple[int, str, str, str], Outcome] = {}
    unmapped = 0
    for (tool, name), verdict in sorted(verdicts.items()):
        hits = [check for check in by_tool.get(tool, []) if _matches(name, check.pattern)]
        unmapped += not hits
        for check in hits:
            outcomes.setdefault(
                (check.question_id, check.practice, tool, name),
                Outcome(
                    question_id=check.question_id,
                    practice=check.practice,
                    practice_title=check.practice_title,
                    tool=tool,
                    check=name,
                    passed=verdict.passed,
                    message=verdict.message,
                ),
            )
    return Matched(list(outcomes.values()), unmapped)


def _matches(name: str, pattern: str) -> bool:
    return name == pattern or fnmatchcase(name, pattern)
