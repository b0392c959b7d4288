"""Writing what a tool's report says about a review: evidence of each passing mapped check, a finding for each
failing one. The answers' ticks are never changed: a person reads a finding and unticks the practice, or not."""

from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from wareview.evidence.findings.matching import CheckRow, Outcome, outcomes_for
from wareview.evidence.findings.reports import Report, storable
from wareview.evidence.models import CHECK_MAX_LENGTH, TITLE_MAX_LENGTH, Evidence, Finding, FindingsImport
from wareview.lenses.models import PracticeCheck
from wareview.reviews.models import Answer, Review
from wareview.reviews.services import answer_note


class FindingsImportError(Exception):
    """An import the review cannot take, with the words for the person."""


@dataclass(frozen=True)
class _Row:
    answer_id: int
    practice: str
    tool: str
    check: str


@transaction.atomic
def findings_import(*, review: Review, report: Report, user: User | None, file_name: str = "") -> FindingsImport:
    """Match the `report`'s results to the practices of the review's lens through its checks, and write:

    - a passing check: "check" evidence on its practice, verified today (the item of an earlier import of the same
      tool and check is re-verified, not added again);
    - a failing check: a `Finding` on its practice; the check's evidence from an earlier import is removed (it no
      longer holds). The findings of each tool in the report (even one that found nothing) replace that tool's
      earlier findings in the review, so importing the same file twice changes nothing the second time.

    Answers whose evidence changed get a line in their history. Ticks are left as they are. All or nothing.
    """
    if review.status == Review.Status.CLOSED:
        raise FindingsImportError("This review is closed: reopen it to import findings.")
    matched = outcomes_for(report.results, _checks(review))
    answers = dict(Answer.objects.filter(review=review).values_list("question_id", "pk"))
    outcomes = [outcome for outcome in matched.outcomes if outcome.question_id in answers]
    tools = sorted(report.tools)
    passing = {_row(answers, o): o for o in outcomes if o.passed}
    failing = {_row(answers, o): o for o in outcomes if not o.passed}
    notes = _evidence_write(review, tools, passing, failing, user)
    Finding.objects.filter(answer__review=review, tool__in=tools).delete()
    Finding.objects.bulk_create(
        Finding(
            answer_id=row.answer_id,
            practice=row.practice,
            tool=row.tool,
            check_name=row.check,
            message=outcome.message,
            imported_by=user,
        )
        for row, outcome in failing.items()
    )
    if user is not None:
        for answer_id, lines in sorted(notes.items()):
            answer_note(answer=Answer(pk=answer_id), user=user, note=f"findings imported: {'; '.join(lines)}")
    return FindingsImport.objects.create(
        review=review,
        tools=", ".join(tools)[:255],
        file_name=storable(file_name, 255),
        passed=len(passing),
        failed=len(failing),
        unmapped=matched.unmapped,
        imported_by=user,
    )


def _checks(review: Review) -> list[CheckRow]:
    rows = PracticeCheck.objects.filter(choice__question__pillar__lens=review.lens_id).values_list(
        "choice__question_id", "choice__code", "choice__title", "tool", "rule", "test"
    )
    return [
        CheckRow(question_id=q, practice=code, practice_title=title, tool=tool, pattern=rule or test)
        for q, code, title, tool, rule, test in rows
    ]


def _row(answers: dict[int, int], outcome: Outcome) -> _Row:
    return _Row(answers[outcome.question_id], outcome.practice, outcome.tool, outcome.check[:CHECK_MAX_LENGTH])


def _evidence_write(
    review: Review, tools: list[str], passing: dict[_Row, Outcome], failing: dict[_Row, Outcome], user: User | None
) -> dict[int, list[str]]:
    """Add or re-verify the passing checks' evidence and remove the failing ones'; what changed, by answer."""
    today, now = timezone.localdate(), timezone.now()
    current = Evidence.objects.current().filter(answer__review=review, kind=Evidence.Kind.CHECK, source_tool__in=tools)
    existing = {
        _Row(answer_id, practice, tool, check): pk
        for pk, answer_id, practice, tool, check in current.values_list(
            "pk", "answer_id", "practice", "source_tool", "source_check"
        )
    }
    again = [pk for row, pk in existing.items() if row in passing]
    Evidence.objects.filter(pk__in=again).exclude(verified_on=today).update(verified_on=today)
    gone = [pk for row, pk in existing.items() if row in failing]
    Evidence.objects.filter(pk__in=gone).update(removed_at=now, removed_by=user)
    new = [row for row in passing if row not in existing]
    Evidence.objects.bulk_create(
        Evidence(
            answer_id=row.answer_id,
            practice=row.practice,
            kind=Evidence.Kind.CHECK,
            title=f"{row.tool}: {row.check} passed"[:TITLE_MAX_LENGTH],
            source_tool=row.tool,
            source_check=row.check,
            verified_on=today,
            added_by=user,
        )
        for row in new
    )
    notes: dict[int, list[str]] = defaultdict(list)
    for row in new:
        notes[row.answer_id].append(f"evidence added to “{passing[row].practice_title}”: {row.tool} {row.check}")
    for row in (row for row in existing if row in failing):
        notes[row.answer_id].append(f"evidence removed from “{failing[row].practice_title}”: {row.tool} {row.check}")
    return notes
