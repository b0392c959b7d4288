""" "My items": the items the signed-in person owns across their teams, with the plan's filters."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import build_lens
from tests.plans.helpers import edit, item_of, item_url, plan_url, practices_listed, row_of
from tests.reports.helpers import answer, start_review
from wareview.plans.models import ImprovementItem, ItemStatus
from wareview.reviews.services import review_close
from wareview.teams.models import Membership, Role
from wareview.teams.services import team_create

pytestmark = pytest.mark.django_db

MINE = reverse("plans:mine")


def mine(client, **query) -> str:
    response = client.get(MINE, query)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def owned(client, cast):
    """Carlos owns q_01_b (due 2030-05-01) and q_02_a (no due date) of the Payments review, and q_01_c of a review
    of another team he is in; Vera owns q_01_c of the Payments review."""
    answer(cast.review, "Q_01", "a")  # medium: b, c
    answer(cast.review, "Q_02", "no")  # high: a, b, c
    other_team = team_create(name="Search", user=cast.owner)
    Membership.objects.create(team=other_team, user=cast.contributor, role=Role.CONTRIBUTOR)
    other = start_review(team=other_team, user=cast.owner, name="Search API")
    answer(other, "Q_01", "a")
    client.force_login(cast.owner)
    for review in (cast.review, other):
        client.get(plan_url(review))
    edit(client, item_of(cast.review, "q_01_b"), status="in_progress", owner="carlos", due_date="2030-05-01")
    edit(client, item_of(cast.review, "q_02_a"), status="open", owner="carlos")
    edit(client, item_of(cast.review, "q_01_c"), status="open", owner="vera")
    edit(client, item_of(other, "q_01_c"), status="open", owner="carlos", due_date="2030-01-01")
    client.force_login(cast.contributor)
    return other


def test_my_items_lists_the_items_i_own_across_my_teams_soonest_due_first(client, cast, owned):
    body = mine(client)
    assert practices_listed(body) == ["Q_01 practice c", "Q_01 practice b", "Q_02 practice a"]
    assert ">Search API</a>" in row_of(body, "Q_01 practice c")
    assert ">Checkout service</a>" not in body and ">Checkout</a>" in row_of(body, "Q_02 practice a")
    assert '<span class="risk risk-HIGH_RISK">High risk</span>' in row_of(body, "Q_02 practice a")


def test_my_items_has_the_plans_filters(client, cast, owned):
    assert practices_listed(mine(client, status="in_progress")) == ["Q_01 practice b"]
    assert practices_listed(mine(client, risk="HIGH_RISK")) == ["Q_02 practice a"]
    assert practices_listed(mine(client, status="to_do", risk="MEDIUM_RISK")) == ["Q_01 practice c", "Q_01 practice b"]
    response = client.get(MINE, {"status": "later"})
    assert response.status_code == 400 and "There is no status “later”." in response.content.decode()


def test_an_item_of_a_team_i_left_or_of_a_closed_review_is_not_listed(client, cast, owned):
    Membership.objects.filter(team=owned.workload.team, user=cast.contributor).delete()
    review_close(review=cast.review)
    assert "You own no improvement item yet." in mine(client)


def test_an_item_marked_done_from_my_items_ticks_its_practice_and_comes_back_to_its_row(client, cast, owned):
    item = item_of(owned, "q_01_c")
    response = edit(client, item, status="done", owner="carlos", next=f"{MINE}?status=to_do")
    assert response["Location"] == f"{MINE}?status=to_do#item-{item.pk}"
    assert owned.answers.get(question__code="Q_01").selected == ["q_01_a", "q_01_c"]


def test_a_refused_save_from_my_items_shows_my_items_again_with_what_was_typed(client, cast, owned):
    item = item_of(owned, "q_01_c")
    response = edit(client, item, status="wont_do", owner="carlos", due_date="2030-01-01", next=MINE)
    assert response.status_code == 400
    body = response.content.decode()
    assert "<h1>My items</h1>" in body and "Nothing was changed." in body
    row = row_of(body, "Q_01 practice c")
    assert '<option value="wont_do" selected>' in row and f'id="reason-error-{item.pk}"' in row
    item.refresh_from_db()
    assert item.status == ItemStatus.OPEN


def test_with_htmx_a_row_of_my_items_answers_with_its_own_row(client, cast, owned):
    item = item_of(owned, "q_01_c")
    data = {"status": "in_progress", "owner": "carlos", "due_date": "2030-01-01", "wont_do_reason": "", "next": MINE}
    response = client.post(item_url(item), data, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith(f'<tr id="item-{item.pk}" class="plan-row">')
    assert ">Search API</a>" in body and "Saved." in body and "plan-counts" not in body


def test_a_viewer_reads_their_items_in_words(client, cast, owned):
    edit(client, item_of(cast.review, "q_01_c"), status="open", owner="vera")
    client.force_login(cast.viewer)
    row = row_of(mine(client), "Q_01 practice c")
    assert "<select" not in row and "<td>Open</td>" in row


def test_the_site_header_links_to_my_items(client, cast):
    client.force_login(cast.viewer)
    assert f'<a href="{MINE}">My items</a>' in client.get("/").content.decode()


SESSION_QUERIES = 0 if settings.SESSION_ENGINE.endswith("cached_db") else 1
# User, the count and the page of items (with their reviews, workloads, teams and lenses, and the questions' risks
# kept on them), the practices' titles, the teams' members.
MY_ITEMS_QUERIES = 5 + SESSION_QUERIES


def test_my_items_takes_the_same_queries_for_3_and_50_items_and_comes_25_a_page(client, cast, owned):
    counts = []
    with CaptureQueriesContext(connection) as queries:
        mine(client)
    counts.append(len(queries))
    big = start_review(team=cast.team, user=cast.owner, lens=build_lens(questions_per_area=10, areas=2), name="Big")
    for number in range(1, 21):
        answer(big, f"Q_{number:02d}", "no" if number <= 10 else "a")
    client.get(plan_url(big))
    ImprovementItem.objects.filter(review=big).update(owner=cast.contributor)
    with CaptureQueriesContext(connection) as queries:
        body = mine(client)
    counts.append(len(queries))
    assert counts == [MY_ITEMS_QUERIES, MY_ITEMS_QUERIES]
    assert len(practices_listed(body)) == 25 and "Page 1 of 3" in body
    assert client.get(MINE, {"page": 4}).status_code == 404
