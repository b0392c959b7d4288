"""Benchmark the PDF report: the whole render path against WeasyPrint alone, on a fully answered review.

Run from the repository root: `python bench/report_pdf.py [--pdf out.pdf]`, against the database that
DATABASE_URL names (SQLite under var/ without it), which must be migrated. It builds a review of the
Performance Efficiency lens (loading fixtures/performance_efficiency.json if the lens is absent) with every
question answered and a note on each, inside a transaction it rolls back, so the database is left as found.
It prints one line and writes bench/results/report_pdf.json.

Targets: render_ms ≤ 2000 and ratio (render_ms / weasyprint_only_ms) ≤ 1.3.
"""

import argparse
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wareview.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import override_settings  # noqa: E402

from wareview.lenses.models import Choice, DesignPrinciple, FocusArea, Lens, Pillar, Question, RiskRule  # noqa: E402
from wareview.lenses.services import lens_publish  # noqa: E402
from wareview.reports.models import Report  # noqa: E402
from wareview.reports.rendering import pdf_from_html, report_html  # noqa: E402
from wareview.reports.selectors import report_data  # noqa: E402
from wareview.reports.services import report_render  # noqa: E402
from wareview.reviews.models import Answer, Review  # noqa: E402
from wareview.reviews.services import AnswerState, answer_save, review_start  # noqa: E402
from wareview.teams.models import Membership, Role, Team  # noqa: E402
from wareview.workloads.models import Workload  # noqa: E402

FIXTURE = ROOT / "fixtures" / "performance_efficiency.json"
RESULT = ROOT / "bench" / "results" / "report_pdf.json"
RUNS = 3
TARGET_RENDER_MS, TARGET_RATIO = 2000, 1.3
NOTE = (
    "We measured this in the load test of {month}: p95 latency stayed under 180 ms up to 2,000 requests per "
    "second; above that the database connection pool became the limit. Owner: platform team. Next review when "
    "the new region goes live."
)
MONTHS = ["January", "March", "May", "July", "September", "November"]


def bench_lens() -> Lens:
    lens = Lens.objects.published().filter(slug="performance-efficiency").order_by("-version").first()
    if lens is None and FIXTURE.exists():
        call_command("loaddata", str(FIXTURE), verbosity=0)
        lens = Lens.objects.published().filter(slug="performance-efficiency").order_by("-version").first()
    return lens or synthetic_lens()


def synthetic_lens(areas: int = 4, per_area: int = 3) -> Lens:
    """A stand-in like the tests' build_lens, for a checkout without the fixture: built as a draft, then published."""
    lens = Lens.objects.create(slug="bench-report-lens", name="Bench lens", status=Lens.Status.DRAFT)
    pillar = Pillar.objects.create(lens=lens, code="bench", name="Bench pillar")
    principles = [DesignPrinciple.objects.create(pillar=pillar, code=f"p{n}", name=f"Principle {n}") for n in range(3)]
    for area_number in range(areas):
        area = FocusArea.objects.create(pillar=pillar, code=f"a{area_number}", name=f"Area {area_number}")
        for number in range(per_area):
            code = f"B_{area_number}{number}"
            question = Question.objects.create(pillar=pillar, focus_area=area, code=code, title=f"How do you {code}?")
            for index, letter in enumerate("abcde"):
                choice = Choice.objects.create(
                    question=question, code=f"{code}_{letter}", title=f"Practice {letter} of {code}", order=index
                )
                choice.principles.add(*principles[: index % 3])
            Choice.objects.create(question=question, code=f"{code}_no", title="None of these", is_none=True, order=9)
            RiskRule.objects.create(question=question, order=1, condition=f"!{code}_a", risk="HIGH_RISK")
            RiskRule.objects.create(question=question, order=2, condition="default", risk="NO_RISK")
    return lens_publish(lens=lens)


def answered_review(lens: Lens) -> tuple[Review, User]:
    user = get_user_model().objects.create_user(username=f"bench-report-{time.time_ns()}")
    team = Team.objects.create(name="Bench team")
    Membership.objects.create(team=team, user=user, role=Role.OWNER)
    workload = Workload.objects.create(team=team, name="Checkout service", review_owner="Platform architect")
    review = review_start(workload=workload, lens=lens, user=user)
    answers = Answer.objects.filter(review=review).select_related("question").order_by("question__order")
    for index, answer in enumerate(answers):
        codes = list(answer.question.choices.filter(is_none=False).values_list("code", flat=True))
        selected = codes[: len(codes) - index % 4]  # a mix of high, medium and no risk
        note = NOTE.format(month=MONTHS[index % len(MONTHS)])
        answer_save(answer=answer, user=user, data=AnswerState(selected=selected, notes=note), expected_version=0)
    return review, user


def paired_medians_ms(*actions: Callable[[], object]) -> list[float]:
    """The median wall time of each action over RUNS rounds, the actions taking turns within a round so that a
    busy machine slows them alike and the ratio stays fair."""
    for action in actions:
        action()  # warm up: imports and the font files' first read
    timings: list[list[float]] = [[] for _ in actions]
    for _ in range(RUNS):
        for action, times in zip(actions, timings, strict=True):
            start = time.perf_counter()
            action()
            times.append((time.perf_counter() - start) * 1000)
    return [statistics.median(times) for times in timings]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdf", type=Path, help="Also write the rendered PDF to this path, to look at it.")
    args = parser.parse_args()
    logging.getLogger("weasyprint").setLevel(logging.WARNING)  # its per-page progress lines drown the result
    logging.getLogger("wareview.reports").setLevel(logging.WARNING)
    if Report._meta.db_table not in connection.introspection.table_names():
        sys.exit(f"bench report_pdf: the database has no {Report._meta.db_table} table; run manage.py migrate first")
    with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media), transaction.atomic():
        review, user = answered_review(bench_lens())
        report = Report.objects.create(review=review, requested_by=user)

        def render_again() -> None:
            Report.objects.filter(pk=report.pk).update(status=Report.Status.QUEUED)  # a ready report is left alone
            report_render(report_id=report.pk)

        html = report_html(data=report_data(review=review))
        render_ms, weasyprint_ms = paired_medians_ms(render_again, lambda: pdf_from_html(html))
        pdf = Report.objects.get(pk=report.pk).file.read()
        transaction.set_rollback(True)
    if args.pdf:
        args.pdf.write_bytes(pdf)
    report_results(pdf=pdf, render_ms=render_ms, weasyprint_ms=weasyprint_ms)


def report_results(*, pdf: bytes, render_ms: float, weasyprint_ms: float) -> None:
    from pypdf import PdfReader

    pages = len(PdfReader(BytesIO(pdf)).pages)
    ratio = render_ms / weasyprint_ms
    timings = f"render_ms={render_ms:.0f} weasyprint_only_ms={weasyprint_ms:.0f} ratio={ratio:.2f}"
    print(f"bench report_pdf pages={pages} {timings}")
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    result = {
        "bench": "report_pdf",
        "pages": pages,
        "render_ms": round(render_ms, 1),
        "weasyprint_only_ms": round(weasyprint_ms, 1),
        "ratio": round(ratio, 3),
        "targets": {"render_ms": TARGET_RENDER_MS, "ratio": TARGET_RATIO},
        "within_targets": render_ms <= TARGET_RENDER_MS and ratio <= TARGET_RATIO,
    }
    RESULT.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
