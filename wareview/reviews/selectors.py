"""Reads for reviews: the review's outline (its one read model), the overview's counts, the dashboard's workloads.

Each is a fixed number of queries whatever the size of the lens or the number of workloads.
"""

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib.auth.models import User
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Lower
from django.utils.text import slugify

from wareview.lenses.models import Lens
from wareview.lenses.ordering import AreaPath, question_sort_key
from wareview.lib import risk_levels
from wareview.lib.numbers import percent
from wareview.reviews.models import Answer, AnswerChange, AnswerRisk, Review
from wareview.workloads.models import Workload


@dataclass(frozen=True)
class OutlineQuestion:
    """A question of the review with its answer. `selected`, `notes`, `reason` and `practices_not_applicable` are
    filled only when the outline was asked for with `answers=True` (the report); the navigation needs no more than
    the risk."""

    code: str
    title: str
    risk: str
    question_id: int = 0
    order: int = 0
    selected: tuple[str, ...] = ()
    notes: str = ""
    reason: str = ""
    # Best practices that do not apply: {code: {"reason": …, "note": …}} (see Answer.practices_not_applicable).
    practices_not_applicable: dict[str, dict[str, str]] = field(default_factory=dict)
    # What pre-filled the answer until a person confirms or changes it (Answer.prefilled_from); a pre-filled
    # answer is not yet counted as answered.
    prefilled_from: str = ""

    @property
    def is_answered(self) -> bool:
        """Answered, and confirmed by a person: what progress counts."""
        return self.risk != AnswerRisk.UNANSWERED and not self.prefilled_from


class QuestionTally:
    """Completion and risk counts of a group of questions (its `questions`: a field of an area, a property of the
    whole review)."""

    if TYPE_CHECKING:

        @property
        def questions(self) -> list[OutlineQuestion]: ...

    @property
    def total(self) -> int:
        return len(self.questions)

    @property
    def answered(self) -> int:
        return sum(question.is_answered for question in self.questions)

    @property
    def percent(self) -> int:
        return percent(self.answered, self.total)

    @property
    def waiting(self) -> int:
        """Pre-filled answers waiting for a person to confirm or change them."""
        return sum(bool(question.prefilled_from) for question in self.questions)

    @property
    def risk_counts(self) -> Counter:
        return Counter(question.risk for question in self.questions)


@dataclass
class OutlineArea(QuestionTally):
    """A focus area with its questions in lens order. Questions in no focus area are grouped by pillar, under
    the pillar's name. `key` is the area's id on the page (`area-progress-<key>`)."""

    key: str
    name: str
    parent_name: str
    pillar_order: int = 0
    path: AreaPath = ()
    questions: list[OutlineQuestion] = field(default_factory=list)

    @property
    def label(self) -> str:
        """The area's name, after its parent's when nested: "Selection › Compute"."""
        return f"{self.parent_name} › {self.name}" if self.parent_name else self.name


@dataclass
class ReviewOutline(QuestionTally):
    """The whole review: its focus areas in lens order, nested areas under their parent."""

    areas: list[OutlineArea]

    @property
    def questions(self) -> list[OutlineQuestion]:
        return [question for area in self.areas for question in area.questions]

    def risk_summary(self) -> list[tuple[str, int]]:
        """(risk, number of questions) for every risk level, worst first, zeros included."""
        counts = self.risk_counts
        return [(level.value, counts[level.value]) for level in risk_levels.LEVELS]

    def walk_start(self) -> str | None:
        """Where "Walk through the questions" starts: the first question not yet answered (or pre-filled and not
        yet confirmed), or the first when all are answered (None for a lens without questions)."""
        questions = self.questions
        first = next((q for q in questions if not q.is_answered), questions[0] if questions else None)
        return first.code if first else None

    def needing_attention(self) -> list[OutlineQuestion]:
        """The questions at high or medium risk, worst first (`risk_levels` order), then in lens order."""
        at_risk = [q for q in self.questions if q.risk in (AnswerRisk.HIGH, AnswerRisk.MEDIUM)]
        return sorted(at_risk, key=lambda question: risk_levels.risk_level(question.risk).order)

    def area_of(self, code: str) -> OutlineArea:
        return next(area for area in self.areas if any(question.code == code for question in area.questions))

    def neighbours(self, code: str) -> tuple[str | None, str | None]:
        """The codes of the questions before and after `code` in the walk."""
        codes = [question.code for question in self.questions]
        index = codes.index(code)
        previous = codes[index - 1] if index > 0 else None
        following = codes[index + 1] if index + 1 < len(codes) else None
        return previous, following


