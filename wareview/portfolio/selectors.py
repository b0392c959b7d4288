"""Reads for the portfolio: every workload the user can see across their teams, filtered and sorted, with its
open reviews' counts; the heatmap of a page of workloads by focus area; the practices most often missing.

Each is a fixed number of queries whatever the number of workloads, reviews or questions.
"""

from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import date
from hashlib import blake2b
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse

from wareview.evidence.selectors import VerifiedCount, reviews_verified_counts
from wareview.lenses.models import Choice, FocusArea, Lens
from wareview.lib import charts, risk_levels
from wareview.lib.kept import Kept
from wareview.reviews.models import Answer, AnswerRisk, Review
from wareview.reviews.selectors import answered_filter
from wareview.workloads.models import Workload, WorkloadTag

# The lens the heatmap draws when the filters name none: the shipped Performance Efficiency lens.
DEFAULT_LENS_SLUG = "performance-efficiency"
TOP_MISSING = 10
ANSWERED = (AnswerRisk.HIGH, AnswerRisk.MEDIUM, AnswerRisk.NONE)
ORDERINGS = {
    "name": (Lower("name"), "pk"),
    "team": (Lower("team__name"), Lower("name"), "pk"),
    "-high": ("-high_count", Lower("name"), "pk"),
    "completion": ("completion", Lower("name"), "pk"),
    "-completion": ("-completion", Lower("name"), "pk"),
    "verified": ("verified_share", Lower("name"), "pk"),
    "-verified": ("-verified_share", Lower("name"), "pk"),
}
# Buckets of completion, by the counts of the open reviews (the percent shown is rounded; these are exact).
COMPLETION_FILTERS = {
    "no_review": Q(question_count=0),
    "not_started": Q(question_count__gt=0, answered_count=0),
    "under_half": Q(answered_count__gt=0, answered_count__lt=F("question_count") / 2.0),
    "over_half": Q(answered_count__gte=F("question_count") / 2.0, answered_count__lt=F("question_count")),
    "complete": Q(question_count__gt=0, answered_count=F("question_count")),
}
# Buckets of the ticked practices' evidence, by the same counts (`VerifiedCount`) the column shows.
VERIFIED_FILTERS: dict[str, Callable[[VerifiedCount], bool]] = {
    "all": lambda count: count.ticked > 0 and count.verified == count.ticked,
    "expired": lambda count: count.expired > 0,
    "unverified": lambda count: count.not_verified > 0,
    "none_ticked": lambda count: count.ticked == 0,
}
VERIFIED_SORTS = ("verified", "-verified")


def portfolio_lenses() -> list[Lens]:
    """The newest published version of each lens, by name: what the lens filter offers. One query."""
    newest: dict[str, Lens] = {}
    for lens in Lens.objects.published().order_by("slug", "-version"):
        newest.setdefault(lens.slug, lens)
    return sorted(newest.values(), key=lambda lens: lens.name.lower())


def portfolio_workloads(
    *, user: User, filters: dict[str, Any], ids: Collection[int] | None = None, today: date | None = None
) -> QuerySet[Workload]:
    """The workloads of every team `user` belongs to, narrowed by the portfolio form's cleaned `filters` and in
    its order, each with `question_count`, `answered_count`, `high_count` and `medium_count` of its open reviews
    (of the filtered lens's only, when there is one) and `completion` (percent, floored; -1 without an open
    review). A query, to be shown a page at a time: the counts are subqueries of the rows asked for.

    The verified filter and sorting need every selected workload's `VerifiedCount` (on `today`) before the
    page: they are counted first (`portfolio_verified`, a fixed number of queries), and the query then holds
    the ids that pass and, to sort by, `verified_share` (percent floored, -1 with nothing ticked).

    With `ids`, those workloads (of the ones `user` can see) instead of what the filters select now: a selection
    recorded earlier, counted and sorted as the filters say."""
    answers = Answer.objects.filter(review__workload=OuterRef("pk"), review__status=Review.Status.OPEN)
    if filters.get("lens"):
        answers = answers.filter(review__lens_slug=filters["lens"])
    workloads = (
        Workload.objects.for_user(user)
        .select_related("team")
        .annotate(
            question_count=_counted(answers),
            answered_count=_counted(answers.filter(answered_filter())),
            high_count=_counted(answers.filter(risk=AnswerRisk.HIGH)),
            medium_count=_counted(answers.filter(risk=AnswerRisk.MEDIUM)),
        )
        .annotate(
            completion=Case(
                When(question_count=0, then=Value(-1)),
                default=F("answered_count") * 100 / F("question_count"),
                output_field=IntegerField(),
            )
        )
    )
    selected = _filtered(workloads, filters) if ids is None else workloads.filter(pk__in=ids)
    if filters.get("verified") or filters.get("sort") in VERIFIED_SORTS:
        selected = _verified_selected(workloads, selected, filters, today)
    return selected.order_by(*ORDERINGS[filters.get("sort") or "name"])


