"""The review as CSV and JSON: one row per question, and the recommendations in the JSON. Pure functions of
`ReportData`."""

import io

from django.utils.text import slugify

from wareview.evidence.selectors import EvidenceRecord, EvidenceState
from wareview.lib.spreadsheet import csv_dict_writer, spreadsheet_text
from wareview.reports.data import (
    EvidenceToRefresh,
    NotApplicable,
    QuestionFacts,
    Recommendation,
    ReportData,
    TickedPractice,
)

CSV_COLUMNS = [
    "focus_area",
    "question_code",
    "question_title",
    "risk",
    "selected_practices",
    "missing_practices",
    "notes",
    "not_applicable_reason",
    "practices_not_applicable",
    # What stands behind the answer (blank when the report shows no evidence: a milestone's).
    "verified_practices",
    "expired_practices",
    "unverified_practices",
    "evidence",
]


def export_filename(*, data: ReportData, extension: str) -> str:
    """`wareview-<workload>-review-<id>.csv`; a milestone's export adds its title:
    `…-as-at-milestone-baseline-3-march-2026.csv`."""
    as_at = f"-{slugify(data.as_at)}" if data.as_at else ""
    return f"wareview-{slugify(data.workload_name) or 'workload'}-review-{data.review_id}{as_at}.{extension}"


def export_rows(*, data: ReportData) -> list[dict]:
    return [_question_row(question) for question in data.questions]


def export_csv(*, data: ReportData) -> str:
    """UTF-8 CSV with a byte-order mark (so spreadsheets read accents right); lists joined with "; "."""
    output = io.StringIO()
    output.write("\ufeff")
    writer = csv_dict_writer(output, CSV_COLUMNS)
    writer.writeheader()
    for question, row in zip(data.questions, export_rows(data=data), strict=True):
        row["evidence"] = [_evidence_words(item, record) for item in question.ticked for record in item.evidence]
        writer.writerow({name: _cell(value) for name, value in row.items()})
    return output.getvalue()


def _evidence_words(item: TickedPractice, record: EvidenceRecord) -> str:
    """An item of evidence in a cell: "<practice>: <title> (<URL or file name>), verified <date> by <who>"."""
    who = f" by {record.added_by}" if record.added_by else ""
    return f"{item.practice.title}: {record.title} ({record.source}), verified {record.verified_on.isoformat()}{who}"


def export_json(*, data: ReportData) -> dict:
    return {
        "review": {
            "id": data.review_id,
            "workload": data.workload_name,
            "team": data.team_name,
            "lens": {"name": data.lens_name, "version": data.lens_version},
            "review_owner": data.review_owner,
            "generated_at": data.generated_at.isoformat(),
            # A milestone's export: "as at milestone <name>, <date>"; empty for the review as it is.
            "milestone_id": data.milestone_id,
            "as_at": data.as_at,
            "completion_percent": data.percent,
            "risk_counts": dict(data.risk_counts),
            # How many ticked practices are verified; null when the report shows no evidence (a milestone's).
            "evidence": _verified(data),
        },
        "questions": export_rows(data=data),
        "recommendations": [_recommendation(position, item) for position, item in enumerate(data.recommendations, 1)],
        "evidence_to_refresh": [_to_refresh(item) for item in data.to_refresh],
        "not_applicable": [_not_applicable(item) for item in data.not_applicable],
    }


def _not_applicable(item: NotApplicable) -> dict:
    """A question or practice marked "does not apply"; `practice_code` and `practice_title` are blank for a whole
    question."""
    return {
        "question_code": item.question.code,
        "question_title": item.question.title,
        "practice_code": item.practice.code if item.practice else "",
        "practice_title": item.practice.title if item.practice else "",
        "reason": item.reason,
        "note": item.note,
        "by_profile": item.by_profile,
    }


def _verified(data: ReportData) -> dict | None:
    if data.verified is None:
        return None
    count = data.verified
    return {
        "max_age_days": data.evidence_max_age_days,
        "ticked_practices": count.ticked,
        "verified": count.verified,
        "expired": count.expired,
        "not_verified": count.not_verified,
        "by_focus_area": [
            {
                "focus_area": area.name,
                "ticked_practices": area.verified.ticked,
                "verified": area.verified.verified,
                "expired": area.verified.expired,
                "not_verified": area.verified.not_verified,
            }
            for area in data.areas
            if area.verified
        ],
    }


def _to_refresh(item: EvidenceToRefresh) -> dict:
    return {
        "practice_code": item.practice.code,
        "practice_title": item.practice.title,
        "question_code": item.question.code,
        "question_title": item.question.title,
        **_record(item.record),
        "age_days": item.age_days,
    }


def _record(record: EvidenceRecord) -> dict:
    return {
        "title": record.title,
        "kind": record.kind,
        "url": record.url,
        "file_name": record.file_name,
        "verified_on": record.verified_on.isoformat(),
        "added_by": record.added_by,
    }


def _ticked(item: TickedPractice) -> dict:
    return {
        "practice_code": item.practice.code,
        "practice_title": item.practice.title,
        "state": str(item.state),
        "state_label": item.state.label,
        "items": [_record(record) for record in item.evidence],
    }


def _question_row(question: QuestionFacts) -> dict:
    return {
        "focus_area": question.area_name,
        "question_code": question.code,
        "question_title": question.title,
        "risk": question.risk,
        "selected_practices": [practice.title for practice in question.followed],
        "missing_practices": [practice.title for practice in question.missing],
        "notes": question.notes,
        "not_applicable_reason": question.not_applicable_reason,
        # "<title> — <reason>" (and ": <note>"), never among the missing practices.
        "practices_not_applicable": [item.label for item in question.practices_not_applicable],
        **_states(question),
        # Each ticked practice with its state and items (the CSV has them in words).
        "evidence": [_ticked(item) for item in question.ticked],
    }


def _states(question: QuestionFacts) -> dict[str, list[str]]:
    """The titles of the question's ticked practices by the state of their evidence."""
    titles: dict[EvidenceState, list[str]] = {state: [] for state in EvidenceState}
    for item in question.ticked:
        titles[item.state].append(item.practice.title)
    return {
        "verified_practices": titles[EvidenceState.VERIFIED],
        "expired_practices": titles[EvidenceState.EXPIRED],
        "unverified_practices": titles[EvidenceState.NOT_VERIFIED],
    }


def _recommendation(position: int, item: Recommendation) -> dict:
    return {
        "position": position,
        "risk": item.risk,
        "question_code": item.question.code,
        "question_title": item.question.title,
        "focus_area": item.question.area_name,
        "practice_code": item.practice.code,
        "practice_title": item.practice.title,
        "improvement_text": item.practice.improvement_text,
        "improvement_url": item.practice.improvement_url,
        "effort": item.practice.effort,
        "impact": item.practice.impact,
        "supported_principles": sorted(item.practice.principles),
        "plan_status": item.plan_status,
        "plan_owner": item.plan_owner,
    }


def _cell(value: object) -> str:
    text = "; ".join(value) if isinstance(value, list) else str(value)
    return spreadsheet_text(text)