# Areas nest one level (Selection → Compute), as lens versions copy them: the query reads an area and its parent.
_AREA = "question__focus_area"
_PARENT = "question__focus_area__parent"
# What an outline reads of each answer-like row (a review's answer, a milestone's saved copy of one).
_OUTLINE_FIELDS = (
    "risk",
    "question_id",
    "question__code",
    "question__title",
    "question__order",
    "question__pillar__order",
    "question__pillar__name",
    *(f"{area}{column}" for area in (_AREA, _PARENT) for column in ("_id", "__code", "__name", "__order")),
)
_ANSWER_FIELDS = ("selected", "notes", "reason", "practices_not_applicable")
# A review's answer may be pre-filled and not yet confirmed; a milestone's copy keeps whether it was.
_PREFILLED = "prefilled_from"
# Whether the rows' lens version is published, so that its outline's shape may be kept (`LensShapes`).
_LENS_ID = "question__pillar__lens_id"
_LENS_STATUS = "question__pillar__lens__status"
_LENS_FIELDS = (_LENS_ID, _LENS_STATUS)


def review_outline(*, review: Review, answers: bool = False) -> ReviewOutline:
    """Every question of the review with its answer's risk, grouped by focus area, in lens order
    (`wareview.lenses.ordering`), with completion and risk counts. One query.

    The navigation, the overview, an autosave's progress, the report and the exports all read this; with
    `answers=True` each question also carries its selected practices, notes, not-applicable reason and the best
    practices that do not apply."""
    return _outline_of_review(review.pk, answers=answers, lens_id=review.lens_id)


def _outline_of_review(review_pk: int, *, answers: bool, lens_id: int | None) -> ReviewOutline:
    answer_rows = Answer.objects.filter(review_id=review_pk)
    shape = None if answers or lens_id is None else lens_shapes.get(lens_id)
    if shape is None:
        return outline_from_rows(answer_rows, answers=answers)
    risks = {
        pk: (risk, prefilled)
        for pk, risk, prefilled in answer_rows.order_by().values_list("question_id", "risk", _PREFILLED)
    }
    if not risks.keys() <= shape.question_ids:  # the review moved to another lens version meanwhile
        return outline_from_rows(answer_rows, answers=answers)
    return shape.outline(risks)


def outline_from_rows(queryset: QuerySet, *, answers: bool = False) -> ReviewOutline:
    """The outline built from answer-like rows: any queryset of a model with the answer's `question`, `risk`,
    `prefilled_from`, `selected`, `notes`, `reason` and `practices_not_applicable` (a milestone's saved copy of a
    review's answers), so everything that reads an outline reads both alike. One query. The shape of a published
    lens's outline is kept on the way (`lens_shapes`)."""
    fields = (*_OUTLINE_FIELDS, *_LENS_FIELDS, _PREFILLED, *(_ANSWER_FIELDS if answers else ()))
    rows = list(queryset.order_by().values(*fields))
    outline = _outline_build(rows, answers=answers)
    lens_shapes.keep(rows, outline)
    return outline


@dataclass(frozen=True)
class _AreaShape:
    """A focus area of a lens's outline without its answers: the area's names and its questions in walk order,
    each as (question id, code, title, order)."""

    key: str
    name: str
    parent_name: str
    pillar_order: int
    path: AreaPath
    questions: tuple[tuple[int, str, str, int], ...]


