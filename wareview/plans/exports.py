"""The improvement plan as a CSV file for the issue trackers' imports (Jira's CSV importer, and GitHub through
the CSV-to-issue tools): one row per item. Pure functions of the plan's entries; the columns are explained in
plans/README.md."""

import io
from collections.abc import Callable, Iterable

from django.utils.text import slugify

from wareview.lib import risk_levels
from wareview.lib.spreadsheet import csv_writer, spreadsheet_text
from wareview.plans.selectors import PlanEntry

CSV_COLUMNS = ["Summary", "Description", "Priority", "Labels", "Assignee", "Due date"]
SUMMARY_MAX_LENGTH = 255  # Jira refuses a longer summary
PRIORITIES = {risk_levels.HIGH.value: "High", risk_levels.MEDIUM.value: "Medium"}


def plan_csv(*, entries: Iterable[PlanEntry], item_url: Callable[[PlanEntry], str]) -> str:
    """UTF-8 CSV without a byte-order mark (an importer would read it as part of the first column's name).
    `item_url` gives the address of an entry's item in wareview, written in its description."""
    output = io.StringIO()
    writer = csv_writer(output)
    writer.writerow(CSV_COLUMNS)
    for entry in entries:
        writer.writerow([spreadsheet_text(value) for value in _row(entry, item_url(entry))])
    return output.getvalue()


def _row(entry: PlanEntry, url: str) -> list[str]:
    question, practice, item = entry.recommendation.question, entry.recommendation.practice, entry.item
    return [
        practice.title[:SUMMARY_MAX_LENGTH],
        _description(entry, url),
        PRIORITIES.get(entry.risk, "Low"),
        " ".join(["wareview", slugify(risk_levels.risk_level(entry.risk).label), slugify(question.code)]),
        (item.owner.email or item.owner.get_username()) if item.owner else "",
        item.due_date.isoformat() if item.due_date else "",
    ]


def _description(entry: PlanEntry, url: str) -> str:
    question, practice, item = entry.recommendation.question, entry.recommendation.practice, entry.item
    lines = [
        f"Question {question.code}: {question.title} ({risk_levels.risk_level(entry.risk).label.lower()})",
        f"Status in wareview: {item.get_status_display()}",
    ]
    if item.wont_do_reason:
        lines.append(f"Won't do because: {item.wont_do_reason}")
    if item.note:
        lines.append(f"Note: {item.note}")
    if practice.improvement_text:
        lines += ["", practice.improvement_text]
    if practice.improvement_url:
        lines.append(f"Guidance: {practice.improvement_url}")
    lines.append(f"In wareview: {url}")
    return "\n".join(lines)


def plan_filename(*, workload_name: str, review_id: int) -> str:
    return f"wareview-{slugify(workload_name) or 'workload'}-plan-{review_id}.csv"
