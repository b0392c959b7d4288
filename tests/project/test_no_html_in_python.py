"""Markup lives in templates: no module under wareview/ (migrations aside) builds HTML or SVG in Python, marks a
string safe, or spells a tag in a string literal. Template tags compute values and render a template
(`templates/includes/`, `templates/charts/`), charts are geometry drawn by a template, so a designer finds every
element in `templates/` and autoescaping covers every value. Read from the source, so a tag written anywhere
else fails here."""

import ast
import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PACKAGE = ROOT / "wareview"
# Modules allowed to hold markup, with the reason (none today; a new entry needs a reason no template can meet).
ALLOWED: dict[str, str] = {}
# Names that build markup or trust a string as markup, however imported.
SAFE_MAKERS = {"format_html", "format_html_join", "mark_safe", "SafeString", "SafeText", "SafeData", "html_safe"}
HTML_ELEMENTS = (  # as the WHATWG lists them, and SVG's below
    "a abbr address area article aside audio b base bdi bdo blockquote body br button canvas caption cite code col "
    "colgroup data datalist dd del details dfn dialog div dl dt em embed fieldset figcaption figure footer form h1 h2 "
    "h3 h4 h5 h6 head header hgroup hr html i iframe img input ins kbd label legend li link main map mark menu meta "
    "meter nav noscript object ol optgroup option output p picture pre progress q rp rt ruby s samp script search "
    "section select slot small source span strong style sub summary sup table tbody td template textarea tfoot th "
    "thead time title tr track u ul var video wbr"
)
SVG_ELEMENTS = (
    "svg g defs symbol use path rect circle ellipse line polyline polygon text tspan textPath desc image clipPath "
    "mask pattern linearGradient radialGradient stop marker filter foreignObject"
)
# An element's opening or closing tag (`<span `, `</td>`, `<rect/>`, an f-string's `<{}`), a comment or a doctype.
# Not a placeholder in prose or a URL pattern (`<token>`, `<int:pk>`: no element's name), nor a regular
# expression's named group (`(?P<code>…)`).
NAMES = "|".join(f"{HTML_ELEMENTS} {SVG_ELEMENTS}".split())
TAG = re.compile(rf"(?<!\?P)</?(?:{NAMES}|\{{\}})(?=[\s/>])|<!--|<!doctype", re.IGNORECASE)


def markup(source: str) -> list[str]:
    """What in `source` builds markup: the names in SAFE_MAKERS wherever used or imported, and string literals
    holding a tag (an f-string read whole, `{}` for each value), docstrings left out."""
    tree = ast.parse(source)
    names = [
        name
        for node in ast.walk(tree)
        for name in [
            node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None,
            node.name.rpartition(".")[2] if isinstance(node, ast.alias) else None,
        ]
        if name in SAFE_MAKERS
    ]
    return names + [text for text in _strings(tree) if TAG.search(text)]


def _strings(tree: ast.AST) -> list[str]:
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    strings, parts = [], set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            values = [value.value if isinstance(value, ast.Constant) else "{}" for value in node.values]
            strings.append("".join(str(value) for value in values))
            parts.update(id(value) for value in node.values)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings | parts:
            strings.append(node.value)
    return strings


def scanned() -> list[Path]:
    return [path for path in sorted(PACKAGE.rglob("*.py")) if "migrations" not in path.parts]


def test_no_module_builds_html_in_python():
    found = {str(path.relative_to(ROOT)): markup(path.read_text()) for path in scanned()}
    assert {path: built for path, built in found.items() if built and path not in ALLOWED} == {}


def test_the_scan_finds_markup_wherever_it_is_written():
    samples = {
        "from django.utils.html import format_html": ["format_html"],
        "from django.utils.safestring import SafeString as S": ["SafeString"],
        "return mark_safe(svg)": ["mark_safe"],
        "return safestring.mark_safe(svg)": ["mark_safe"],
        "badge = f'<span class=\"risk {level.css_class}\">{words}</span>'": ['<span class="risk {}">{}</span>'],
        "parts.append('</svg>')": ["</svg>"],
        "shape = '<rect x=\"'": ['<rect x="'],
        "close = '<br/>'": ["<br/>"],
        'tag = f"<{name} class=x>"': ["<{} class=x>"],
        "page = '<!DOCTYPE html>'": ["<!DOCTYPE html>"],
        "help_text = 'Leave <b>blank</b> for none'": ["Leave <b>blank</b> for none"],
        "marker = '<polygon points=\"1,2\"/>'": ['<polygon points="1,2"/>'],
    }
    for source, expected in samples.items():
        assert markup(source) == expected, source


def test_placeholders_urls_and_prose_about_tags_are_not_markup():
    prose = [
        'path("reviews/<int:pk>/questions/<str:code>/", view)',
        'help = "Send “Authorization: Bearer <token>”"',
        'PATTERN = re.compile(r"(?P<code>[A-Za-z0-9_]+)|(?P<space>\\s+)")',
        'mapping = "a list of \\"<old question code>/<old choice code>\\" strings"',
        'def f():\n    """The chart carries a <title> and a <desc>; see <svg> in the template."""',
        "# return mark_safe(html): a comment is no call",
        'words = "3 < 4 and a <= b"',
    ]
    for source in prose:
        assert markup(source) == [], source
