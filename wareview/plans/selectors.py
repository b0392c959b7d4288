"""Reads for improvement plans: a review's plan in the report's priority order (a page of it from the order keys
kept on the items, or the whole plan from the report), an item's history, the team members who may own items. A
fixed number of queries whatever the size of the lens or of the plan."""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db.models import Case, Count, F, OuterRef, Q, QuerySet, Subquery, When

from wareview.lenses.models import Choice
from wareview.lib import risk_levels
from wareview.plans import ordering
from wareview.plans.models import NOT_RECOMMENDED, ImprovementItem, ImprovementItemChange, ItemStatus
from wareview.reports.data import Practice, QuestionFacts, Recommendation, ReportData
from wareview.reports.selectors import report_data
from wareview.reviews.models import Review
from wareview.teams.models import Membership, Role, Team

CLOSED_STATUSES = (ItemStatus.DONE, ItemStatus.WONT_DO)
# The status filter's value for the items still to do (open or in progress): what the CSV exports by default.
TO_DO = "to_do"
TO_DO_STATUSES = (ItemStatus.OPEN, ItemStatus.IN_PROGRESS)


@dataclass(frozen=True)
class PlanEntry:
    """One item of the plan: the recommendation (question and practice, with its risk and guidance), its row (a
    blank open one until it is written) and its `position` in the report's order (None for a done item no longer
    recommended)."""

    recommendation: Recommendation
    item: ImprovementItem
    position: int | None

    @property
    def risk(self) -> str:
        return self.recommendation.risk

    @property
    def is_overdue(self) -> bool:
        due = self.item.due_date
        return bool(due and due < date.today() and self.item.status not in CLOSED_STATUSES)


@dataclass(frozen=True)
class Plan:
    entries: list[PlanEntry]
    # (question code, practice code) of the recommendations that have no item yet.
    missing: list[tuple[str, str]]

    def status_counts(self) -> list[tuple[str, str, int]]:
        """(status, label, number of items) for every status, in the vocabulary's order, zeros included."""
        counts = Counter(entry.item.status for entry in self.entries)
        return [(value, label, counts[value]) for value, label in ItemStatus.choices]

    def filtered(self, *, status: str = "", owner: str = "", risk: str = "") -> list[PlanEntry]:
        """The entries with that status (or `TO_DO`: open or in progress), owner (a user's id, or "none" for
        nobody) and risk; blank means any."""
        return [entry for entry in self.entries if _matches(entry, status=status, owner=owner, risk=risk)]


def _matches(entry: PlanEntry, *, status: str, owner: str, risk: str) -> bool:
    item = entry.item
    owner_id = str(item.owner_id) if item.owner_id else "none"
    return status_matches(item.status, status) and (not owner or owner_id == owner) and (not risk or entry.risk == risk)


def status_matches(status: str, wanted: str) -> bool:
    """Whether an item's `status` is what the status filter asks for (blank: any)."""
    if wanted == TO_DO:
        return status in TO_DO_STATUSES
    return not wanted or status == wanted


# The items a plan lists: recommended ones, and done ones no longer recommended; never one of a practice the lens
# version lacks.
LISTED = Q(priority__isnull=False) & (Q(plan_rank__lt=NOT_RECOMMENDED) | Q(status=ItemStatus.DONE))
# The plan's order: the report's for the recommended items, then the done ones in lens order.
PLAN_ORDER = (
    "plan_rank",
    Case(When(plan_rank__lt=NOT_RECOMMENDED, then="priority"), default="lens_position"),
)


@dataclass(frozen=True)
class PlanSummary:
    """How many items of each status the plan lists, whether its items are written (its plan started), and
    whether some lack their order keys (written before the plan kept them)."""

    counts: dict[str, int]
    started: bool
    unordered: bool = False

    def status_counts(self) -> list[tuple[str, str, int]]:
        return [(value, label, self.counts.get(value, 0)) for value, label in ItemStatus.choices]


def plan_summary(*, review: Review) -> PlanSummary:
    """The plan's counts per status, whether any item of the review is written, and whether any lacks its order
    keys. One query."""
    rows = (
        ImprovementItem.objects.filter(review=review)
        .values("status")
        .annotate(
            written=Count("pk"), listed=Count("pk", filter=LISTED), unordered=Count("pk", filter=Q(plan_rank=None))
        )
        .order_by()
    )
    counts, started, unordered = {}, False, False
    for row in rows:
        counts[row["status"]] = row["listed"]
        started = started or row["written"] > 0
        unordered = unordered or row["unordered"] > 0
    return PlanSummary(counts=counts, started=started, unordered=unordered)