@dataclass(frozen=True)
class LensShape:
    """What a lens version's outline shows besides the answers' risks: its areas and questions in walk order."""

    areas: tuple[_AreaShape, ...]
    question_ids: frozenset[int]

    def outline(self, risks: dict[int, tuple[str, str]]) -> ReviewOutline:
        """The outline of the answers whose risks and pre-fill marks are `risks` (by question id), as
        `_outline_build` makes it from their rows: the questions answered, in walk order, in areas that have
        any."""
        areas = []
        for shape in self.areas:
            questions = [
                OutlineQuestion(
                    code=code,
                    title=title,
                    risk=risks[pk][0],
                    question_id=pk,
                    order=order,
                    prefilled_from=risks[pk][1],
                )
                for pk, code, title, order in shape.questions
                if pk in risks
            ]
            if questions:
                area = OutlineArea(
                    key=shape.key,
                    name=shape.name,
                    parent_name=shape.parent_name,
                    pillar_order=shape.pillar_order,
                    path=shape.path,
                    questions=questions,
                )
                areas.append(area)
        return ReviewOutline(areas=areas)


class LensShapes:
    """`lens_shapes.get(lens_id)`: the shape of a published lens version's outline, kept in memory once an
    outline of it was read, so that the outline of a review of it (the question page's navigation, the switch
    between questions, an autosave's progress) reads the answers' risks alone, without joining the questions,
    their areas and pillars. A published lens's rows never change (`lenses.models` refuses every write), as
    `lenses.selectors.question_sheet` relies on too; a draft's outline is read whole every time."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._kept: dict[int, LensShape] = {}

    def get(self, lens_id: int) -> LensShape | None:
        return self._kept.get(lens_id)

    def keep(self, rows: list[dict], outline: ReviewOutline) -> None:
        """Keep the shape of `outline`, built from `rows`, when they are all questions of one published lens."""
        lenses = {(row[_LENS_ID], row[_LENS_STATUS]) for row in rows}
        if len(lenses) != 1:
            return
        ((lens_id, status),) = lenses
        if status != Lens.Status.PUBLISHED or lens_id in self._kept:
            return
        if len(self._kept) >= self.maxsize:
            self._kept.clear()  # as question_sheet does: simpler than least-recently-used
        self._kept[lens_id] = _shape_of(outline)

    def cache_clear(self) -> None:
        self._kept.clear()


lens_shapes = LensShapes(maxsize=64)


def _shape_of(outline: ReviewOutline) -> LensShape:
    areas = tuple(
        _AreaShape(
            key=area.key,
            name=area.name,
            parent_name=area.parent_name,
            pillar_order=area.pillar_order,
            path=area.path,
            questions=tuple((q.question_id, q.code, q.title, q.order) for q in area.questions),
        )
        for area in outline.areas
    )
    return LensShape(areas=areas, question_ids=frozenset(q.question_id for q in outline.questions))


def _outline_build(rows: list[dict], *, answers: bool) -> ReviewOutline:
    rows = sorted(rows, key=_walk_key)
    areas: dict[tuple, OutlineArea] = {}
    for row in rows:
        group = (row["question__pillar__order"], row["question__pillar__name"], row[f"{_AREA}_id"])
        if group not in areas:
            areas[group] = _outline_area(row)
        areas[group].questions.append(_outline_question(row, answers=answers))
    return ReviewOutline(areas=list(areas.values()))


def _area_path(row: dict) -> AreaPath:
    path = [(row[f"{area}__order"], row[f"{area}__code"]) for area in (_PARENT, _AREA) if row[f"{area}_id"]]
    return tuple(path)


def _walk_key(row: dict) -> tuple:
    return question_sort_key(
        pillar_order=row["question__pillar__order"],
        area_path=_area_path(row),
        order=row["question__order"],
        code=row["question__code"],
    )


def _outline_area(row: dict) -> OutlineArea:
    area_id, pillar_name = row[f"{_AREA}_id"], row["question__pillar__name"]
    return OutlineArea(
        key=area_key(area_id, pillar_name),
        name=row[f"{_AREA}__name"] or pillar_name,
        parent_name=row[f"{_PARENT}__name"] or "",
        pillar_order=row["question__pillar__order"],
        path=_area_path(row),
    )


def _outline_question(row: dict, *, answers: bool) -> OutlineQuestion:
    if not answers:
        return OutlineQuestion(
            code=row["question__code"],
            title=row["question__title"],
            risk=row["risk"],
            question_id=row["question_id"],
            order=row["question__order"],
            prefilled_from=row[_PREFILLED],
        )
    return OutlineQuestion(
        code=row["question__code"],
        title=row["question__title"],
        risk=row["risk"],
        question_id=row["question_id"],
        order=row["question__order"],
        selected=tuple(row["selected"] or ()),
        notes=row["notes"],
        reason=row["reason"],
        practices_not_applicable=row["practices_not_applicable"] or {},
        prefilled_from=row[_PREFILLED],
    )


def area_key(focus_area_id: int | None, pillar_name: str) -> str:
    """The page's id for a focus area (questions without one are grouped by pillar)."""
    return str(focus_area_id) if focus_area_id else slugify(pillar_name)


