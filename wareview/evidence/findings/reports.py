"""Reading a tool's report into plain results, with no database: SARIF 2.1.0 (code scanners such as checkov,
tfsec, cfn-lint) and JUnit XML (test runs, and load tools' thresholds in JUnit form, such as k6's). Every problem
is a `ReportError` in words, with where in the file it is (a JSON path, or an XML element's path or line).

How a SARIF result reads (our reading of SARIF 2.1.0, §3.27.9 `kind` and §3.27.10 `level`):

- `kind` "pass" passes; "notApplicable", "open", "review" and "informational" are no verdict and are left out;
  "fail" (the default) passes or fails by its level.
- The level is the result's `level`, else its rule's `defaultConfiguration.level` (in `tool.driver.rules`), else
  "warning" (the specification's default). "error" and "warning" fail; "note" and "none" pass.
- A rule the run's driver lists in `rules` with no result in that run passed, but only when the run says it ran:
  it has `invocations` and each says `"executionSuccessful": true`. Scanners such as checkov list only the rules
  they report on, so most passing checks come from results of kind "pass" or from this rule.
- A result names its rule by `ruleId`, else `rule.id`, else `rule.index` or `ruleIndex` into the driver's rules.
  The tool is the run's `tool.driver.name`, in lower case.

A JUnit test case (`testsuites` › `testsuite` › `testcase`, suites nested or not) with a `failure` or `error`
fails, one with `skipped` is left out, any other passes; its check is its `name` and its tool "junit". The XML
may not declare a DTD or entities (refused), so no file can expand into more than it holds.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from xml.etree.ElementTree import Element, TreeBuilder
from xml.parsers import expat

JUNIT_TOOL = "junit"
SARIF_VERSION = "2.1.0"
FAILING_LEVELS = ("error", "warning")
PASSING_LEVELS = ("note", "none")
NO_VERDICT_KINDS = ("notApplicable", "open", "review", "informational")
KINDS = ("pass", "fail", *NO_VERDICT_KINDS)
# What a message, a tool's name or a check's name is cut to: the columns that keep them (evidence.models).
MESSAGE_LIMIT, TOOL_LIMIT, CHECK_LIMIT = 1000, 100, 512
# What may come before a report's first character: a UTF-8 byte order mark and white space.
LEADING = b"\xef\xbb\xbf \t\r\n"


class ReportFormat(StrEnum):
    SARIF = "sarif"
    JUNIT = "junit"


class ReportError(ValueError):
    """A report that cannot be read, with the words for the person who gave it."""


@dataclass(frozen=True, kw_only=True)
class ToolResult:
    """One verdict of a tool on one check: a rule of a scanner or a test."""

    tool: str
    check: str
    passed: bool
    message: str = ""


def storable(text: str, limit: int) -> str:
    """`text` as the database can keep it: no NUL (JSON may spell one, PostgreSQL stores none), no lone surrogate
    (JSON may spell half of a UTF-16 pair, which is no character), at most `limit` characters."""
    return text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")[:limit]


def report_format(data: bytes) -> ReportFormat:
    """The report's format, from its first character: JSON (SARIF) or XML (JUnit)."""
    head = data.lstrip(LEADING)[:1]
    if head == b"{":
        return ReportFormat.SARIF
    if head == b"<":
        return ReportFormat.JUNIT
    raise ReportError("The file is neither SARIF (a JSON object) nor JUnit XML; give a report in one of them.")


@dataclass(frozen=True)
class Report:
    """A read report: the tools that ran (in lower case; a tool that found nothing is there with no results) and
    their verdicts."""

    tools: frozenset[str]
    results: list[ToolResult]


