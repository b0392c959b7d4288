"""The portfolio's "Verified" column, filter and sorting: how many ticked practices of each workload's open reviews
have evidence verified recently enough, counted as the review's overview counts them, for all the page's
workloads in a fixed number of queries."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.portfolio.test_portfolio import answer, make_workloads, names
from wareview.evidence.models import Evidence, EvidencePolicy
from wareview.evidence.selectors import VerifiedCount, review_verified_counts
from wareview.lib.kept import Kept
from wareview.portfolio import selectors
from wareview.reviews.models import Answer, AnswerRisk
from wareview.reviews.services import review_start
from wareview.teams.models import Membership, Role, Team
from wareview.teams.services import team_create
from wareview.workloads.models import Workload

pytestmark = pytest.mark.django_db

URL = reverse("portfolio:page")


def evidence(review, code: str, practice: str, *, days_ago: int, removed: bool = False) -> Evidence:
    return Evidence.objects.create(
        answer=Answer.objects.get(review=review, question__code=code),
        practice=practice,
        kind=Evidence.Kind.LINK,
        title=f"Checked {days_ago} days ago",
        url="https://example.com/",
        verified_on=timezone.localdate() - timedelta(days=days_ago),
        removed_at=timezone.now() if removed else None,
    )


@pytest.fixture
def verified(cast):
    """Checkout: four ticks counted (q_01_a verified, q_03_a expired, q_03_b verified by its latest item, q_03_c
    without current evidence); "None of these" on Q_02, an unanswered tick on Q_04 and evidence of an unticked
    practice do not count. Search (a second team keeping evidence 365 days): its one tick verified 300 days ago.
    Ledger: no review. The outsider's Secret: one verified tick."""
    answer(cast.review, "Q_01", AnswerRisk.HIGH, "q_01_a")
    answer(cast.review, "Q_02", AnswerRisk.HIGH, "q_02_no")
    answer(cast.review, "Q_03", AnswerRisk.NONE, "q_03_a", "q_03_b", "q_03_c")
    answer(cast.review, "Q_04", AnswerRisk.UNANSWERED, "q_04_a")
    evidence(cast.review, "Q_01", "q_01_a", days_ago=3)
    evidence(cast.review, "Q_01", "q_01_b", days_ago=3)  # not ticked
    evidence(cast.review, "Q_03", "q_03_a", days_ago=400)
    evidence(cast.review, "Q_03", "q_03_b", days_ago=400)
    evidence(cast.review, "Q_03", "q_03_b", days_ago=2)
    evidence(cast.review, "Q_03", "q_03_c", days_ago=1, removed=True)
    evidence(cast.review, "Q_04", "q_04_a", days_ago=1)  # not answered
    search_team = team_create(name="Search team", user=cast.contributor)
    EvidencePolicy.objects.create(team=search_team, max_age_days=365)
    Membership.objects.create(team=search_team, user=cast.viewer, role=Role.VIEWER)
    search = Workload.objects.create(team=search_team, name="Search")
    cast.search_review = review_start(workload=search, lens=cast.lens, user=cast.contributor)
    answer(cast.search_review, "Q_01", AnswerRisk.MEDIUM, "q_01_a")
    evidence(cast.search_review, "Q_01", "q_01_a", days_ago=300)
    Workload.objects.create(team=cast.team, name="Ledger")
    secret = Workload.objects.create(team=Team.objects.get(name="Elsewhere"), name="Secret")
    secret_review = review_start(workload=secret, lens=cast.lens, user=cast.outsider)
    answer(secret_review, "Q_01", AnswerRisk.MEDIUM, "q_01_a")
    evidence(secret_review, "Q_01", "q_01_a", days_ago=1)
    return cast


def verified_cells(body: str) -> dict[str, str]:
    """Each row's workload and the words of its "Verified" cell (the last)."""
    table = re.search(r'<table class="portfolio-table">.*?</table>', body, re.S).group(0)
    cells = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]:
        name = re.search(r'<th scope="row"><a href="/workloads/\d+/">([^<]+)</a></th>', row).group(1)
        cells[name] = re.sub(r"<[^>]+>", "", re.findall(r"<td>(.*?)</td>", row, re.S)[-1]).strip()
    return cells


def test_each_workload_shows_how_many_ticked_practices_are_verified_in_words(client, verified):
    client.force_login(verified.viewer)
    body = client.get(URL).content.decode()

    assert '<th scope="col">Verified</th>' in body
    assert verified_cells(body) == {
        "Checkout": "2 of 4 ticked practices verified, 1 with evidence expired",
        "Ledger": "No practice ticked",
        "Search": "1 of 1 ticked practice verified",
    }
    # The bar is decoration: hidden from screen readers, the words say it all.
    assert 'class="verified-bar" viewBox="0 0 100 4" preserveAspectRatio="none" aria-hidden="true"' in body


