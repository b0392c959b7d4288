"""Writes to improvement plans: creating the items of the recommendations, editing an item (marking it done ticks
its practice in the review, reopening it unticks it), and following the answers (a practice ticked marks its item
done, unticked reopens it). Every change is kept in the item's history, and a tick in the answer's. Every write
keeps the items' order keys (`ordering`) in step with the answers and the lens version.
"""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from functools import partial

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q, Subquery
from django.utils import timezone

from wareview.lenses.selectors import question_sheet
from wareview.plans import ordering, selectors
from wareview.plans.models import NOT_RECOMMENDED, ImprovementItem, ImprovementItemChange, ItemStatus
from wareview.plans.signals import items_changed
from wareview.reports.data import ReportData
from wareview.reviews.merging import AnswerState, practice_field
from wareview.reviews.models import Answer, Review
from wareview.reviews.services import answer_save

TICKED_NOTE = "Practice ticked in the review"
UNTICKED_NOTE = "Practice unticked in the review"
# What the answer's history says of a tick made by marking an item done, or of an untick made by reopening it.
PLAN_TICKED_NOTE = "ticked from the improvement plan"
PLAN_UNTICKED_NOTE = "unticked from the improvement plan"

STATUS_LABELS = dict(ItemStatus.choices)


# (question code, practice code) -> (the question's risk, the item's rank): `ordering.plan_rank`.
RankOf = dict[tuple[str, str], tuple[str, int]]


def plan_items_create(
    *, review: Review, keys: Iterable[tuple[str, str]], data: ReportData | None = None, ranks: RankOf | None = None
) -> None:
    """Create the missing items (question code, practice code) of `review` as open, with their order keys, in one
    insert; an item that exists (made meanwhile by someone else) is left as it is. The keys come from `data` (the
    review's report) or, with `ranks` (each key's question risk and rank), from the lens's kept keys."""
    now = timezone.now()
    lens = selectors.lens_keys_of(review=review, data=data)
    rank_of = ranks or _ranks(data or selectors.plan_source(review=review))
    ImprovementItem.objects.bulk_create(
        [
            ImprovementItem(
                review=review,
                question_code=question,
                practice_code=practice,
                created_at=now,
                updated_at=now,
                **_keys((question, practice), lens=lens, rank_of=rank_of),
            )
            for question, practice in keys
        ],
        ignore_conflicts=True,
    )


def _ranks(data: ReportData) -> RankOf:
    return {
        (question.code, code): (question.risk, rank)
        for question in data.questions
        for code, rank in ordering.question_ranks(question).items()
    }


def _keys(key: tuple[str, str], *, lens: ordering.LensKeys, rank_of: RankOf) -> dict:
    """The order keys of item `key`: what `ImprovementItem` keeps of its answer and of its lens."""
    risk, rank = rank_of.get(key, ("", NOT_RECOMMENDED))
    return {
        "risk": risk,
        "plan_rank": rank,
        "priority": lens.priority.get(key),
        "lens_position": lens.lens_position.get(key),
    }


KEY_FIELDS = ["risk", "plan_rank", "priority", "lens_position"]


def plan_sync(*, review: Review, start: bool) -> None:
    """Bring the review's plan in step with its answers and its lens version: write an item for every
    recommendation that has none (when the plan has started, or with `start`; never in a closed review), and the
    order keys of every item. The report's four queries, the items, an insert and an update when they are due.
    Run when the plan page is first read, and when the review moves to another lens version."""
    data = selectors.plan_source(review=review)
    lens = selectors.lens_keys_of(review=review, data=data)
    rank_of = _ranks(data)
    items = list(ImprovementItem.objects.filter(review=review))
    written = {(item.question_code, item.practice_code) for item in items}
    missing = [rec.key for rec in data.recommendations if rec.key not in written]
    if missing and (start or items) and not review.is_closed:
        plan_items_create(review=review, keys=missing, data=data, ranks=rank_of)
    stale = []
    for item in items:
        keys = _keys((item.question_code, item.practice_code), lens=lens, rank_of=rank_of)
        if any(getattr(item, name) != value for name, value in keys.items()):
            for name, value in keys.items():
                setattr(item, name, value)
            stale.append(item)
    if stale:
        ImprovementItem.objects.bulk_update(stale, KEY_FIELDS)


def plan_read(*, review: Review, start: bool) -> selectors.PlanSummary:
    """The plan's counts, once what a read needs is written: with `start`, the items of a plan never read (the
    first read of the plan page starts it; never in a closed review), and the order keys of the items written before
    the plan kept them. One query when nothing is due."""
    summary = selectors.plan_summary(review=review)
    if (start and not summary.started and not review.is_closed) or summary.unordered:
        plan_sync(review=review, start=start)
        summary = selectors.plan_summary(review=review)
    return summary


