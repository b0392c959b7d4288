"""Reads of findings: each practice's failing checks for the question page (one query), and a review's findings
and imports for its "Findings" page."""

from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery

from wareview.evidence.models import Finding, FindingsImport
from wareview.lenses.models import Choice
from wareview.reviews.models import Answer, Review

RECENT_IMPORTS = 10


@dataclass(frozen=True, kw_only=True, order=True)
class PracticeFinding:
    """A failing check on a practice, as the question page shows it: "Failing: junit http_req_duration - …"."""

    tool: str
    check: str
    message: str


def findings_by_practice(*, answer: Answer) -> dict[str, tuple[PracticeFinding, ...]]:
    """The answer's failing checks by practice code, in one query; practices without any are absent."""
    found: dict[str, list[PracticeFinding]] = {}
    rows = Finding.objects.filter(answer=answer).values_list("practice", "tool", "check_name", "message")
    for practice, tool, check, message in rows.order_by("practice", "tool", "check_name"):
        found.setdefault(practice, []).append(PracticeFinding(tool=tool, check=check, message=message))
    return {practice: tuple(items) for practice, items in found.items()}


def review_findings(*, review: Review) -> QuerySet[Finding]:
    """The review's findings with their question and the practice's title (`practice_title`), by question."""
    title = Choice.objects.filter(question=OuterRef("answer__question_id"), code=OuterRef("practice")).values("title")
    return (
        Finding.objects.filter(answer__review=review)
        .select_related("answer__question")
        .annotate(practice_title=Subquery(title[:1]))
        .order_by("answer__question__pillar__order", "answer__question__order", "practice", "tool", "check_name")
    )


def recent_imports(*, review: Review) -> list[FindingsImport]:
    """The review's latest imports, newest first, with who made them."""
    return list(FindingsImport.objects.filter(review=review).select_related("imported_by")[:RECENT_IMPORTS])
