"""The README and docs/ point at files that exist, and the README stays short enough to read in two minutes.

Links are read with markdown-it (as a Markdown renderer sees them, so code blocks and inline code are not links).
"""

from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from django.conf import settings
from markdown_it import MarkdownIt

ROOT = Path(settings.BASE_DIR)
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
README_MAX_LINES = 150
# Screenshots are cropped and reduced to a palette; a larger one would weigh on every clone.
IMAGE_MAX_BYTES = 150 * 1024


def local_targets(page: Path) -> list[str]:
    """The targets of the page's links and images that name a file of this repository (no scheme, no host)."""
    targets = []
    for token in MarkdownIt().parse(page.read_text()):
        for child in token.children or ():
            target = child.attrGet("href") if child.type == "link_open" else child.attrGet("src")
            if isinstance(target, str) and not urlsplit(target).scheme and not target.startswith(("#", "//")):
                targets.append(target)
    return targets


def missing_targets(page: Path) -> list[str]:
    return [target for target in local_targets(page) if not (page.parent / unquote(urlsplit(target).path)).exists()]


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_every_relative_link_names_a_file_that_exists(page):
    assert not missing_targets(page)


def test_a_link_to_a_missing_file_is_caught(tmp_path):
    page = tmp_path / "page.md"
    (tmp_path / "there.md").write_text("# There\n")
    page.write_text(
        "[ok](there.md#there) [gone](gone.md) ![shot](images/gone.png) [web](https://example.com)\n\n"
        "```\n[in a code block](nowhere.md)\n```\n"
    )
    assert missing_targets(page) == ["gone.md", "images/gone.png"]


def test_the_readme_links_to_the_docs_and_a_screenshot():
    targets = local_targets(ROOT / "README.md")
    assert {"docs/configuration.md", "docs/deploy.md", "docs/user-guide.md"} <= set(targets)
    assert any(target.startswith("docs/images/") for target in targets)


def test_the_readme_is_at_most_150_lines():
    assert len((ROOT / "README.md").read_text().splitlines()) <= README_MAX_LINES


def test_every_screenshot_is_used_and_stays_small():
    images = sorted((ROOT / "docs" / "images").glob("*.png"))
    used = {(page.parent / target).resolve() for page in PAGES for target in local_targets(page)}
    assert images
    assert [image.name for image in images if image.resolve() not in used] == []
    assert [image.name for image in images if image.stat().st_size > IMAGE_MAX_BYTES] == []


def html_in(page: Path) -> list[str]:
    """Text a renderer takes for HTML and hides, such as a placeholder `<name>` written outside a code span."""
    found = []
    for token in MarkdownIt().parse(page.read_text()):
        if token.type == "html_block":
            found.append(token.content.strip())
        found.extend(child.content for child in token.children or () if child.type == "html_inline")
    return found


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_no_text_is_hidden_as_html(page):
    assert not html_in(page)


def test_a_placeholder_outside_a_code_span_is_caught(tmp_path):
    page = tmp_path / "page.md"
    page.write_text('Titled "as at milestone <name>", or `as at milestone <name>` in a code span.\n')
    assert html_in(page) == ["<name>"]
