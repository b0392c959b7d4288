"""What the findings tests share: small reports in each format, and the checks they hit."""

import json
from xml.sax.saxutils import quoteattr

from wareview.lenses.models import Choice, PracticeCheck


def sarif(*runs: dict) -> bytes:
    return json.dumps({"version": "2.1.0", "runs": list(runs)}).encode()


def run(tool: str = "checkov", results=(), rules=(), ran: bool | None = None) -> dict:
    driver = {"name": tool, "rules": [{"id": rule} for rule in rules]}
    body: dict = {"tool": {"driver": driver}, "results": list(results)}
    if ran is not None:
        body["invocations"] = [{"executionSuccessful": ran}]
    return body


def result(rule: str, level: str | None = "error", kind: str | None = None, text: str = "") -> dict:
    found: dict = {"ruleId": rule, "message": {"text": text or f"{rule} found"}}
    if level is not None:
        found["level"] = level
    if kind is not None:
        found["kind"] = kind
    return found


def junit(*cases: str, suite: str = "k6 thresholds") -> bytes:
    return (
        f'<?xml version="1.0"?>\n<testsuites><testsuite name="{suite}">{"".join(cases)}</testsuite></testsuites>'
    ).encode()


def case(name: str, outcome: str = "") -> str:
    inner = {"": "", "failure": '<failure message="failed" />', "error": "<error>boom</error>", "skipped": "<skipped/>"}
    return f"<testcase name={quoteattr(name)}>{inner[outcome]}</testcase>"


def check(lens, practice: str, tool: str, *, rule: str = "", test: str = "") -> PracticeCheck:
    choice = Choice.objects.get(question__pillar__lens=lens, code=practice)
    return PracticeCheck.objects.create(choice=choice, tool=tool, rule=rule, test=test)
