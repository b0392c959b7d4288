"""Writes to improvement plans: creating the items of the recommendations, editing an item, and following the
answers (a practice ticked marks its item done, unticked reopens it). Every change is kept in the item's history.
"""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from wareview.lenses.selectors import question_sheet
from wareview.plans import selectors
from wareview.plans.models import ImprovementItem, ImprovementItemChange, ItemStatus
from wareview.plans.signals import items_changed
from wareview.reviews.models import Answer, Review

TICKED_NOTE = "Practice ticked in the review"
UNTICKED_NOTE = "Practice unticked in the review"
if TYPE_CHECKING:
    from django.contrib.auth.models import User

STATUS_LABELS = dict(ItemStatus.choices)


def plan_items_create(*, review: Review, keys: Iterable[tuple[str, str]]) -> None:
    """Create the missing items (question code, practice code) of `review` as open, in one insert; an item that
    exists (made meanwhile by someone else) is left as it is."""
    now = timezone.now()
    ImprovementItem.objects.bulk_create(
        [
            ImprovementItem(
                review=review, question_code=question, practice_code=practice, created_at=now, updated_at=now
            )
            for question, practice in keys
        ],
        ignore_conflicts=True,
    )


def plan_open(*, review: Review) -> selectors.Plan:
    """The review's plan, with an item written for every recommendation: reading the plan starts following those
    practices in the review (see README.md). Idempotent; a closed review is left as it is."""
    data = selectors.plan_source(review=review)
    the_plan = selectors.review_plan(review=review, data=data)
    if the_plan.missing and not review.is_closed:
        plan_items_create(review=review, keys=the_plan.missing)
        the_plan = selectors.review_plan(review=review, data=data)
    return the_plan


@dataclass(frozen=True)
class ItemEdit:
    """What the item form cleaned (forms.ItemForm): the services trust it."""

    status: str
    owner: "User | None"  # a member of the team, or nobody
    due_date: date | None
    note: str
    wont_do_reason: str


@transaction.atomic
def item_update(*, item: ImprovementItem, user, edit: ItemEdit) -> ImprovementItem:
    """Write `edit` over the item and keep what changed in its history; a change to nothing writes nothing."""
    item = ImprovementItem.objects.select_for_update(of=("self",)).select_related("owner").get(pk=item.pk)
    before = _words(item)
    item.status = edit.status
    item.owner = edit.owner
    item.due_date = edit.due_date
    item.note = edit.note
    item.wont_do_reason = edit.wont_do_reason if edit.status == ItemStatus.WONT_DO else ""
    after = _words(item)
    changed = [name for name in after if after[name] != before[name]]
    if not changed:
        return item
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
    return item


def _words(item: ImprovementItem) -> dict[str, str]:
    """The item's fields as the history shows them."""
    return {
        "Status": STATUS_LABELS[item.status],
        "Won't do reason": item.wont_do_reason,
        "Owner": item.owner.get_username() if item.owner else "",
        "Due date": item.due_date.isoformat() if item.due_date else "",
        "Note": item.note,
    }


def items_follow_answer(*, answer: Answer, user, ticked: Collection[str], unticked: Collection[str]) -> None:
    """Mark done the items of the practices just ticked in `answer`, and reopen the done items of those unticked,
    each with a line in its history. One query when no item of those practices exists or needs a change; items
    are never created here (see README.md)."""
    if not ticked and not unticked:
        return
    code = question_sheet(answer.question_id).question.code
    # Only the items that move (ticked and not done, or unticked and done), and only their ids: most saves move
    # none, and then no model is built at all.
    items = ImprovementItem.objects.filter(review_id=answer.review_id, question_code=code)
    done = Q(status=ItemStatus.DONE)
    moving = items.filter(Q(practice_code__in=ticked) & ~done | Q(practice_code__in=unticked) & done)
    ids = list(moving.values_list("pk", flat=True))
    if not ids:
        return
    now = timezone.now()
    moved, changes = [], []
    for item in ImprovementItem.objects.filter(pk__in=ids).order_by("pk"):
        status, note = _follow(item, ticked=ticked)
        if status is None:
            continue
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
    if moved:
        ImprovementItem.objects.bulk_update(moved, ["status", "wont_do_reason", "updated_at"])
        ImprovementItemChange.objects.bulk_create(changes)
        transaction.on_commit(partial(items_changed.send, sender=ImprovementItem, items=tuple(moved), user=user))


def _follow(item: ImprovementItem, *, ticked: Collection[str]) -> tuple[str | None, str]:
    """The item's new status after its practice was ticked (done) or unticked (a done item reopens), if any."""
    if item.practice_code in ticked:
        return (ItemStatus.DONE if item.status != ItemStatus.DONE else None), TICKED_NOTE
    return (ItemStatus.OPEN if item.status == ItemStatus.DONE else None), UNTICKED_NOTE