def plan_open(*, review: Review) -> selectors.Plan:
    """The review's plan, with an item written for every recommendation: reading the plan starts following those
    practices in the review (see README.md). Idempotent; a closed review is left as it is."""
    data = selectors.plan_source(review=review)
    the_plan = selectors.review_plan(review=review, data=data)
    if the_plan.missing and not review.is_closed:
        plan_items_create(review=review, keys=the_plan.missing, data=data)
        the_plan = selectors.review_plan(review=review, data=data)
    return the_plan


@dataclass(frozen=True)
class ItemEdit:
    """What the item form cleaned (forms.ItemForm): the services trust it. A note of None is left as it is (the
    plan's rows have no note field)."""

    status: str
    owner: User | None  # a member of the team, or nobody
    due_date: date | None
    wont_do_reason: str
    note: str | None = None


@transaction.atomic
def item_update(*, item: ImprovementItem, user: User, edit: ItemEdit) -> ImprovementItem:
    """Write `edit` over the item and keep what changed in its history; a change to nothing writes nothing.

    An item marked done ticks its practice in the review's answer, and a done item given another status unticks
    it, through the question page's save (`reviews.services.answer_save`), so the plan, the answers and the report
    agree. The answer's history says "ticked from the improvement plan"; the item's history has the user's edit
    alone (the save's signal finds the item already moved, see `items_follow_answer`)."""
    answer = None
    if edit.status == ItemStatus.DONE or item.status == ItemStatus.DONE:
        answer = _answer_locked(item)
    item = ImprovementItem.objects.select_for_update(of=("self",)).select_related("owner").get(pk=item.pk)
    before = _words(item)
    item.status = edit.status
    item.owner = edit.owner
    item.due_date = edit.due_date
    if edit.note is not None:
        item.note = edit.note
    item.wont_do_reason = edit.wont_do_reason if edit.status == ItemStatus.WONT_DO else ""
    after = _words(item)
    changed = [name for name in after if after[name] != before[name]]
    if changed:
        item.updated_at = timezone.now()
        item.save()
        ImprovementItemChange.objects.create(
            item=item,
            changed_by=user,
            changed_at=item.updated_at,
            before={name: before[name] for name in changed},
            after={name: after[name] for name in changed},
        )
        transaction.on_commit(partial(items_changed.send, sender=ImprovementItem, items=(item,), user=user))
    if answer is not None:
        # After the item's own save, so the signal of the answer's save finds nothing left to move.
        _practice_follow_item(answer, item=item, user=user)
    return item


def _answer_locked(item: ImprovementItem) -> Answer | None:
    """The answer to the item's question, locked, or None when the review's lens no longer has the question.

    The rows are locked in the order a save of the question takes them (the review's, the answer's, then the
    items' through the plan's signal), before the item's: a save on the question page at the same moment waits
    instead of deadlocking. Holding the answer's lock, the save below cannot lose its compare-and-swap."""
    Review.objects.select_for_update().filter(pk=item.review_id).values_list("pk").first()
    return (
        Answer.objects.select_for_update()
        .filter(review_id=item.review_id, question__code=item.question_code)
        .order_by("pk")
        .first()
    )


def _practice_follow_item(answer: Answer, *, item: ImprovementItem, user: User | None) -> None:
    """Tick the item's practice in `answer` when the item is done, untick it when it is not, as a tick on the
    question page would: "None of these" goes, and so does the practice's "does not apply" mark. Nothing is saved
    when the answer already agrees, or when the question no longer has the practice."""
    sheet = question_sheet(answer.question_id)
    code = item.practice_code
    if code not in sheet.codes or code in sheet.none_codes:
        return
    done = item.status == ItemStatus.DONE
    if (code in answer.selected) == done:
        return
    fields = {practice_field(code)}
    if done:
        fields |= {practice_field(none) for none in sheet.none_codes if none in answer.selected}
    answer_save(
        answer=answer,
        user=user,
        data=AnswerState(selected=[code] if done else []),
        expected_version=answer.version,
        changed=frozenset(fields),
        note=PLAN_TICKED_NOTE if done else PLAN_UNTICKED_NOTE,
    )


def items_done_tick_practices() -> int:
    """Tick the practice of every done item whose answer does not have it ticked, as marking the item done does
    now (`_practice_follow_item`: the answer's history says "ticked from the improvement plan", by whoever marked
    the item done), for items marked done before it did. Closed reviews stay as they were closed. Idempotent;
    returns how many practices it ticked."""
    ticked = 0
    done = ImprovementItem.objects.filter(status=ItemStatus.DONE, review__status=Review.Status.OPEN)
    for pk in done.order_by("pk").values_list("pk", flat=True):
        ticked += _item_done_tick(pk)
    return ticked


