"""Helpers of the plan tests: the plan page, an item's edit and the items as stored."""

import re

from django.urls import reverse

from wareview.plans.models import ImprovementItem


def plan_url(review, **query) -> str:
    url = reverse("plans:plan", args=[review.pk])
    return url + "?" + "&".join(f"{name}={value}" for name, value in query.items()) if query else url


def item_url(item) -> str:
    return reverse("plans:item", args=[item.review_id, item.pk])


def item_of(review, practice: str) -> ImprovementItem:
    question = practice.rsplit("_", 1)[0].upper()
    return ImprovementItem.objects.get(review=review, question_code=question, practice_code=practice)


def edit(client, item, **fields):
    data = {"status": item.status, "owner": "", "due_date": "", "note": "", "wont_do_reason": "", **fields}
    return client.post(item_url(item), data)


def practices_listed(body: str) -> list[str]:
    """The practices of the list's rows, in order."""
    return re.findall(r'class="plan-practice">\s*(?:<a [^>]*>)?(Q_\d+ practice [a-z])', body)


def row_of(body: str, title: str) -> str:
    """The HTML of the row of practice `title` (one that must be there)."""
    rows = re.findall(r'<tr id="item-\d+" class="plan-row.*?</tr>', body, flags=re.DOTALL)
    (row,) = [row for row in rows if f">{title}<" in row]
    return row
