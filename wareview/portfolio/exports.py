"""The portfolio's filtered list as CSV: one row per workload. A pure function of the rows."""

import io
from collections.abc import Iterable

from wareview.lib.numbers import percent
from wareview.lib.spreadsheet import csv_writer, spreadsheet_cell
from wareview.portfolio.selectors import PortfolioRow

CSV_COLUMNS = [
    "workload",
    "team",
    "environment",
    "review_owner",
    "tags",
    "lenses",
    "questions",
    "answered",
    "completion_percent",
    "high_risks",
    "medium_risks",
    "ticked_practices",
    "verified",
    "evidence_expired",
    "not_verified",
]


def portfolio_csv(*, rows: Iterable[PortfolioRow]) -> str:
    """UTF-8 CSV with a byte-order mark (so spreadsheets read accents right); lists joined with "; "."""
    output = io.StringIO()
    output.write("\ufeff")
    writer = csv_writer(output)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        workload = row.workload
        counts = vars(workload)
        verified = row.verified
        writer.writerow(
            spreadsheet_cell(value)
            for value in (
                workload.name,
                workload.team.name,
                workload.get_environment_display(),
                workload.review_owner,
                "; ".join(row.tags),
                "; ".join(row.lenses),
                counts["question_count"],
                counts["answered_count"],
                percent(counts["answered_count"], counts["question_count"]) if row.has_review else "",
                counts["high_count"],
                counts["medium_count"],
                verified.ticked,
                verified.verified,
                verified.expired,
                verified.not_verified,
            )
        )
    return output.getvalue()