def plan_items(*, review: Review, status: str = "", owner: str = "", risk: str = "") -> QuerySet[ImprovementItem]:
    """The written items the plan lists, in its order, with that status (see `status_matches`), owner (a user's
    id, or "none") and question risk; each with its owner and its `position`, its number in the whole plan (None
    for a done item no longer recommended). A query for the view to show a page at a time: the database orders
    the items by their keys (`ordering`), nothing else is read."""
    items = ImprovementItem.objects.filter(LISTED, review=review)
    if status == TO_DO:
        items = items.filter(status__in=TO_DO_STATUSES)
    elif status:
        items = items.filter(status=status)
    if owner == "none":
        items = items.filter(owner__isnull=True)
    elif owner:
        items = items.filter(owner_id=int(owner))
    if risk:
        items = items.filter(risk=risk)
    before = (
        ImprovementItem.objects.filter(review_id=OuterRef("review_id"), priority__isnull=False)
        .filter(
            Q(plan_rank__lt=OuterRef("plan_rank"))
            | Q(plan_rank=OuterRef("plan_rank"), priority__lte=OuterRef("priority"))
        )
        .order_by()
        .values("review_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    position = Case(When(plan_rank__lt=NOT_RECOMMENDED, then=Subquery(before)), default=None)
    return items.select_related("owner").annotate(position=position).order_by(*PLAN_ORDER)


def plan_entries(*, review: Review, items: list[ImprovementItem]) -> list[PlanEntry]:
    """`items` (of `plan_items`) as the plan's entries, with their practices' and questions' words: one query,
    whatever their number."""
    practices = Choice.objects.filter(
        question__pillar__lens_id=review.lens_id,
        question__code__in={item.question_code for item in items},
        code__in={item.practice_code for item in items},
    ).values_list("question__code", "question__title", "code", "title", "improvement_text", "improvement_url")
    words = {
        (question, code): (question_title, title, text, url)
        for question, question_title, code, title, text, url in practices
    }
    entries = []
    for item in items:
        question_title, title, text, url = words.get(
            (item.question_code, item.practice_code), ("", item.practice_code, "", "")
        )
        recommendation = Recommendation(
            question=QuestionFacts(code=item.question_code, title=question_title, risk=item.risk),
            practice=Practice(code=item.practice_code, title=title, improvement_text=text, improvement_url=url),
        )
        entries.append(PlanEntry(recommendation=recommendation, item=item, position=getattr(item, "position", None)))
    return entries


class LensKeysKept:
    """`lens_keys_of(review=…)`: the order keys of the practices of the review's lens version (`ordering.lens_keys`),
    kept in memory for a published version, whose rows never change (as `lenses.selectors.question_sheet` does);
    a draft's are read with the report (`plan_source`, four queries, none when `data` is given)."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._kept: dict[int, ordering.LensKeys] = {}

    def __call__(self, *, review: Review, data: ReportData | None = None) -> ordering.LensKeys:
        kept = self._kept.get(review.lens_id)
        if kept is not None:
            return kept
        keys = ordering.lens_keys(data or plan_source(review=review))
        if review.lens.is_published:
            if len(self._kept) >= self.maxsize:
                self._kept.clear()
            self._kept[review.lens_id] = keys
        return keys

    def cache_clear(self) -> None:
        self._kept.clear()


lens_keys_of = LensKeysKept(maxsize=64)


def plan_source(*, review: Review) -> ReportData:
    """What the plan is made of: the review's report without plan statuses (four queries)."""
    return report_data(review=review, plan=False, changes=False, evidence=False)


def review_plan(*, review: Review, data: ReportData) -> Plan:
    """The plan of `review`: every recommendation of `data` in its order, with its item, then the done items no
    longer recommended (their question is no longer at high or medium risk, or the practice is followed) in lens
    order. Items of practices the lens no longer has are left out. One query."""
    items = {
        (item.question_code, item.practice_code): item
        for item in ImprovementItem.objects.filter(review=review).select_related("owner")
    }
    entries = [
        PlanEntry(recommendation=rec, item=items.get(rec.key) or _unplanned(review, rec), position=position)
        for position, rec in enumerate(data.recommendations, 1)
    ]
    recommended = {rec.key for rec in data.recommendations}
    missing = [rec.key for rec in data.recommendations if rec.key not in items]
    for question in data.questions:
        for practice in question.practices:
            item = items.get((question.code, practice.code))
            if (
                item is not None
                and item.status == ItemStatus.DONE
                and (question.code, practice.code) not in recommended
            ):
                entries.append(PlanEntry(Recommendation(question=question, practice=practice), item, None))
    return Plan(entries=entries, missing=missing)


def _unplanned(review: Review, recommendation: Recommendation) -> ImprovementItem:
    """A recommendation whose item is not written yet reads as open, with nobody (not saved)."""
    question, practice = recommendation.key
    return ImprovementItem(review=review, question_code=question, practice_code=practice)


def team_members(*, team: Team) -> list:
    """Who may own an item: the members of the team, by name. One query."""
    return list(get_user_model().objects.filter(memberships__team=team).order_by("username"))


def item_practice(*, item: ImprovementItem) -> Choice | None:
    """The item's best practice in the review's lens, with its question; None when the lens no longer has it.
    One query."""
    return (
        Choice.objects.filter(
            question__pillar__lens_id=item.review.lens_id, question__code=item.question_code, code=item.practice_code
        )
        .select_related("question")
        .first()
    )


def item_history(*, item: ImprovementItem) -> QuerySet[ImprovementItemChange]:
    """Every change of the item, newest first, with who made it: a query for the view to show a page at a time."""
    return ImprovementItemChange.objects.filter(item=item).select_related("changed_by").order_by("-changed_at", "-pk")


@dataclass(frozen=True)
class OwnedItem:
    """An item on "My items": the item (with its review, workload, team and lens), its practice's and question's
    titles, its question's risk, the owner's role in the team and the team's members (who may own it)."""

    item: ImprovementItem
    title: str
    question_title: str
    risk: str
    role: Role
    members: list


def owned_items(*, user: User, status: str = "", risk: str = "") -> QuerySet[ImprovementItem]:
    """The items `user` owns in the open reviews of the teams they are in, as their plans list them (recommended,
    or done), with that status (see `status_matches`) and question risk; soonest due first, then by workload, then
    in their plan's order. A query for the view to show a page at a time.

    An item of a team the person left is not theirs to see; a closed review's items no longer change, and an item
    whose practice the review's lens version no longer has is not in its plan: none of them are listed."""
    items = ImprovementItem.objects.filter(
        LISTED,
        owner=user,
        review__workload__team__memberships__user=user,
        review__status=Review.Status.OPEN,
    )
    if status == TO_DO:
        items = items.filter(status__in=TO_DO_STATUSES)
    elif status:
        items = items.filter(status=status)
    if risk:
        items = items.filter(risk=risk)
    return items.select_related("review__workload__team", "review__lens", "owner").order_by(
        F("due_date").asc(nulls_last=True), "review__workload__name", "review_id", *PLAN_ORDER
    )


def owned_items_read(*, user: User, items: list[ImprovementItem]) -> list[OwnedItem]:
    """`items` (of `owned_items`) with what their rows show: two queries, whatever their number."""
    titles = {
        (lens, question, code): (title, question_title)
        for lens, question, code, title, question_title in Choice.objects.filter(
            question__pillar__lens_id__in={item.review.lens_id for item in items},
            code__in={item.practice_code for item in items},
        ).values_list("question__pillar__lens_id", "question__code", "code", "title", "question__title")
    }
    members: dict[int, list] = {}
    roles: dict[int, Role] = {}
    memberships = Membership.objects.filter(team_id__in={item.review.workload.team_id for item in items})
    for membership in memberships.select_related("user").order_by("user__username"):
        members.setdefault(membership.team_id, []).append(membership.user)
        if membership.user_id == user.pk:
            roles[membership.team_id] = Role(membership.role)
    rows = []
    for item in items:
        team_id = item.review.workload.team_id
        title, question_title = titles.get(
            (item.review.lens_id, item.question_code, item.practice_code), (item.practice_code, "")
        )
        risk = item.risk or risk_levels.UNANSWERED.value
        rows.append(
            OwnedItem(item, title, question_title, risk, roles.get(team_id, Role.VIEWER), members.get(team_id, []))
        )
    return rows
