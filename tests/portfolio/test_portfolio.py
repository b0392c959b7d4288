"""The portfolio: every workload of the user's teams, filtered, sorted and paged, with a heatmap, the practices
most often missing and a CSV; nobody sees a workload of a team they are not in."""

import csv
import io
import re

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import build_lens
from wareview.lib.kept import Kept
from wareview.reviews.models import Answer, AnswerRisk
from wareview.reviews.services import review_start
from wareview.teams.models import Membership, Role, Team
from wareview.teams.services import team_create
from wareview.workloads.models import Workload, WorkloadTag

pytestmark = pytest.mark.django_db

URL = reverse("portfolio:page")


def answer(review, code, risk, *selected):
    Answer.objects.filter(review=review, question__code=code).update(risk=risk, selected=list(selected))


@pytest.fixture
def portfolio(cast):
    """Checkout (Payments, production, tag pci): Q_01 high risk missing b and c, Q_03 no risk. Search (a second
    team the viewer is also in, pre-production): Q_01 medium risk missing c; every question answered. Ledger
    (Payments, other environment): no review. The outsider's own team has Secret, with a high risk."""
    answer(cast.review, "Q_01", AnswerRisk.HIGH, "q_01_a")
    answer(cast.review, "Q_03", AnswerRisk.NONE, "q_03_a", "q_03_b", "q_03_c")
    WorkloadTag.objects.create(workload=cast.workload, name="pci")
    search_team = team_create(name="Search team", user=cast.contributor)
    Membership.objects.create(team=search_team, user=cast.viewer, role=Role.VIEWER)
    search = Workload.objects.create(team=search_team, name="Search", environment="pre_production")
    search_review = review_start(workload=search, lens=cast.lens, user=cast.contributor)
    for code in ("Q_01", "Q_02", "Q_03", "Q_04"):
        answer(search_review, code, AnswerRisk.MEDIUM, f"{code.lower()}_a", f"{code.lower()}_b")
    Workload.objects.create(team=cast.team, name="Ledger", environment="other")
    secret = Workload.objects.create(team=Team.objects.get(name="Elsewhere"), name="Secret")
    secret_review = review_start(workload=secret, lens=cast.lens, user=cast.outsider)
    answer(secret_review, "Q_02", AnswerRisk.HIGH)
    cast.search_review = search_review
    return cast


def names(body: str) -> list[str]:
    table = re.search(r'<table class="portfolio-table">.*?</table>', body, re.S)
    return re.findall(r'<th scope="row"><a href="/workloads/\d+/">([^<]+)</a></th>', table.group(0)) if table else []


def test_the_top_navigation_leads_to_the_portfolio(client, cast):
    client.force_login(cast.viewer)
    assert f'<a href="{URL}">Portfolio</a>' in client.get(reverse("reviews:dashboard")).content.decode()


def test_a_member_of_two_teams_sees_the_workloads_of_both_and_nothing_else(client, portfolio):
    client.force_login(portfolio.viewer)
    body = client.get(URL).content.decode()
    assert names(body) == ["Checkout", "Ledger", "Search"]
    assert "Secret" not in body


