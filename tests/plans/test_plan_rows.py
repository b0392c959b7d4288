"""The plan's rows, edited in place: a plain POST goes back to the row, a refusal shows the page again with what
was typed and the reason beside the field; with htmx the answer is the row alone."""

import re

import pytest

from tests.plans.helpers import edit, item_of, item_url, plan_url, row_of
from tests.reports.helpers import answer
from wareview.plans.models import ImprovementItem, ItemStatus

pytestmark = pytest.mark.django_db

REASON_NEEDED = "Say why the team won&#x27;t do it: a reason is needed for “Won&#x27;t do”."


@pytest.fixture
def planned(client, cast):
    """Q_01 follows practice a (medium: b and c), Q_02 "None of these" (high: a, b, c); the plan read once."""
    answer(cast.review, "Q_01", "a")
    answer(cast.review, "Q_02", "no")
    client.force_login(cast.contributor)
    client.get(plan_url(cast.review))
    return cast.review


def unchanged(item: ImprovementItem) -> bool:
    item.refresh_from_db()
    return (item.status, item.owner, item.due_date, item.note) == (ItemStatus.OPEN, None, None, "")


def test_each_item_is_one_row_with_its_number_risk_practice_status_owner_and_due_date(client, planned):
    row = row_of(client.get(plan_url(planned)).content.decode(), "Q_02 practice b")
    assert '<td class="plan-number">2</td>' in row
    assert '<span class="risk risk-HIGH_RISK">High risk</span>' in row
    item = item_of(planned, "q_02_b")
    for control, label in (("status", "Status"), ("owner", "Owner"), ("due", "Due date")):
        assert f'<label class="visually-hidden" for="{control}-{item.pk}">{label} of Q_02 practice b' in row
    assert f'hx-post="{item_url(item)}" hx-target="closest tr" hx-swap="outerHTML"' in row
    assert "improvement_text" not in row and "Start with the most used component" not in row  # on its own page


def test_a_refused_save_shows_the_plan_page_again_with_what_was_typed_and_the_reason_beside_the_field(
    client, cast, planned
):
    item = item_of(planned, "q_01_b")
    back = plan_url(planned, risk="MEDIUM_RISK")
    response = edit(client, item, status="wont_do", owner="vera", due_date="2030-06-30", next=back)
    assert response.status_code == 400
    body = response.content.decode()
    assert "<h1>Improvement plan</h1>" in body and "Nothing was changed." in body
    assert '<option value="MEDIUM_RISK" selected>' in body  # the page it came from, its filters kept
    row = row_of(body, "Q_01 practice b")
    assert '<option value="wont_do" selected>' in row and '<option value="vera" selected>' in row
    assert 'value="2030-06-30"' in row
    assert f'aria-describedby="reason-error-{item.pk}"' in row
    assert f'<span class="field-error" id="reason-error-{item.pk}">{REASON_NEEDED}</span>' in row
    assert f'name="next" value="{back}"' in row  # the corrected save goes back there too
    assert unchanged(item)


def test_a_refused_save_on_the_items_own_page_keeps_what_was_typed_too(client, planned):
    item = item_of(planned, "q_01_b")
    response = edit(client, item, status="wont_do", note="Ask the platform team.")
    assert response.status_code == 400
    body = response.content.decode()
    assert 'value="Ask the platform team."' in body and '<option value="wont_do" selected>' in body
    assert f'<span class="field-error" id="reason-error-{item.pk}">{REASON_NEEDED}</span>' in body
    assert unchanged(item)


def test_saving_a_row_keeps_the_items_note_which_the_row_does_not_show_as_a_field(client, planned):
    item = item_of(planned, "q_01_b")
    edit(client, item, status="open", note="Measure first.")
    data = {"status": "in_progress", "owner": "carlos", "due_date": "", "wont_do_reason": "", "next": plan_url(planned)}
    client.post(item_url(item), data)
    item.refresh_from_db()
    assert (item.status, item.note) == (ItemStatus.IN_PROGRESS, "Measure first.")


def htmx_edit(client, item, **fields):
    data = {"status": item.status, "owner": "", "due_date": "", "wont_do_reason": "", **fields}
    return client.post(item_url(item), data, headers={"HX-Request": "true"})