def report_read(*, data: bytes, expected: ReportFormat | None = None) -> Report:
    """The verdicts in a report in the `expected` format (detected from the content when None)."""
    if not data.strip():
        raise ReportError("The file is empty.")
    data = data.lstrip(LEADING)
    found = report_format(data)
    if expected is not None and found != expected:
        wanted = "SARIF (a JSON object)" if expected == ReportFormat.SARIF else "JUnit XML"
        raise ReportError(f"The file is not {wanted}, the format given.")
    if found == ReportFormat.SARIF:
        return sarif_read(data)
    return Report(frozenset({JUNIT_TOOL}), junit_read(data))


# SARIF


def sarif_read(data: bytes) -> Report:
    document = _json(data)
    _object(document, "the file")
    version = document.get("version")
    if version != SARIF_VERSION:
        raise ReportError(f"version: this is SARIF {version!r}; wareview reads SARIF {SARIF_VERSION}.")
    runs = _array(document, "runs", "", required=True)
    tools: set[str] = set()
    results: list[ToolResult] = []
    for i, run in enumerate(runs):
        tools.add(_tool_name(run, f"runs[{i}]"))
        results.extend(_run_results(run, f"runs[{i}]"))
    if not tools:
        raise ReportError("runs: the report has no run, so no tool to import.")
    return Report(frozenset(tools), results)


def _json(data: bytes) -> Any:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ReportError(f"byte {error.start + 1}: the file is not UTF-8 text.") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ReportError(f"line {error.lineno}, column {error.colno}: not valid JSON ({error.msg}).") from None
    except RecursionError:
        raise ReportError("The JSON is nested too deeply to be a SARIF report.") from None


def _tool_name(run: Any, path: str) -> str:
    _object(run, path)
    tool = _object(run.get("tool"), f"{path}.tool")
    driver = _object(tool.get("driver"), f"{path}.tool.driver")
    name = driver.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ReportError(f"{path}.tool.driver.name: the tool's name is missing.")
    return storable(name.strip().lower(), TOOL_LIMIT)


def _run_results(run: dict, path: str) -> Iterator[ToolResult]:
    tool_name = _tool_name(run, path)
    driver = run["tool"]["driver"]
    rules = _rules(driver, f"{path}.tool.driver")
    reported: set[str] = set()
    for j, result in enumerate(_array(run, "results", path)):
        verdict = _result(result, f"{path}.results[{j}]", tool_name, rules)
        if verdict is not None:
            reported.add(verdict.check)
            yield verdict
        elif isinstance(result, dict):
            reported.add(_rule_id(result, f"{path}.results[{j}]", rules)[0])
    if _ran(run, path):
        for rule_id in rules:
            if rule_id not in reported:
                yield ToolResult(tool=tool_name, check=rule_id, passed=True)


def _rules(driver: dict, path: str) -> dict[str, str]:
    """The driver's rules: {id: default level ("" when it gives none)}, in their order."""
    rules: dict[str, str] = {}
    for k, rule in enumerate(_array(driver, "rules", path)):
        where = f"{path}.rules[{k}]"
        _object(rule, where)
        rule_id = rule.get("id")
        if not isinstance(rule_id, str) or not rule_id:
            raise ReportError(f"{where}.id: a rule needs an id.")
        configuration = rule.get("defaultConfiguration")
        level = configuration.get("level", "") if isinstance(configuration, dict) else ""
        rules[storable(rule_id, CHECK_LIMIT)] = level if isinstance(level, str) else ""
    return rules


def _result(result: Any, path: str, tool: str, rules: dict[str, str]) -> ToolResult | None:
    _object(result, path)
    rule_id, default_level = _rule_id(result, path, rules)
    kind = result.get("kind", "fail")
    if kind not in KINDS:
        raise ReportError(f"{path}.kind: {kind!r} is not a SARIF result kind ({', '.join(KINDS)}).")
    if kind in NO_VERDICT_KINDS:
        return None
    level = result.get("level", default_level or "warning")
    if level not in (*FAILING_LEVELS, *PASSING_LEVELS):
        raise ReportError(f"{path}.level: {level!r} is not a SARIF level (error, warning, note, none).")
    passed = kind == "pass" or level in PASSING_LEVELS
    return ToolResult(tool=tool, check=rule_id, passed=passed, message=_message(result))


