"""The PDF draws the report's risk chart: laid out by WeasyPrint from `charts/risk_chart.html` and read back
with pdftotext, its bars' labels are there as the chart writes them."""

import shutil
import subprocess

import pytest

from tests.conftest import need_service
from tests.factories import build_lens
from tests.reports.helpers import answer, start_review
from wareview.lenses.models import Lens
from wareview.lenses.services import lens_publish
from wareview.reports.rendering import pdf_from_html, report_html
from wareview.reports.selectors import report_data

pytestmark = pytest.mark.django_db

LONG_AREA = "Capacity planning across every region we serve"


def test_the_pdf_draws_the_risk_chart_with_its_shortened_labels(team, owner, tmp_path):
    need_service(bool(shutil.which("pdftotext")), "pdftotext (poppler-utils) is not installed")
    draft = build_lens(status=Lens.Status.DRAFT)  # a published lens never changes: name the area in the draft
    area = draft.pillars.get().focus_areas.order_by("order").first()
    area.name = LONG_AREA
    area.save()
    review = start_review(team=team, user=owner, lens=lens_publish(lens=draft))
    answer(review, "Q_01", "no")

    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(pdf_from_html(report_html(data=report_data(review=review))))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout

    # Only the chart cuts a label short (30 characters); the tables write the name whole.
    assert "Capacity planning across ever…" in text
    assert LONG_AREA in text