def test_an_outsider_sees_only_their_own_team_in_the_list_the_heatmap_the_missing_practices_and_the_csv(
    client, portfolio
):
    client.force_login(portfolio.outsider)
    body = client.get(URL, {"lens": portfolio.lens.slug}).content.decode()
    assert names(body) == ["Secret"]
    for other in ("Checkout", "Search", "Ledger", "Payments"):
        assert other not in body
    # Secret answered Q_02 only (with nothing ticked): its three practices are the only ones missing.
    missing = re.findall(r"<tr><th scope=\"row\">([^<]+)</th><td>(Q_\d+)</td><td>[^<]+</td><td>(\d+)</td>", body)
    assert missing == [
        ("Q_02 practice a", "Q_02", "1"),
        ("Q_02 practice b", "Q_02", "1"),
        ("Q_02 practice c", "Q_02", "1"),
    ]
    exported = client.get(reverse("portfolio:csv")).content.decode()
    assert [row["workload"] for row in csv.DictReader(io.StringIO(exported.lstrip("\ufeff")))] == ["Secret"]
    # Asking for another team's id in the filter is refused like any unknown choice, and shows nothing.
    response = client.get(URL, {"team": portfolio.team.pk})
    assert response.status_code == 400 and "Checkout" not in response.content.decode()


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"environment": "pre_production"}, ["Search"]),
        ({"environment": "other"}, ["Ledger"]),
        ({"high_risks": "yes"}, ["Checkout"]),
        ({"high_risks": "no"}, ["Ledger", "Search"]),
        ({"completion": "no_review"}, ["Ledger"]),
        ({"completion": "under_half"}, []),
        ({"completion": "over_half"}, ["Checkout"]),
        ({"completion": "complete"}, ["Search"]),
        ({"tag": "PCI"}, ["Checkout"]),
        ({"sort": "-high"}, ["Checkout", "Ledger", "Search"]),
        ({"sort": "-completion"}, ["Search", "Checkout", "Ledger"]),
        ({"sort": "completion"}, ["Ledger", "Checkout", "Search"]),
    ],
)
def test_the_filters_and_sorting_narrow_and_order_the_list(client, portfolio, filters, expected):
    client.force_login(portfolio.viewer)
    response = client.get(URL, filters)
    assert response.status_code == 200
    assert names(response.content.decode()) == expected


def test_filtering_on_a_team_and_a_lens(client, portfolio):
    other_lens = build_lens()
    review_start(workload=Workload.objects.get(name="Ledger"), lens=other_lens, user=portfolio.owner)
    client.force_login(portfolio.viewer)
    assert names(client.get(URL, {"team": portfolio.team.pk}).content.decode()) == ["Checkout", "Ledger"]
    assert names(client.get(URL, {"lens": other_lens.slug}).content.decode()) == ["Ledger"]


@pytest.mark.parametrize(
    ("filters", "words"),
    [
        ({"environment": "mars"}, "Select a valid choice. mars is not one of the available choices."),
        ({"sort": "price"}, "Select a valid choice. price is not one of the available choices."),
        ({"tag": "a, b"}, "Filter on one tag at a time."),
    ],
)
def test_a_bad_filter_is_refused_with_words(client, portfolio, filters, words):
    client.force_login(portfolio.viewer)
    response = client.get(URL, filters)
    assert response.status_code == 400
    assert words in response.content.decode()
    exported = client.get(reverse("portfolio:csv"), filters)
    assert exported.status_code == 400 and words in exported.content.decode()


def test_the_heatmap_colours_each_focus_area_by_its_worst_risk_with_a_title_a_description_and_a_table(
    client, portfolio
):
    client.force_login(portfolio.viewer)
    body = client.get(URL).content.decode()  # no lens filter and no shipped lens: the only lens there is
    svg = re.search(r'<svg[^>]*class="heatmap".*?</svg>', body, re.S).group(0)
    assert 'role="group"' in svg and "<title id=" in svg
    areas = [area.name for area in portfolio.lens.pillars.get().focus_areas.order_by("order")]
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", svg).group(1)
    assert desc == (
        f"Checkout: {areas[0]} high risk, {areas[1]} no risk. "
        f"Ledger: {areas[0]} no review, {areas[1]} no review. "
        f"Search: {areas[0]} medium risk, {areas[1]} medium risk."
    )
    assert 'fill="#b3261e" stroke="#8b95a5" stroke-width="0.5"><title>Checkout' in svg
    ids = re.findall(r' id="([^"]+)"', body)
    assert len(ids) == len(set(ids))
    table = re.search(r'<table class="heatmap-table">.*?</table>', body, re.S).group(0)
    assert "<caption>" in table and "No review" in table and "risk-HIGH_RISK" in table


