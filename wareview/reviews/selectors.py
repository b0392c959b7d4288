"""Reads for reviews: the navigation with progress, the overview's counts, the dashboard's workloads.

Each is a fixed number of queries whatever the size of the lens or the number of workloads.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Lower
from django.utils.text import slugify

from wareview.reviews.models import Answer, AnswerChange, AnswerRisk, Review
from wareview.workloads.models import Workload

RISK_ORDER = [
    AnswerRisk.HIGH,
    AnswerRisk.MEDIUM,
    AnswerRisk.NONE,
    AnswerRisk.NOT_APPLICABLE,
    AnswerRisk.UNANSWERED,
]


@dataclass
class NavQuestion:
    code: str
    title: str
    risk: str


class QuestionTally:
    """Completion and risk counts of a group of questions (its `questions`)."""

    questions: list[NavQuestion]

    @property
    def total(self) -> int:
        return len(self.questions)

    @property
    def answered(self) -> int:
        return sum(question.risk != AnswerRisk.UNANSWERED for question in self.questions)

    @property
    def percent(self) -> int:
        return percent(self.answered, self.total)

    @property
    def risk_counts(self) -> Counter:
        return Counter(question.risk for question in self.questions)


@dataclass
class NavArea(QuestionTally):
    """A focus area in the side navigation, with its questions and what has been answered."""

    key: str
    name: str
    parent_name: str
    questions: list[NavQuestion] = field(default_factory=list)


@dataclass
class ReviewProgress(QuestionTally):
    """The whole review: its focus areas in lens order."""

    areas: list[NavArea]

    @property
    def questions(self) -> list[NavQuestion]:
        return [question for area in self.areas for question in area.questions]

    def risk_summary(self) -> list[tuple[str, int]]:
        """(risk, number of questions) for every risk level, worst first, zeros included."""
        counts = self.risk_counts
        return [(risk, counts[risk]) for risk in RISK_ORDER]

    def neighbours(self, code: str) -> tuple[str | None, str | None]:
        """The codes of the questions before and after `code` in the walk."""
        codes = [question.code for question in self.questions]
        index = codes.index(code)
        previous = codes[index - 1] if index > 0 else None
        following = codes[index + 1] if index + 1 < len(codes) else None
        return previous, following


def review_progress(*, review: Review) -> ReviewProgress:
    """Every question of the review grouped by focus area, in lens order, with its risk. One query."""
    rows = (
        Answer.objects.filter(review=review)
        .order_by("question__pillar__order", "question__focus_area__order", "question__order", "question_id")
        .values_list(
            "question__code",
            "question__title",
            "risk",
            "question__focus_area_id",
            "question__focus_area__name",
            "question__focus_area__parent__name",
            "question__pillar__name",
        )
    )
    areas: dict[object, NavArea] = {}
    for code, title, risk, area_id, area_name, parent_name, pillar_name in rows:
        key = area_key(area_id, pillar_name)
        if key not in areas:
            areas[key] = NavArea(key=key, name=area_name or pillar_name, parent_name=parent_name or "")
        areas[key].questions.append(NavQuestion(code=code, title=title, risk=risk))
    return ReviewProgress(areas=list(areas.values()))


def area_key(focus_area_id: int | None, pillar_name: str) -> str:
    """The navigation's id for a focus area (questions without one are grouped by pillar)."""
    return str(focus_area_id) if focus_area_id else slugify(pillar_name)


@dataclass(frozen=True)
class SaveCounts:
    """What an autosave refreshes beside the question: its area's and the review's progress."""

    area_key: str
    area_total: int
    area_answered: int
    total: int
    answered: int

    @property
    def area_percent(self) -> int:
        return percent(self.area_answered, self.area_total)

    @property
    def percent(self) -> int:
        return percent(self.answered, self.total)


def save_counts(*, answer: Answer) -> SaveCounts:
    """The progress of the answer's focus area and of its whole review. One small query, counted here: a row
    per question is cheaper to fetch than an aggregate with filters is to build."""
    area_id = answer.question.focus_area_id
    rows = list(Answer.objects.filter(review_id=answer.review_id).values_list("question__focus_area_id", "risk"))
    area_rows = [risk for row_area, risk in rows if row_area == area_id]
    risks = [risk for _, risk in rows]
    key = area_key(area_id, "" if area_id else answer.question.pillar.name)
    return SaveCounts(
        area_key=key,
        area_total=len(area_rows),
        area_answered=sum(risk != AnswerRisk.UNANSWERED for risk in area_rows),
        total=len(risks),
        answered=sum(risk != AnswerRisk.UNANSWERED for risk in risks),
    )


def answer_history(*, answer: Answer) -> QuerySet[AnswerChange]:
    """Every change of the answer, newest first, with who made it: a query for the view to show a page at a time."""
    return AnswerChange.objects.filter(answer=answer).select_related("changed_by").order_by("-changed_at", "-pk")


def percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def workload_reviews(*, workload: Workload) -> list[Review]:
    """The workload's reviews, newest first, each with its completion and risk counts. One query."""
    reviews = (
        Review.objects.filter(workload=workload)
        .select_related("lens")
        .annotate(
            question_count=Count("answers"),
            answered_count=Count("answers", filter=~Q(answers__risk=AnswerRisk.UNANSWERED)),
            high_count=Count("answers", filter=Q(answers__risk=AnswerRisk.HIGH)),
            medium_count=Count("answers", filter=Q(answers__risk=AnswerRisk.MEDIUM)),
        )
    )
    for review in reviews:
        review.percent = percent(review.answered_count, review.question_count)
    return list(reviews)


@dataclass(frozen=True)
class WorkloadSummary:
    """A workload on the dashboard, with its open reviews' completion and risk counts."""

    workload: Workload
    question_count: int = 0
    answered_count: int = 0
    high_count: int = 0
    medium_count: int = 0

    @property
    def percent(self) -> int:
        return percent(self.answered_count, self.question_count)


def dashboard_workloads(*, user) -> QuerySet[Workload]:
    """The workloads of the user's teams, in the dashboard's order (shown a page at a time)."""
    return Workload.objects.for_user(user).select_related("team").order_by("team__name", Lower("name"), "pk")


def workload_summaries(*, workloads: list[Workload]) -> list[WorkloadSummary]:
    """The workloads with their open reviews' completion and risk counts: one query, the answers counted per
    workload, so its cost follows the number of workloads asked for, not every review ever started."""
    counts = {
        row["review__workload_id"]: row
        for row in Answer.objects.filter(
            review__workload__in=[workload.pk for workload in workloads], review__status=Review.Status.OPEN
        )
        .order_by()
        .values("review__workload_id")
        .annotate(
            question_count=Count("pk"),
            answered_count=Count("pk", filter=~Q(risk=AnswerRisk.UNANSWERED)),
            high_count=Count("pk", filter=Q(risk=AnswerRisk.HIGH)),
            medium_count=Count("pk", filter=Q(risk=AnswerRisk.MEDIUM)),
        )
    }
    return [_summary(workload, counts.get(workload.pk)) for workload in workloads]


def _summary(workload: Workload, counts: dict | None) -> WorkloadSummary:
    if counts is None:
        return WorkloadSummary(workload=workload)
    fields = ("question_count", "answered_count", "high_count", "medium_count")
    return WorkloadSummary(workload=workload, **{name: counts[name] for name in fields})
