"""One row of an item list (the plan's page, "My items"): what `templates/plans/item_row.html` shows and edits in
place. A refused edit's row shows what the person typed, each field's problem beside it."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.urls import reverse

from wareview.plans.forms import ItemForm
from wareview.plans.models import ImprovementItem
from wareview.plans.selectors import CLOSED_STATUSES, OwnedItem, PlanEntry
from wareview.reviews.models import Review
from wareview.teams.access import Access


class FieldErrors(dict[str, str]):
    """Each field's problem, by field name; a field without one gives "". The row's template asks for every
    field's: a key it lacks is an answer, not a failed lookup (Django's template falls back to attributes and
    `dir()` on a missing key, which cost a good part of a page of rows)."""

    def __missing__(self, name: str) -> str:
        return ""


@dataclass(frozen=True)
class Row:
    item: ImprovementItem
    title: str  # the practice's
    question_code: str
    question_title: str
    risk: str
    members: Sequence  # who may own the item: the team's members
    can_write: bool
    position: int | None = None  # its number in the plan (the report's order); none on "My items"
    review: Review | None = None  # shown on "My items", where items of several reviews meet
    form: ItemForm | None = None  # a refused edit, shown again
    saved: bool = False  # just saved in place
    errors: FieldErrors = field(default_factory=FieldErrors)

    @property
    def dom_pk(self) -> str:
        """The item's id as the row's ids and addresses end with it ("" for an item not written yet): text, so
        the template does not format the number again at each of its many uses."""
        return str(self.item.pk) if self.item.pk else ""

    @property
    def url(self) -> str:
        """The item's page, where its form posts ("" for an item not written yet)."""
        return reverse("plans:item", args=[self.item.review_id, self.item.pk]) if self.item.pk else ""

    @property
    def status(self) -> str:
        return self.form.typed("status") if self.form else self.item.status

    @property
    def owner(self) -> str:
        if self.form:
            return self.form.typed("owner")
        return self.item.owner.get_username() if self.item.owner else ""

    @property
    def due_date(self) -> str:
        if self.form:
            return self.form.typed("due_date")
        return self.item.due_date.isoformat() if self.item.due_date else ""

    @property
    def note(self) -> str:
        return self.form.typed("note") if self.form else self.item.note

    @property
    def wont_do_reason(self) -> str:
        return self.form.typed("wont_do_reason") if self.form else self.item.wont_do_reason

    @property
    def is_overdue(self) -> bool:
        due = self.item.due_date
        return bool(due and due < date.today() and self.item.status not in CLOSED_STATUSES)


def plan_row(entry: PlanEntry, *, members: Sequence, can_write: bool, **options: Any) -> Row:
    rec = entry.recommendation
    return Row(
        item=entry.item,
        title=rec.practice.title,
        question_code=rec.question.code,
        question_title=rec.question.title,
        risk=entry.risk,
        members=members,
        can_write=can_write and entry.item.pk is not None,
        position=entry.position,
        **options,
    )


def owned_row(owned: OwnedItem, **options: Any) -> Row:
    item = owned.item
    return Row(
        item=item,
        title=owned.title,
        question_code=item.question_code,
        question_title=owned.question_title,
        risk=owned.risk,
        members=owned.members,
        can_write=Access(role=owned.role).can_write,  # the reviews listed are open
        review=item.review,
        **options,
    )


def refused(form: ItemForm) -> dict[str, Any]:
    """The options of a row refused with `form`."""
    return {"form": form, "errors": FieldErrors(form.field_errors())}
