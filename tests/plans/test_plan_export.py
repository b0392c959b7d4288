import csv
import io

import pytest
from django.urls import reverse

from tests.plans.helpers import edit, item_of, plan_url
from tests.reports.helpers import answer
from wareview.plans.exports import CSV_COLUMNS

pytestmark = pytest.mark.django_db


def rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


@pytest.fixture
def planned(client, cast):
    answer(cast.review, "Q_01", "a")  # medium: b, c
    answer(cast.review, "Q_02", "no")  # high: a, b, c
    client.force_login(cast.owner)
    client.get(plan_url(cast.review))
    edit(client, item_of(cast.review, "q_02_b"), status="in_progress", owner="carlos", due_date="2030-05-01")
    return cast.review


def test_the_csv_has_the_columns_jira_and_github_imports_map_and_one_row_per_item_in_order(client, planned):
    response = client.get(reverse("plans:csv", args=[planned.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="wareview-checkout-plan-{planned.pk}.csv"'
    assert response.content.decode().splitlines()[0] == ",".join(f'"{name}"' for name in CSV_COLUMNS)  # no BOM
    table = rows(response)
    assert [row["Summary"] for row in table] == [
        "Q_02 practice a",
        "Q_02 practice b",
        "Q_02 practice c",
        "Q_01 practice b",
        "Q_01 practice c",
    ]
    planned_row = table[1]
    assert planned_row["Priority"] == "High" and table[3]["Priority"] == "Medium"
    assert planned_row["Labels"] == "wareview high-risk q_02"
    assert planned_row["Assignee"] == "carlos@example.com"
    assert planned_row["Due date"] == "2030-05-01"
    description = planned_row["Description"]
    assert "Question Q_02: How do you handle concern" in description
    assert "Status in wareview: In progress" in description
    assert "Start with the most used component and measure before and after." in description
    assert "Guidance: https://example.com/guide" in description
    item = item_of(planned, "q_02_b")
    assert f"In wareview: http://testserver/reviews/{planned.pk}/plan/items/{item.pk}/" in description


def test_the_csv_keeps_the_filters_of_the_page(client, planned, cast):
    response = client.get(reverse("plans:csv", args=[planned.pk]), {"owner": cast.contributor.pk})
    assert [row["Summary"] for row in rows(response)] == ["Q_02 practice b"]
    page = client.get(plan_url(planned, owner=cast.contributor.pk)).content.decode()
    assert f'href="/reviews/{planned.pk}/plan.csv?owner={cast.contributor.pk}"' in page


def test_a_csv_with_an_unknown_filter_is_refused_with_words(client, planned):
    response = client.get(reverse("plans:csv", args=[planned.pk]), {"status": "later"})
    assert response.status_code == 400
    assert "There is no status “later”." in response.content.decode()


def test_the_csv_leaves_out_done_and_wont_do_items_unless_their_status_is_chosen(client, planned):
    edit(client, item_of(planned, "q_02_a"), status="done")
    edit(client, item_of(planned, "q_01_c"), status="wont_do", wont_do_reason="Out of our hands.")
    csv_url = reverse("plans:csv", args=[planned.pk])
    expected = ["Q_01 practice b", "Q_02 practice b", "Q_02 practice c"]  # Q_02 is at medium risk now
    assert [row["Summary"] for row in rows(client.get(csv_url))] == expected
    assert [row["Summary"] for row in rows(client.get(csv_url, {"status": "to_do"}))] == expected
    assert [row["Summary"] for row in rows(client.get(csv_url, {"status": "wont_do"}))] == ["Q_01 practice c"]
    page = client.get(plan_url(planned)).content.decode()
    assert "The items open or in progress: choose a status to export others." in page


def test_the_plan_page_lists_the_items_open_or_in_progress_on_demand(client, planned):
    edit(client, item_of(planned, "q_02_a"), status="done")
    edit(client, item_of(planned, "q_02_c"), status="in_progress")
    page = client.get(plan_url(planned, status="to_do")).content.decode()
    assert '<option value="to_do" selected>Open or in progress</option>' in page
    assert "Q_02 practice a" not in page
    assert "Q_02 practice b" in page and "Q_02 practice c" in page
