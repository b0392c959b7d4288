"""The PDF in two steps: HTML from a template (testable without WeasyPrint), then PDF bytes from the HTML.

WeasyPrint fetches only files under the project's static directory (the print stylesheet and its fonts): any
other URL in the HTML, such as an image a note might smuggle in, is refused, so rendering never touches the
network or the rest of the disk.
"""

import functools
import mimetypes
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string

from wareview.lib.charts import risk_chart
from wareview.reports.data import ReportData

if TYPE_CHECKING:
    from wareview.reports.selectors import PortfolioReportData
    from wareview.workloads.models import Workload

PDF_TEMPLATE = "reports/pdf/report.html"
PORTFOLIO_TEMPLATE = "reports/pdf/portfolio.html"
PORTFOLIO_WORKLOAD_TEMPLATE = "reports/pdf/portfolio_workload.html"


def static_dir() -> Path:
    return (Path(settings.BASE_DIR) / "static").resolve()


def report_context(*, data: ReportData, prefix: str = "") -> dict:
    """What the report's sections read; `prefix` goes before every id they set, for a page that shows several."""
    rows = [(area.name, area.risk_counts) for area in data.areas]
    return {"data": data, "risk_chart": risk_chart(rows=rows, chart_id=f"{prefix}risk-chart"), "prefix": prefix}


def report_html(*, data: ReportData) -> str:
    """The report as one HTML document for WeasyPrint; user text is autoescaped by the template."""
    return render_to_string(PDF_TEMPLATE, report_context(data=data))


def pdf_from_html(html: str) -> bytes:
    """Lay `html` out on A4 pages and return the PDF. Imports WeasyPrint here, so only workers load it."""
    from weasyprint import HTML

    base_url = static_dir().as_uri() + "/"
    return HTML(string=html, base_url=base_url, url_fetcher=_fetcher_class()()).write_pdf()


def portfolio_html(*, data: "PortfolioReportData") -> str:
    """The first part of a PDF of several workloads: its cover and the portfolio's summary."""
    return render_to_string(PORTFOLIO_TEMPLATE, {"summary": data, "heatmap_chart": data.heatmap.chart(links=False)})


def portfolio_workload_html(
    *, data: "PortfolioReportData", workload: "Workload", reports: Sequence[ReportData], position: int
) -> str:
    """One workload's part of that PDF: the report sections of each of its open reviews, as the review's own
    report has them (`reports/sections/`), their ids prefixed by workload and review."""
    lenses = [report_context(data=report, prefix=f"w{workload.pk}-r{report.review_id}-") for report in reports]
    context = {"summary": data, "workload": workload, "lenses": lenses, "position": position}
    return render_to_string(PORTFOLIO_WORKLOAD_TEMPLATE, context)


def document_from_html(html: str) -> Any:
    """`html` laid out on A4 pages, as a WeasyPrint document whose pages `pdf_from_documents` can join."""
    from weasyprint import HTML

    base_url = static_dir().as_uri() + "/"
    return HTML(string=html, base_url=base_url, url_fetcher=_fetcher_class()()).render()


def pdf_from_documents(documents: Sequence[Any]) -> bytes:
    """One PDF of the pages of `documents`, in order. Each part keeps its own running header and page numbers."""
    pages = [page for document in documents for page in document.pages]
    return documents[0].copy(pages).write_pdf()


def static_path_for(url: str) -> Path:
    """The file a `file:` URL names when it lies under the static directory; ValueError for anything else."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        raise ValueError(f"The report renderer fetches only its own static files, not {url}")
    path = Path(unquote(parts.path)).resolve()
    if not path.is_relative_to(static_dir()) or not path.is_file():
        raise ValueError(f"The report renderer fetches only its own static files, not {url}")
    return path


@functools.cache
def _fetcher_class() -> type:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesOnly(URLFetcher):
        def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
            path = static_path_for(url)
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})

    return StaticFilesOnly
