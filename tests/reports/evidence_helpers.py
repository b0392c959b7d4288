"""Evidence for the report tests: items written as the evidence app stores them, days counted back from today."""

from datetime import timedelta

from django.utils import timezone

from wareview.evidence.models import Evidence, EvidencePolicy
from wareview.reviews.models import Answer

MAX_AGE_DAYS = 365


def days_ago(days: int):
    return timezone.localdate() - timedelta(days=days)


def add_evidence(
    review, question: str, practice: str, *, title: str, days: int, user=None, file_name: str = "", **more
):
    """An item of evidence of `practice` (a letter: "a") of `question`, verified `days` days ago: a link, or a
    file named `file_name`."""
    answer = Answer.objects.get(review=review, question__code=question)
    kind = Evidence.Kind.FILE if file_name else Evidence.Kind.LINK
    url = "" if file_name else f"https://wiki.example.com/{question.lower()}/{practice}"
    return Evidence.objects.create(
        answer=answer,
        practice=f"{question.lower()}_{practice}",
        kind=kind,
        title=title,
        url=url,
        file_name=file_name,
        verified_on=days_ago(days),
        added_by=user or review.created_by,
        **more,
    )


def backed(review) -> None:
    """The evidence of the suite's review (Q_02 a; Q_03 a, b, c ticked): Q_02 a and Q_03 c verified, Q_03 a only
    with expired evidence (two items), Q_03 b with an item removed and so none; Q_01 a (not ticked) has an item
    that counts nowhere. The team's evidence expires after 365 days."""
    EvidencePolicy.objects.create(team=review.workload.team, max_age_days=MAX_AGE_DAYS)
    add_evidence(review, "Q_02", "a", title="Load-test runbook", days=10)
    add_evidence(review, "Q_03", "a", title="Capacity plan 2024", days=400)
    add_evidence(review, "Q_03", "a", title="Old capacity sheet", days=500, file_name="capacity.csv")
    add_evidence(review, "Q_03", "b", title="Removed diagram", days=1, removed_at=timezone.now())
    add_evidence(review, "Q_03", "c", title="Alert rules", days=30, file_name="alerts.json")
    add_evidence(review, "Q_01", "a", title="Unticked practice's page", days=5)