def test_the_most_missing_practices_count_the_workloads_missing_each(client, portfolio):
    client.force_login(portfolio.viewer)
    body = client.get(URL).content.decode()
    missing = re.findall(r"<tr><th scope=\"row\">([^<]+)</th><td>(Q_\d+)</td><td>[^<]+</td><td>(\d+)</td>", body)
    # Q_01: Checkout misses b and c, Search misses c; Search misses c of Q_02–Q_04 too; Q_03 of Checkout: none.
    assert missing[0] == ("Q_01 practice c", "Q_01", "2")
    assert sorted(missing[1:]) == [
        ("Q_01 practice b", "Q_01", "1"),
        ("Q_02 practice c", "Q_02", "1"),
        ("Q_03 practice c", "Q_03", "1"),
        ("Q_04 practice c", "Q_04", "1"),
    ]
    narrowed = client.get(URL, {"environment": "production"}).content.decode()
    assert "Q_04 practice c" not in narrowed and "Q_01 practice b" in narrowed


def test_the_csv_lists_the_filtered_workloads_with_their_facts_and_counts(client, portfolio):
    Workload.objects.filter(name="Ledger").update(review_owner="=HYPERLINK()")
    client.force_login(portfolio.viewer)
    response = client.get(reverse("portfolio:csv"), {"sort": "-high"})
    assert response["Content-Disposition"] == 'attachment; filename="wareview-portfolio.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    assert [(r["workload"], r["team"], r["environment"], r["tags"]) for r in rows] == [
        ("Checkout", "Payments", "Production", "pci"),
        ("Ledger", "Payments", "Other", ""),
        ("Search", "Search team", "Pre-production", ""),
    ]
    assert [(r["completion_percent"], r["high_risks"], r["medium_risks"]) for r in rows] == [
        ("50", "1", "0"),
        ("", "0", "0"),
        ("100", "0", "4"),
    ]
    assert rows[0]["lenses"] == portfolio.lens.name and rows[1]["review_owner"] == "'=HYPERLINK()"


def make_workloads(cast, count, start=0):
    workloads = Workload.objects.bulk_create(
        Workload(team=cast.team, name=f"Service {n:03d}", environment="production") for n in range(start, start + count)
    )
    for workload in workloads:
        review = review_start(workload=workload, lens=cast.lens, user=cast.owner)
        answer(review, "Q_01", AnswerRisk.HIGH)
        WorkloadTag.objects.create(workload=workload, name="bulk")


def test_a_page_takes_as_many_queries_for_50_workloads_as_for_5(client, cast, django_assert_num_queries, settings):
    client.force_login(cast.viewer)
    make_workloads(cast, 4)
    counts = []
    for more in (0, 45):
        make_workloads(cast, more, start=4)
        Kept.clear_all()  # as a process that never read the lens: the heatmap's areas and the practices are read
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, {"lens": cast.lens.slug})
        assert response.status_code == 200
        counts.append(len(queries))
    assert names(response.content.decode())[:2] == ["Checkout", "Service 000"]
    assert counts[0] == counts[1]
    Kept.clear_all()
    with django_assert_num_queries(counts[0]):
        client.get(URL, {"lens": cast.lens.slug, "page": "2"})
    assert counts[0] <= 13  # two of them count the verified ticked practices of the page
    # The published lens's areas and practices are kept by the process that read them.
    with django_assert_num_queries(counts[0] - 2):
        client.get(URL, {"lens": cast.lens.slug})


@pytest.fixture
def shipped_review(cast):
    from pathlib import Path

    from django.conf import settings
    from django.core.management import call_command

    from wareview.lenses.models import Lens

    fixture = Path(settings.BASE_DIR, "fixtures", "performance_efficiency_v2.json")
    call_command("load_question_sets", str(fixture), stdout=io.StringIO())
    lens = Lens.objects.get(slug="performance-efficiency", version=2)
    workload = Workload.objects.create(team=cast.team, name="Storefront", created_by=cast.owner)
    return review_start(workload=workload, lens=lens, user=cast.owner)


