"""The real PDF, rendered in-process by WeasyPrint and read back with pypdf."""

import io
import logging

import pytest
from django.conf import settings
from pypdf import PdfReader

from tests.factories import build_lens
from tests.reports.helpers import answer, start_review
from wareview.lenses.models import Choice, Lens
from wareview.lenses.services import lens_publish
from wareview.reports.models import Report
from wareview.reports.rendering import pdf_from_html, static_path_for
from wareview.reports.tasks import report_render_task
from wareview.reviews.models import Review

pytestmark = pytest.mark.django_db

FONT = settings.BASE_DIR / "static" / "reports" / "fonts" / "DejaVuSans.ttf"
# Q_01 ("None of these") is at high risk, Q_02 (only a) at medium risk. Giving q_01_c both principles puts it
# level with q_01_a, ahead of q_01_b.
EXPECTED_ORDER = ["Q_01 practice a", "Q_01 practice c", "Q_01 practice b", "Q_02 practice b", "Q_02 practice c"]


@pytest.fixture
def review(team, owner) -> Review:
    """The suite's review (see conftest.py), on a lens whose q_01_c supports both principles: a published lens
    never changes, so the link (and q_01_a's effort and impact) is made in the draft."""
    draft = build_lens(status=Lens.Status.DRAFT)
    principles = draft.pillars.get().principles.all()
    Choice.objects.get(question__pillar__lens=draft, code="q_01_c").principles.add(*principles)
    Choice.objects.filter(question__pillar__lens=draft, code="q_01_a").update(effort="medium", impact="high")
    review = start_review(team=team, user=owner, lens=lens_publish(lens=draft))
    answer(review, "Q_01", "no", notes="We have not looked at this yet.")
    answer(review, "Q_02", "a", notes="Only the first practice so far.")
    answer(review, "Q_04", reason="out_of_scope", notes="Batch jobs only.")
    return review


@pytest.fixture
def pdf_text(review, owner) -> tuple[str, int]:
    answer(review, "Q_03", "a", "b", "c", notes="<script>alert(1)</script> kept as text")
    report = Report.objects.create(review=review, requested_by=owner)
    report_render_task.apply(args=[report.pk])
    report.refresh_from_db()
    assert report.status == Report.Status.READY, report.error
    reader = PdfReader(io.BytesIO(report.file.read()))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def test_the_pdf_lists_the_recommendations_in_the_stated_order(pdf_text):
    text, _ = pdf_text
    section = text[text.index("Prioritized recommendations") : text.index("Answers by focus area")]
    positions = [section.index(title) for title in EXPECTED_ORDER]
    assert positions == sorted(positions)
    assert "Start with the most used component" in section


def test_the_pdf_shows_a_recommendations_effort_and_impact_beside_it(pdf_text):
    text, _ = pdf_text
    section = text[text.index("Prioritized recommendations") : text.index("Answers by focus area")]
    first = section[section.index(EXPECTED_ORDER[0]) : section.index(EXPECTED_ORDER[1])]
    assert "Effort: Medium · Impact: High" in first
    assert section.count("Effort:") == 1


def test_the_pdf_has_the_notes_escaped_text_and_several_pages(pdf_text):
    text, pages = pdf_text
    assert "We have not looked at this yet." in text
    assert "Batch jobs only." in text and "Out of scope" in text
    assert "<script>alert(1)</script> kept as text" in text
    assert pages > 1


def test_the_pdf_pages_carry_the_workload_and_their_number(pdf_text):
    text, pages = pdf_text
    assert f"Page 2 of {pages}" in text
    assert text.count("Checkout service") >= pages - 1  # the running header, on every page after the cover


def test_the_renderer_serves_the_report_fonts():
    assert static_path_for(FONT.as_uri()) == FONT.resolve()


@pytest.mark.parametrize(
    "url",
    [
        "https://fonts.example.com/font.ttf",
        "http://127.0.0.1:8000/static/reports/css/report-print.css",
        "file:///etc/passwd",
        (settings.BASE_DIR / "static" / ".." / "manage.py").as_uri(),
        "file://other-host" + str(FONT),
        "data:text/plain,hello",
    ],
)
def test_the_renderer_refuses_every_url_outside_the_static_directory(url):
    with pytest.raises(ValueError, match="fetches only its own static files"):
        static_path_for(url)


def test_an_image_from_the_network_is_refused_and_the_pdf_still_renders(caplog):
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = pdf_from_html('<p>Hello</p><img src="https://tracker.example.com/pixel.png">')
    assert pdf.startswith(b"%PDF")
    assert "fetches only its own static files" in caplog.text
