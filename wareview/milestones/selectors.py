"""Reads for milestones: a milestone's outline (the review's read model, fed by the milestone's saved answers),
a workload's milestones and trend, and the comparison of two points. Each is a fixed number of queries whatever
the size of the lens."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from wareview.evidence.selectors import EvidenceState
from wareview.lenses.models import Choice
from wareview.lib.numbers import percent
from wareview.milestones.compare import Comparison, PracticeTitles, outlines_compare
from wareview.milestones.models import Milestone, MilestoneAnswer, MilestoneEvidence
from wareview.reviews.models import Review
from wareview.reviews.selectors import ReviewOutline, outline_from_rows, review_outline
from wareview.workloads.models import Workload

NOW = "now"


def milestone_outline(*, milestone: Milestone, answers: bool = False) -> ReviewOutline:
    """The milestone as the review's outline (`reviews.selectors.ReviewOutline`): the same areas, order, counts
    and, with `answers=True`, the same answer fields, as they were when it was saved. One query."""
    return outline_from_rows(MilestoneAnswer.objects.filter(milestone=milestone), answers=answers)


def workload_milestones(*, workload: Workload) -> QuerySet[Milestone]:
    """The workload's milestones, newest first, with their counts, their review's lens and who saved them."""
    milestones = Milestone.objects.filter(workload=workload).select_related("lens", "created_by")
    return milestones.order_by("-created_at", "-pk")


def compare_milestones(*, workload: Workload) -> QuerySet[Milestone]:
    """The workload's milestones, newest first, with what the compare page shows and reads of them alone: its
    points' choices (name and day) and their reviews."""
    milestones = Milestone.objects.filter(workload=workload).only("pk", "name", "created_at", "review_id")
    return milestones.order_by("-created_at", "-pk")


def latest_milestones(*, review: Review, count: int) -> list[Milestone]:
    """The review's `count` newest milestones, newest first. One query."""
    return list(Milestone.objects.filter(review=review).order_by("-created_at", "-pk")[:count])


@dataclass(frozen=True)
class TrendPoint:
    """A point of the trend: a milestone, or the review now."""

    label: str
    when: str
    high: int
    medium: int
    answered: int
    total: int

    @property
    def percent(self) -> int:
        return percent(self.answered, self.total)


@dataclass(frozen=True)
class Trend:
    """The points of one review, oldest first, ending with now."""

    review: Review
    points: list[TrendPoint]


def workload_trends(*, reviews: list, milestones: list[Milestone]) -> list[Trend]:
    """For each review that has milestones, its milestones oldest first and then now. No query: `reviews` come
    from `reviews.selectors.workload_reviews` (with their counts), `milestones` from `workload_milestones`."""
    by_review: dict[int, list[Milestone]] = defaultdict(list)
    for milestone in milestones:
        by_review[milestone.review_id].append(milestone)
    trends = []
    for review in reviews:
        saved = sorted(by_review.get(review.pk, []), key=lambda milestone: (milestone.created_at, milestone.pk))
        if not saved:
            continue
        points = [_point(milestone) for milestone in saved]
        now = TrendPoint(
            "Now", "", review.high_count, review.medium_count, review.answered_count, review.question_count
        )
        trends.append(Trend(review=review, points=[*points, now]))
    return trends


def _point(milestone: Milestone) -> TrendPoint:
    return TrendPoint(
        label=milestone.name,
        when=milestone.date_label,
        high=milestone.high_count,
        medium=milestone.medium_count,
        answered=milestone.answered_count,
        total=milestone.question_count,
    )


def points_compare(*, before: Milestone | None, after: Milestone | None, review_id: int) -> Comparison:
    """Compare two points of a workload: each a milestone or, when None, review `review_id` now. Three queries
    (each side's answers, then the titles of their practices)."""
    outlines = [_side_outline(side, review_id) for side in (before, after)]
    question_ids = {question.question_id for outline in outlines for question in outline.questions}
    return outlines_compare(
        before=outlines[0],
        after=outlines[1],
        titles=practice_titles(question_ids=question_ids),
        before_label=_side_label(before),
        after_label=_side_label(after),
    )


@dataclass(frozen=True)
class RecentChange:
    """Two neighbouring points of a workload that differ: a milestone and the one after it, or now (None)."""

    before: Milestone
    after: Milestone | None
    comparison: Comparison


def recent_change(*, milestones: list[Milestone]) -> RecentChange | None:
    """The newest change worth showing, given the workload's milestones newest first: the newest milestone against
    now when the review has changed since; otherwise the milestone before it against the newest (a milestone saved
    a moment ago has nothing since). None when there is no milestone, or neither pair differs. At most six queries.
    """
    if not milestones:
        return None
    newest = milestones[0]
    pairs = [(newest, None), *([(milestones[1], newest)] if len(milestones) > 1 else [])]
    for before, after in pairs:
        comparison = points_compare(before=before, after=after, review_id=newest.review_id)
        if comparison.has_changes:
            return RecentChange(before=before, after=after, comparison=comparison)
    return None


def practice_titles(*, question_ids: set[int]) -> PracticeTitles:
    """{question id: {practice code: title}} in each question's order. One query."""
    titles: dict[int, dict[str, str]] = defaultdict(dict)
    rows = Choice.objects.filter(question_id__in=question_ids).order_by("question_id", "order", "pk")
    for question_id, code, title in rows.values_list("question_id", "code", "title"):
        titles[question_id][code] = title
    return titles


def _side_outline(milestone: Milestone | None, review_id: int) -> ReviewOutline:
    if milestone is None:
        return review_outline(review=Review(pk=review_id), answers=True)
    return milestone_outline(milestone=milestone, answers=True)


def _side_label(milestone: Milestone | None) -> str:
    if milestone is None:
        return "Now"
    return f"{milestone.name} ({milestone.date_label})"


@dataclass(frozen=True, kw_only=True)
class PracticeSnapshot:
    """A ticked practice's evidence as the milestone copied it: the practice's state then, and its items."""

    state: EvidenceState
    items: list[MilestoneEvidence]


def milestone_question_evidence(*, milestone: Milestone, question_id: int) -> dict[str, PracticeSnapshot]:
    """The evidence the milestone copied for one question, by practice code; one query. Each item's `live_file`
    says whether its file can still be downloaded: the live item still has it (not removed, not deleted)."""
    live_file = Q(evidence__removed_at__isnull=True, evidence__file__gt="")
    rows = MilestoneEvidence.objects.filter(milestone=milestone, question_id=question_id).annotate(
        live_file=ExpressionWrapper(live_file, output_field=BooleanField())
    )
    items: dict[str, list[MilestoneEvidence]] = defaultdict(list)
    for row in rows:
        items[row.practice].append(row)
    return {code: PracticeSnapshot(state=EvidenceState(found[0].state), items=found) for code, found in items.items()}