def test_the_heatmap_has_a_column_per_focus_area_as_the_review_walks_them_each_cell_a_link(
    client, cast, shipped_review
):
    Answer.objects.filter(review=shipped_review, question__code="PERF_05").update(risk=AnswerRisk.HIGH)
    client.force_login(cast.viewer)
    body = client.get(URL, {"lens": "performance-efficiency"}).content.decode()
    table = re.search(r'<table class="heatmap-table">.*?</table>', body, re.S).group(0)
    columns = re.findall(r'<th scope="col">([^<]+)</th>', table)[1:]
    assert columns == [
        "Selection › Architecture",
        "Selection › Compute",
        "Selection › Storage",
        "Selection › Database",
        "Selection › Network",
        "Code",
        "Review",
        "Monitoring",
        "Trade-offs",
    ]
    svg = re.search(r'<svg[^>]*class="heatmap".*?</svg>', body, re.S).group(0)
    database = reverse("reviews:question", args=[shipped_review.pk, "PERF_05"])
    assert f'<a href="{database}" aria-label="Storefront · Selection › Database: High risk">' in svg
    assert svg.count("<a href=") == 9  # the cast's Checkout reviews another lens: its row has no links


def test_the_portfolio_pdf_draws_the_heatmap_without_links(shipped_review):
    from wareview.portfolio.selectors import portfolio_heatmap

    heatmap = portfolio_heatmap(workloads=[shipped_review.workload], lenses=[shipped_review.lens])
    page = render_to_string("charts/heatmap.html", {"chart": heatmap.chart()})
    pdf = render_to_string("charts/heatmap.html", {"chart": heatmap.chart(links=False)})
    assert "<a href=" in page and "<a href=" not in pdf
    assert 'role="group"' in page and 'role="img"' in pdf  # a picture, unless its cells are links


def test_a_heatmap_drawn_again_after_a_risk_changed_shows_the_new_risk():
    from wareview.lib.charts import heatmap

    def drawn(risk):
        chart = heatmap(rows=[("Checkout", [risk])], columns=["Compute"], links=[["/q/"]])
        return render_to_string("charts/heatmap.html", {"chart": chart})

    assert "Checkout · Compute: High risk" in drawn("HIGH_RISK")
    assert "Checkout · Compute: No risk" in drawn("NO_RISK")  # a drawing is kept only for the same heatmap
    assert "Checkout · Compute: High risk" in drawn("HIGH_RISK")


def high_risks_shown(body: str, workload: str) -> str:
    row = re.search(rf"<th scope=\"row\"><a href=\"/workloads/\d+/\">{workload}</a></th>(.*?)</tr>", body, re.S)
    assert row
    return re.findall(r"<td>([^<]*)</td>", row.group(1))[-2]


def test_the_list_drawn_again_after_a_risk_changed_shows_the_new_count(client, portfolio):
    client.force_login(portfolio.viewer)
    assert high_risks_shown(client.get(URL).content.decode(), "Checkout") == "1"
    answer(portfolio.review, "Q_02", AnswerRisk.HIGH)
    assert high_risks_shown(client.get(URL).content.decode(), "Checkout") == "2"


def test_the_filters_offer_a_team_joined_after_the_page_was_drawn(client, portfolio):
    client.force_login(portfolio.viewer)
    assert "Newcomers" not in client.get(URL).content.decode()
    newcomers = team_create(name="Newcomers", user=portfolio.owner)
    Membership.objects.create(team=newcomers, user=portfolio.viewer, role=Role.VIEWER)
    assert f'<option value="{newcomers.pk}">Newcomers</option>' in client.get(URL).content.decode()


def test_the_filters_drawn_again_keep_the_values_chosen(client, portfolio):
    client.force_login(portfolio.viewer)
    client.get(URL)
    body = client.get(URL, {"sort": "-high"}).content.decode()
    assert '<option value="-high" selected>Most high risks</option>' in body
