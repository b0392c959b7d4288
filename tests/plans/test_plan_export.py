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