def test_with_htmx_a_save_answers_with_the_row_and_the_plans_counts(client, planned):
    item = item_of(planned, "q_01_c")
    response = htmx_edit(client, item, status="in_progress", owner="vera", next=plan_url(planned))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith(f'<tr id="item-{item.pk}" class="plan-row">') and "<html" not in body
    assert '<option value="in_progress" selected>' in body and "Saved." in body
    assert '<ul id="plan-counts" class="counts inline-list" aria-label="Items by status" hx-swap-oob="true">' in body
    assert "Open: 4" in body and "In progress: 1" in body
    item.refresh_from_db()
    assert (item.status, item.owner.get_username()) == (ItemStatus.IN_PROGRESS, "vera")


def test_with_htmx_a_refused_save_answers_with_the_row_as_typed_and_the_reason(client, planned):
    item = item_of(planned, "q_01_c")
    response = htmx_edit(client, item, status="wont_do", owner="carlos", due_date="2030-02-01", next=plan_url(planned))
    assert response.status_code == 400
    body = response.content.decode()
    assert body.lstrip().startswith(f'<tr id="item-{item.pk}" class="plan-row refused">')
    assert '<option value="wont_do" selected>' in body and '<option value="carlos" selected>' in body
    assert 'value="2030-02-01"' in body and REASON_NEEDED in body and "Not saved." in body
    assert unchanged(item)


def test_with_htmx_an_item_marked_done_is_renumbered_out_of_the_recommendations(client, planned):
    item = item_of(planned, "q_01_c")
    body = htmx_edit(client, item, status="done", next=plan_url(planned)).content.decode()
    assert "Not numbered: no longer recommended" in body and '<option value="done" selected>' in body
    assert "Done: 1" in body


def numbers(body: str) -> list[str]:
    return re.findall(r'<td class="plan-number">(\d+)</td>', body)


def test_with_htmx_an_item_reopened_brings_back_the_whole_plan_so_no_two_rows_show_the_same_number(client, planned):
    item = item_of(planned, "q_01_c")
    edit(client, item, status="done")
    response = htmx_edit(client, item, status="open", shown_position="", next=plan_url(planned))
    assert (response["HX-Retarget"], response["HX-Reselect"], response["HX-Reswap"]) == ("#main", "#main", "outerHTML")
    body = response.content.decode()
    assert numbers(body) == ["1", "2", "3", "4", "5"]
    row = row_of(body, "Q_01 practice c")
    assert '<td class="plan-number">5</td>' in row and "Saved." in row
    assert "Q_01 practice c is saved." in body


def test_with_htmx_an_item_marked_done_brings_back_the_whole_plan_numbered_anew(client, planned):
    item = item_of(planned, "q_01_b")
    response = htmx_edit(client, item, status="done", shown_position="4", next=plan_url(planned))
    assert response["HX-Retarget"] == "#main"
    body = response.content.decode()
    assert numbers(body) == ["1", "2", "3"]  # Q_01 is at no risk now: its practice c left the plan too
    assert "Not numbered: no longer recommended" in row_of(body, "Q_01 practice b")


def test_with_htmx_a_save_that_keeps_the_number_answers_with_the_row_alone(client, planned):
    item = item_of(planned, "q_01_b")
    response = htmx_edit(client, item, status="in_progress", shown_position="4", next=plan_url(planned))
    assert "HX-Retarget" not in response
    assert numbers(response.content.decode()) == ["4"]


def test_with_htmx_an_item_that_leaves_the_plan_says_so(client, cast):
    answer(cast.review, "Q_01", "a", "b")  # no risk
    client.force_login(cast.owner)
    item = ImprovementItem.objects.create(
        review=cast.review, question_code="Q_01", practice_code="q_01_c", status=ItemStatus.DONE
    )
    body = htmx_edit(client, item, status="open", next=plan_url(cast.review)).content.decode()
    assert "Q_01 practice c</a> is saved. It is" in body and "so it leaves the plan." in body


def test_a_viewer_sees_each_row_in_words(client, cast, planned):
    edit(client, item_of(planned, "q_01_b"), status="wont_do", owner="carlos", wont_do_reason="Too costly.")
    client.force_login(cast.viewer)
    row = row_of(client.get(plan_url(planned)).content.decode(), "Q_01 practice b")
    assert "<td>Won&#x27;t do</td>" in row and "<td>carlos</td>" in row and "Won't do because: Too costly." in row
    assert "<select" not in row and "<form" not in row
