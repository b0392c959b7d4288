"""The Content-Security-Policy allows no inline script or style, so no template may hold one.

The browser tests fail on any refusal the browser reports (tests/browser/conftest.py); this test finds an inline
style or script in any template before a browser ever renders it.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

TEMPLATES = Path(settings.BASE_DIR) / "templates"
INLINE = {
    "a style attribute": re.compile(r"\sstyle\s*="),
    "a <style> element": re.compile(r"<style[\s>]"),
    "an inline <script>": re.compile(r"<script(?![^>]*\ssrc=)(?![^>]*type=\"application/json\")[^>]*>"),
    "an event handler attribute": re.compile(r"\son[a-z]+\s*=\s*[\"']"),
    "an htmx attribute evaluated as script": re.compile(r"hx-on|js:"),
}
# The PDF's HTML is read by WeasyPrint, never by a browser: no policy applies there.
PDF_ONLY = TEMPLATES / "reports" / "pdf"


def screen_templates() -> list[Path]:
    return sorted(path for path in TEMPLATES.rglob("*.html") if PDF_ONLY not in path.parents)


@pytest.mark.parametrize("what", sorted(INLINE))
def test_no_template_for_the_screen_holds_inline_script_or_style(what):
    found = [str(path.relative_to(TEMPLATES)) for path in screen_templates() if INLINE[what].search(path.read_text())]
    assert not found, f"{what} in {found}"


@pytest.mark.django_db
def test_every_page_carries_the_policy(client):
    response = client.get(reverse("login"))
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