def _rule_id(result: dict, path: str, rules: dict[str, str]) -> tuple[str, str]:
    """The result's rule id and that rule's default level."""
    found = result.get("rule")
    rule: dict = found if isinstance(found, dict) else {}
    rule_id = result.get("ruleId", rule.get("id"))
    if isinstance(rule_id, str) and rule_id:
        rule_id = storable(rule_id, CHECK_LIMIT)
        return rule_id, rules.get(rule_id, "")
    index = rule.get("index", result.get("ruleIndex"))
    ids = list(rules)
    if isinstance(index, int) and not isinstance(index, bool) and 0 <= index < len(ids):
        return ids[index], rules[ids[index]]
    raise ReportError(f"{path}: the result names no rule (ruleId, rule.id or ruleIndex).")


def _message(result: dict) -> str:
    message = result.get("message")
    text = message.get("text", "") if isinstance(message, dict) else ""
    return storable(text, MESSAGE_LIMIT) if isinstance(text, str) else ""


def _ran(run: dict, path: str) -> bool:
    """Whether the run says it ran to its end: invocations, each executionSuccessful."""
    invocations = _array(run, "invocations", path)
    return bool(invocations) and all(
        isinstance(invocation, dict) and invocation.get("executionSuccessful") is True for invocation in invocations
    )


def _object(value: Any, path: str) -> dict:
    if not isinstance(value, dict):
        raise ReportError(f"{path}: must be a JSON object.")
    return value


def _array(owner: dict, key: str, path: str, *, required: bool = False) -> list:
    where = f"{path}.{key}" if path else key
    value = owner.get(key)
    if value is None:
        if required:
            raise ReportError(f"{where}: required but missing.")
        return []
    if not isinstance(value, list):
        raise ReportError(f"{where}: must be a JSON array.")
    return value


# JUnit


def junit_read(data: bytes) -> list[ToolResult]:
    root = _xml(data)
    if root.tag not in ("testsuites", "testsuite"):
        raise ReportError(f"{root.tag}: the root element of a JUnit report is testsuites or testsuite.")
    results = []
    for path, case in _cases(root, root.tag):
        name = case.get("name", "").strip()
        if not name:
            raise ReportError(f"{path}: a test case needs a name.")
        verdict = _case_verdict(case)
        if verdict is not None:
            passed, message = verdict
            results.append(ToolResult(tool=JUNIT_TOOL, check=name[:CHECK_LIMIT], passed=passed, message=message))
    return results


def _cases(element: Element, path: str) -> Iterator[tuple[str, Element]]:
    counts: dict[str, int] = {}
    for child in element:
        counts[child.tag] = counts.get(child.tag, 0) + 1
        where = f"{path}/{child.tag}[{counts[child.tag]}]"
        if child.tag == "testcase":
            yield where, child
        elif child.tag in ("testsuite", "testsuites"):
            yield from _cases(child, where)


def _case_verdict(case: Element) -> tuple[bool, str] | None:
    """(passed, message) of a test case, or None for a skipped one."""
    for child in case:
        if child.tag in ("failure", "error"):
            message = child.get("message") or (child.text or "").strip() or f"{child.tag}"
            return False, message[:MESSAGE_LIMIT]
    if any(child.tag == "skipped" for child in case):
        return None
    return True, ""


def _xml(data: bytes) -> Element:
    """The document's root, built with expat; a DTD (and so any entity) is refused."""
    builder = TreeBuilder()
    parser = expat.ParserCreate()

    def refuse_dtd(*args: object) -> None:
        raise ReportError("The XML declares a DTD or entities, which a JUnit report never needs; remove them.")

    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_dtd
    parser.StartElementHandler = builder.start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        where = f"line {error.lineno}, column {error.offset + 1}"
        raise ReportError(f"{where}: not well-formed XML ({expat.errors.messages[error.code]}).") from None
    return builder.close()