@dataclass(frozen=True)
class SaveCounts:
    """What an autosave refreshes beside the question: its area's and the whole review's progress."""

    area: OutlineArea
    review: ReviewOutline


def save_counts(*, answer: Answer) -> SaveCounts:
    """The progress of the answer's focus area and of its whole review, from the review's outline. One query."""
    # A save reads the answer with its review (`reviews.access.get_answer_to_write`), not the review's lens.
    review = answer.review if Answer.review.is_cached(answer) else None
    outline = _outline_of_review(answer.review_id, answers=False, lens_id=review.lens_id if review else None)
    return SaveCounts(area=outline.area_of(answer.question.code), review=outline)


def answered_filter(prefix: str = "") -> Q:
    """The answers progress counts, as a filter (`prefix`: the lookup path to them, e.g. "answers__"): answered
    and not pre-filled awaiting a person's confirmation (`OutlineQuestion.is_answered`)."""
    return ~Q(**{f"{prefix}risk": AnswerRisk.UNANSWERED}) & Q(**{f"{prefix}prefilled_from": ""})


def answer_history(*, answer: Answer) -> QuerySet[AnswerChange]:
    """Every change of the answer, newest first, with who made it: a query for the view to show a page at a time."""
    return AnswerChange.objects.filter(answer=answer).select_related("changed_by").order_by("-changed_at", "-pk")


def workload_reviews(*, workload: Workload) -> list[Review]:
    """The workload's reviews, newest first, each with its completion and risk counts. One query."""
    reviews = (
        Review.objects.filter(workload=workload)
        .select_related("lens")
        .annotate(
            question_count=Count("answers"),
            answered_count=Count("answers", filter=answered_filter("answers__")),
            high_count=Count("answers", filter=Q(answers__risk=AnswerRisk.HIGH)),
            medium_count=Count("answers", filter=Q(answers__risk=AnswerRisk.MEDIUM)),
            no_risk_count=Count("answers", filter=Q(answers__risk=AnswerRisk.NONE)),
        )
    )
    return list(reviews)


def living_reviews(reviews: list[Review]) -> list[Review]:
    """The open reviews of a workload's `reviews` (`workload_reviews`), at most one per lens, by lens name: what
    the workload page shows side by side and what the whole workload's report takes in turn."""
    return sorted((review for review in reviews if not review.is_closed), key=lambda review: review.lens.name.lower())


def startable_lenses(*, living: list[Review]) -> list[Lens]:
    """The published lenses a new review of the workload may be started on: those of a question set (slug) that
    has no open review among the workload's `living` reviews (`living_reviews`). One query."""
    taken = {review.lens_slug for review in living}
    return [lens for lens in Lens.objects.published().order_by("name", "-version") if lens.slug not in taken]


@dataclass(frozen=True)
class WorkloadSummary:
    """A workload on the dashboard, with its open reviews' completion and risk counts."""

    workload: Workload
    question_count: int = 0
    answered_count: int = 0
    high_count: int = 0
    medium_count: int = 0


def dashboard_workloads(*, user: User) -> QuerySet[Workload]:
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
            answered_count=Count("pk", filter=answered_filter()),
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