def _verified_selected(
    workloads: QuerySet[Workload], selected: QuerySet[Workload], filters: dict[str, Any], today: date | None
) -> QuerySet[Workload]:
    """`selected` narrowed by the verified filter and given `verified_share` to sort by, from the counts of every
    workload it selects (three queries and one for their ids, whatever their number)."""
    candidates = list(selected.order_by().values_list("pk", flat=True))
    counts = portfolio_verified(workloads=candidates, lens_slug=filters.get("lens") or "", today=today)
    kept = candidates
    if filters.get("verified"):
        passes = VERIFIED_FILTERS[filters["verified"]]
        kept = [pk for pk in candidates if passes(counts.get(pk, VerifiedCount()))]
    narrowed = workloads.filter(pk__in=kept)
    if filters.get("sort") not in VERIFIED_SORTS:
        return narrowed
    by_share: dict[int, list[int]] = defaultdict(list)
    for pk in kept:
        count = counts.get(pk, VerifiedCount())
        by_share[count.verified * 100 // count.ticked if count.ticked else -1].append(pk)
    shares = [When(pk__in=pks, then=Value(share)) for share, pks in by_share.items()]
    return narrowed.annotate(verified_share=Case(*shares, default=Value(-1), output_field=IntegerField()))


def portfolio_verified(
    *, workloads: Collection[int], lens_slug: str = "", today: date | None = None
) -> dict[int, VerifiedCount]:
    """The ticked practices of the open reviews (of the lens `lens_slug` only, when given) of the `workloads`
    (ids) by their evidence's state on `today`, by workload id, as the review's overview counts them
    (`evidence.selectors.reviews_verified_counts`); workloads with nothing answered are absent. Three
    queries whatever the number of workloads: their open reviews and the two of the counts."""
    reviews = Review.objects.open().filter(workload_id__in=workloads)
    if lens_slug:
        reviews = reviews.filter(lens_slug=lens_slug)
    return _summed_by_workload(dict(reviews.order_by().values_list("pk", "workload_id")), today)


def _summed_by_workload(workload_of: dict[int, int], today: date | None) -> dict[int, VerifiedCount]:
    """`reviews_verified_counts` of the reviews `workload_of` maps to their workloads, summed by workload."""
    totals: dict[int, VerifiedCount] = {}
    for review_id, count in reviews_verified_counts(review_ids=list(workload_of), today=today).items():
        workload_id = workload_of[review_id]
        totals[workload_id] = totals.get(workload_id, VerifiedCount()) + count
    return totals


def _counted(answers: QuerySet[Answer]) -> Coalesce:
    counted = answers.order_by().values("review__workload").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _filtered(workloads: QuerySet[Workload], filters: dict[str, Any]) -> QuerySet[Workload]:
    if filters.get("team"):
        workloads = workloads.filter(team=filters["team"])
    if filters.get("environment"):
        workloads = workloads.filter(environment=filters["environment"])
    if filters.get("lens"):
        on_lens = Review.objects.filter(workload=OuterRef("pk"), status=Review.Status.OPEN, lens_slug=filters["lens"])
        workloads = workloads.filter(Exists(on_lens))
    if filters.get("tag"):
        workloads = workloads.filter(tags__name=filters["tag"])
    if filters.get("high_risks") == "yes":
        workloads = workloads.filter(Q(high_count__gt=0))
    elif filters.get("high_risks") == "no":
        workloads = workloads.filter(Q(high_count=0))
    if filters.get("completion"):
        workloads = workloads.filter(COMPLETION_FILTERS[filters["completion"]])
    return workloads


@dataclass(frozen=True)
class PortfolioRow:
    """A workload of the portfolio with its tags, the lenses of its open reviews and their counts."""

    workload: Workload
    tags: list[str]
    lenses: list[str]
    verified: VerifiedCount = field(default_factory=VerifiedCount)

    @property
    def has_review(self) -> bool:
        return self.workload.question_count > 0  # type: ignore[attr-defined]


def portfolio_rows(
    *, workloads: Sequence[Workload], lens_slug: str = "", today: date | None = None
) -> list[PortfolioRow]:
    """The rows of a page (or of the CSV) of `portfolio_workloads`: four queries, the tags and the open reviews'
    lenses of those workloads and the two of their ticked practices' `verified` counts (as `portfolio_verified`:
    of the lens `lens_slug` only, when the filters name one, on `today`)."""
    ids = [workload.pk for workload in workloads]
    tags: dict[int, list[str]] = defaultdict(list)
    for workload_id, name in _tag_rows(ids):
        tags[workload_id].append(name)
    lenses: dict[int, list[str]] = defaultdict(list)
    counted: dict[int, int] = {}  # the open reviews whose ticks the row counts (of the lens filtered on), by workload
    reviews = Review.objects.open().filter(workload_id__in=ids).order_by(Lower("lens__name"))
    for review_id, workload_id, name, slug in reviews.values_list("pk", "workload_id", "lens__name", "lens_slug"):
        lenses[workload_id].append(name)
        if not lens_slug or slug == lens_slug:
            counted[review_id] = workload_id
    verified = _summed_by_workload(counted, today)
    return [
        PortfolioRow(workload=w, tags=tags[w.pk], lenses=lenses[w.pk], verified=verified.get(w.pk, VerifiedCount()))
        for w in workloads
    ]


def portfolio_rows_digest(*, rows: Sequence[PortfolioRow]) -> str:
    """A digest of everything the page's table shows of `rows`: the template caches the table under it."""
    shown = [
        (
            row.workload.pk,
            row.workload.name,
            row.workload.team.name,
            row.workload.environment,
            row.tags,
            row.lenses,
            row.workload.answered_count,  # type: ignore[attr-defined]
            row.workload.question_count,  # type: ignore[attr-defined]
            row.workload.high_count,  # type: ignore[attr-defined]
            row.workload.medium_count,  # type: ignore[attr-defined]
            row.verified,  # changes with the evidence, the team's days and the day it is
        )
        for row in rows
    ]
    return blake2b(repr(shown).encode(), digest_size=16).hexdigest()


def portfolio_selection(*, user: User, filters: dict[str, Any]) -> QuerySet[Workload]:
    """The workloads `portfolio_workloads` selects, unsorted and with only the counts its filters need: the
    selection as a subquery, cheaper to build than the page's."""
    if filters.get("high_risks") or filters.get("completion") or filters.get("verified"):
        return portfolio_workloads(user=user, filters=filters).order_by()
    return _filtered(Workload.objects.for_user(user), filters)


def _tag_rows(ids: list[int]) -> QuerySet:
    return WorkloadTag.objects.filter(workload_id__in=ids).order_by("name").values_list("workload_id", "name")


@dataclass(frozen=True)
class HeatmapRow:
    """A workload's row: the worst risk of each column ("" when it has no open review of the lens) and, where it
    has one, where that area starts in its review (the question to open), else ""."""

    workload: Workload
    risks: list[str]
    links: list[str]


@dataclass(frozen=True)
class Heatmap:
    """Workloads (rows) by the focus areas of one lens as a review walks them (columns: each area that holds
    questions, a nested one under its parent's name), each cell the worst risk of the area's questions in the
    workload's open review of that lens."""

    lens: Lens | None
    columns: list[str]
    rows: list[HeatmapRow]

    def chart(self, *, links: bool = True) -> charts.HeatmapChart | None:
        """The heatmap's geometry for `charts/heatmap.html`, each cell a link to its area in the review when
        `links` (the page; the portfolio PDF draws it without), or None when there is nothing to draw."""
        if self.lens is None or not self.rows:
            return None
        rows = [(row.workload.name, row.risks) for row in self.rows]
        cell_links = [row.links for row in self.rows] if links else None
        title = f"Worst risk of each workload by focus area of {self.lens.name}"
        return charts.heatmap(rows=rows, columns=self.columns, links=cell_links, title=title, chart_id="heatmap-chart")


def portfolio_heatmap(*, workloads: Sequence[Workload], lenses: list[Lens], lens_slug: str = "") -> Heatmap:
    """The heatmap of `workloads` on the lens `lens_slug` (else the shipped Performance Efficiency lens, else the
    first of `lenses`): two queries, the lens's focus areas (kept for a published version: none the next time)
    and the answers of those workloads' open reviews of it (one row per question, so a page of workloads reads a
    few hundred rows). Areas are matched by code across the lens's versions."""
    by_slug = {lens.slug: lens for lens in lenses}
    lens = by_slug.get(lens_slug) or by_slug.get(DEFAULT_LENS_SLUG) or (lenses[0] if lenses else None)
    if lens is None:
        return Heatmap(lens=None, columns=[], rows=[])
    areas = _walked_areas(lens)
    worst: dict[tuple[int, str], int] = {}
    first: dict[tuple[int, str], tuple[int, int, str]] = {}  # (workload, area) → (question order, review, code)
    answers = Answer.objects.filter(
        review__workload__in=[workload.pk for workload in workloads],
        review__status=Review.Status.OPEN,
        review__lens_slug=lens.slug,
    )
    cells = answers.order_by().values_list(
        "review__workload_id", "review_id", "question__focus_area__code", "risk", "question__order", "question__code"
    )
    for workload_id, review_id, area_code, risk, order, code in cells:
        key = (workload_id, area_code)
        worst[key] = min(worst.get(key, len(risk_levels.LEVELS)), risk_levels.risk_level(risk).order)
        first[key] = min(first.get(key, (order, review_id, code)), (order, review_id, code))
    rows = [
        HeatmapRow(
            workload=workload,
            risks=[_level_value(worst.get((workload.pk, code))) for code, _ in areas],
            links=[_question_link(first.get((workload.pk, code))) for code, _ in areas],
        )
        for workload in workloads
    ]
    return Heatmap(lens=lens, columns=[label for _, label in areas], rows=rows)


# The heatmap's columns of each published lens version shown (a draft's are read every time).
_walked_areas_kept: Kept[int, list[tuple[str, str]]] = Kept(maxsize=64)


def _walked_areas(lens: Lens) -> list[tuple[str, str]]:
    """(code, label) of each focus area of `lens` that holds questions, in the order a review walks them; a
    nested area's label names its parent: "Selection › Compute". One query, none for a published version read
    before."""
    kept = _walked_areas_kept.get(lens.pk)
    if kept is not None:
        return kept
    rows = (
        FocusArea.objects.filter(pillar__lens=lens, questions__isnull=False)
        .distinct()
        .values_list("code", "name", "order", "parent__name", "parent__order", "pillar__order")
    )
    walked = sorted(
        rows,
        key=lambda row: (row[5], (row[4], row[2]) if row[3] is not None else (row[2], -1)),
    )
    areas = [(code, f"{parent} › {name}" if parent else name) for code, name, _, parent, _, _ in walked]
    if lens.is_published:
        _walked_areas_kept.keep(lens.pk, areas)
    return areas


def _question_link(first: tuple[int, int, str] | None) -> str:
    return reverse("reviews:question", args=[first[1], first[2]]) if first else ""


def _level_value(order: int | None) -> str:
    return "" if order is None else risk_levels.LEVELS[order].value


@dataclass(frozen=True)
class MissingPractice:
    lens_name: str
    question_code: str
    title: str
    count: int


# The practices ("None of these" left out) of each question of a published lens version read before, by question id:
# (code, title, question code, lens name), in any order.
_PracticeRow = tuple[str, str, str, str]
_practices_kept: Kept[int, list[_PracticeRow]] = Kept(maxsize=4096)


def _practices_of(question_ids: set[int]) -> dict[int, list[_PracticeRow]]:
    """The practices of each question, from memory for published versions read before, else in one query."""
    practices = {pk: kept for pk in question_ids if (kept := _practices_kept.get(pk)) is not None}
    unread = question_ids - practices.keys()
    if not unread:
        return practices
    rows = (
        Choice.objects.filter(question_id__in=unread, is_none=False)
        .order_by()
        .values_list(
            "question_id",
            "code",
            "title",
            "question__code",
            "question__pillar__lens__name",
            "question__pillar__lens__status",
        )
    )
    read: dict[int, list[_PracticeRow]] = {pk: [] for pk in unread}
    published = set()
    for question_id, code, title, question_code, lens_name, status in rows:
        read[question_id].append((code, title, question_code, lens_name))
        if status == Lens.Status.PUBLISHED:
            published.add(question_id)
    for question_id in published:
        _practices_kept.keep(question_id, read[question_id])
    return practices | read


def most_missing_practices(
    *, workloads: QuerySet[Workload], lens_slug: str = "", limit: int = TOP_MISSING
) -> list[MissingPractice]:
    """The best practices most often missing from the answered questions of the open reviews of `workloads`
    (a query, not a list: it runs as a subquery), with how many workloads miss each: two queries (one once the
    practices are kept). Answers are
    read grouped by their state, so the rows grow with the different answers given, not the workloads; "None of
    these" and practices that do not apply are never missing. The practices of a published lens version are read
    once per process (`_practices_of`): one query then."""
    answers = Answer.objects.filter(
        review__workload__in=workloads.values("pk"), review__status=Review.Status.OPEN, risk__in=ANSWERED
    )
    if lens_slug:
        answers = answers.filter(review__lens_slug=lens_slug)
    states = list(
        answers.order_by()
        .values("question_id", "selected", "practices_not_applicable")
        .annotate(n=Count("pk"))
        .values_list("question_id", "selected", "practices_not_applicable", "n")
    )
    practices = _practices_of({state[0] for state in states})
    counts: Counter = Counter()
    titles: dict[tuple[str, str, str], str] = {}
    for question_id, selected, not_applying, n in states:
        left_out = set(selected or ()) | set(not_applying or {})
        for code, title, question_code, lens_name in practices[question_id]:
            if code not in left_out:
                key = (lens_name, question_code, code)
                counts[key] += n
                titles[key] = title
    top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return [MissingPractice(lens_name=key[0], question_code=key[1], title=titles[key], count=n) for key, n in top]