@transaction.atomic
def _item_done_tick(pk: int) -> bool:
    """Tick the practice of done item `pk` when its answer lacks it, with the locks `item_update` takes."""
    item = ImprovementItem.objects.get(pk=pk)
    answer = _answer_locked(item)
    item = ImprovementItem.objects.select_for_update(of=("self",)).get(pk=pk)
    if answer is None or item.status != ItemStatus.DONE:
        return False
    version = answer.version
    marked_done = item.changes.filter(after__Status=STATUS_LABELS[ItemStatus.DONE]).select_related("changed_by")
    change = marked_done.first()  # the latest
    _practice_follow_item(answer, item=item, user=change.changed_by if change else None)
    return answer.version != version


def _words(item: ImprovementItem) -> dict[str, str]:
    """The item's fields as the history shows them."""
    return {
        "Status": STATUS_LABELS[item.status],
        "Won't do reason": item.wont_do_reason,
        "Owner": item.owner.get_username() if item.owner else "",
        "Due date": item.due_date.isoformat() if item.due_date else "",
        "Note": item.note,
    }


def items_follow_answer(*, answer: Answer, user: User | None, before: dict) -> None:
    """Keep the plan in step with a save of `answer` that changed what it follows or its risk (`before`: its
    `state()` before the save). The items of the practices just ticked become done, the done items of those
    unticked reopen, each with a line in its history; every item of the question takes the answer's risk and its
    rank in the plan (`ordering.plan_rank`); and once the plan has started, a practice newly recommended gets its
    item (see README.md). One query when nothing changes, plus an update, an insert of history lines and an insert
    of items when they are due."""
    sheet = question_sheet(answer.question_id)
    code = sheet.question.code
    ticked = set(answer.selected) - set(before["selected"])
    unticked = set(before["selected"]) - set(answer.selected)
    followed = {*answer.selected, *answer.practices_not_applicable}

    def rank(practice: str) -> int:
        return ordering.plan_rank(risk=answer.risk, practice=practice, followed=followed, none_codes=sheet.none_codes)

    # The question's items, and one item of the review, to tell whether its plan has started.
    first = ImprovementItem.objects.filter(review_id=answer.review_id).order_by().values("pk")[:1]
    found = list(
        ImprovementItem.objects.filter(
            Q(review_id=answer.review_id, question_code=code) | Q(pk=Subquery(first))
        ).order_by("pk")
    )
    if not found:
        return
    own = [item for item in found if item.question_code == code]
    now = timezone.now()
    moved, changes, changed = [], [], []
    for item in own:
        status, note = _follow(item, ticked=ticked, unticked=unticked)
        if status is not None:
            changes.append(
                ImprovementItemChange(
                    item=item,
                    changed_by=user,
                    changed_at=now,
                    before={"Status": STATUS_LABELS[item.status]},
                    after={"Status": STATUS_LABELS[status]},
                    note=note,
                )
            )
            item.status, item.wont_do_reason, item.updated_at = status, "", now
            moved.append(item)
        # An item without its keys yet keeps none until the plan's next read writes them all (`plan_read`).
        keys = (answer.risk, rank(item.practice_code)) if item.plan_rank is not None else (item.risk, None)
        if status is not None or (item.risk, item.plan_rank) != keys:
            item.risk, item.plan_rank = keys
            changed.append(item)
    if changed:
        ImprovementItem.objects.bulk_update(changed, ["status", "wont_do_reason", "updated_at", "risk", "plan_rank"])
    if moved:
        ImprovementItemChange.objects.bulk_create(changes)
        transaction.on_commit(partial(items_changed.send, sender=ImprovementItem, items=tuple(moved), user=user))
    written = {item.practice_code for item in own}
    new = [
        (code, practice) for practice in sheet.codes if practice not in written and rank(practice) != NOT_RECOMMENDED
    ]
    if new:
        ranks = {key: (answer.risk, rank(key[1])) for key in new}
        plan_items_create(review=answer.review, keys=new, ranks=ranks)


def _follow(item: ImprovementItem, *, ticked: Collection[str], unticked: Collection[str]) -> tuple[str | None, str]:
    """The item's new status after its practice was ticked (done) or unticked (a done item reopens), if any."""
    if item.practice_code in ticked:
        return (ItemStatus.DONE if item.status != ItemStatus.DONE else None), TICKED_NOTE
    if item.practice_code in unticked:
        return (ItemStatus.OPEN if item.status == ItemStatus.DONE else None), UNTICKED_NOTE
    return None, ""