def test_the_counts_are_those_of_the_review_overview(verified):
    overview = sum(review_verified_counts(review_id=verified.review.pk).values(), VerifiedCount())
    workloads = selectors.portfolio_workloads(user=verified.viewer, filters={})
    rows = {row.workload.name: row.verified for row in selectors.portfolio_rows(workloads=list(workloads))}

    assert rows["Checkout"] == overview == VerifiedCount(ticked=4, verified=2, expired=1)


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ("", ["Checkout", "Ledger", "Search"]),
        ("all", ["Search"]),
        ("expired", ["Checkout"]),
        ("unverified", ["Checkout"]),
        ("none_ticked", ["Ledger"]),
    ],
)
def test_the_verified_filter_narrows_the_list_without_javascript(client, verified, choice, expected):
    client.force_login(verified.viewer)
    response = client.get(URL, {"verified": choice})

    assert response.status_code == 200
    assert names(response.content.decode()) == expected


def test_the_filter_is_a_field_of_the_get_form_and_keeps_its_value(client, verified):
    client.force_login(verified.viewer)
    body = client.get(URL, {"verified": "expired"}).content.decode()
    form = re.search(r'<form method="get".*?</form>', body, re.S).group(0)

    assert '<label for="id_verified">Verified</label>' in form
    assert '<option value="expired" selected>Some evidence expired</option>' in form


def test_a_bad_verified_choice_is_refused_with_words(client, verified):
    client.force_login(verified.viewer)
    response = client.get(URL, {"verified": "nearly"})

    assert response.status_code == 400
    assert "Verified: Select a valid choice." in response.content.decode()


@pytest.mark.parametrize(
    ("sort", "expected"),
    [("-verified", ["Search", "Checkout", "Ledger"]), ("verified", ["Ledger", "Checkout", "Search"])],
)
def test_sorting_by_the_share_verified(client, verified, sort, expected):
    client.force_login(verified.viewer)
    assert names(client.get(URL, {"sort": sort}).content.decode()) == expected


def test_an_outsider_neither_sees_nor_filters_on_other_teams_evidence(client, verified):
    client.force_login(verified.outsider)
    body = client.get(URL, {"verified": "all"}).content.decode()

    assert verified_cells(body) == {"Secret": "1 of 1 ticked practice verified"}
    assert "Checkout" not in body and "Search" not in body
    assert names(client.get(URL, {"verified": "expired"}).content.decode()) == []


def test_the_list_drawn_again_shows_new_evidence_a_new_policy_and_the_days_passing(client, verified):
    client.force_login(verified.viewer)
    assert verified_cells(client.get(URL).content.decode())["Checkout"].startswith("2 of 4")

    evidence(verified.review, "Q_03", "q_03_c", days_ago=0)
    assert verified_cells(client.get(URL).content.decode())["Checkout"].startswith("3 of 4")

    EvidencePolicy.objects.create(team=verified.team, max_age_days=500)
    assert verified_cells(client.get(URL).content.decode())["Checkout"] == "4 of 4 ticked practices verified"

    # Evidence ages: the same rows a year later draw (and are cached under) other words.
    today = timezone.localdate()
    drawn = []
    for day in (today, today + timedelta(days=365)):
        workloads = list(selectors.portfolio_workloads(user=verified.viewer, filters={}, today=day))
        rows = selectors.portfolio_rows(workloads=workloads, today=day)
        drawn.append(({row.workload.name: row.verified for row in rows}, selectors.portfolio_rows_digest(rows=rows)))
    assert drawn[0][0]["Checkout"] == VerifiedCount(ticked=4, verified=4, expired=0)
    assert drawn[1][0]["Checkout"] == VerifiedCount(ticked=4, verified=3, expired=1)
    assert drawn[0][1] != drawn[1][1]


def test_the_csv_gives_each_workload_its_verified_counts(client, verified):
    client.force_login(verified.viewer)
    response = client.get(reverse("portfolio:csv"), {"sort": "name"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode().lstrip("\ufeff"))))

    assert [
        (row["workload"], row["ticked_practices"], row["verified"], row["evidence_expired"], row["not_verified"])
        for row in rows
    ] == [("Checkout", "4", "2", "1", "1"), ("Ledger", "0", "0", "0", "0"), ("Search", "1", "1", "0", "0")]


def ticked_with_evidence(cast, count: int, start: int) -> None:
    make_workloads(cast, count, start=start)
    for workload in Workload.objects.filter(name__startswith="Service ", reviews__answers__evidence__isnull=True):
        review = workload.reviews.get()
        answer(review, "Q_03", AnswerRisk.NONE, "q_03_a", "q_03_b", "q_03_c")
        evidence(review, "Q_03", "q_03_a", days_ago=1)
        evidence(review, "Q_03", "q_03_b", days_ago=400)


@pytest.mark.parametrize("params", [{}, {"verified": "expired", "sort": "-verified"}])
def test_a_page_takes_as_many_queries_for_20_workloads_as_for_2(client, cast, django_assert_num_queries, params):
    client.force_login(cast.viewer)
    ticked_with_evidence(cast, 2, start=0)
    with CaptureQueriesContext(connection) as queries:
        body = client.get(URL, params).content.decode()
    assert verified_cells(body)["Service 000"] == "1 of 3 ticked practices verified, 1 with evidence expired"

    ticked_with_evidence(cast, 18, start=2)
    Kept.clear_all()  # the lens's areas and practices read again, as the first time
    with django_assert_num_queries(len(queries)):
        body = client.get(URL, params).content.decode()
    assert len([name for name in verified_cells(body) if name.startswith("Service")]) == 20
