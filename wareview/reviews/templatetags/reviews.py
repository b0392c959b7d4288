"""Template helpers for what every page shows of a review: risk badges and progress bars.

`{% load reviews %}`, then `{% risk_badge answer.risk %}` for a risk's badge (`short=True`: the navigation's narrow
one), `{{ answer.risk|risk_level }}` for a risk's words and class (see `wareview.lib.risk_levels`), and
`{% progress done total label=… %}` for a progress bar with its words.

The badges, the bars and the question page's repeated parts (a navigation entry, a best practice's "Does it
apply?") are built here in Python rather than by included templates: a page shows dozens of them, and Django's
template engine spent most of the question page's CPU walking their nodes.
"""

from collections.abc import Iterable

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from wareview.lib import risk_levels
from wareview.lib.numbers import percent

register = template.Library()

WORDS = {
    "percent": "{share}%",
    "count": "{done}/{total}",
    "answered": "{done}/{total} answered",
    "complete": "{share}% complete ({done} of {total} questions)",
}


@register.filter
def risk_level(value: str) -> risk_levels.RiskLevel:
    return risk_levels.risk_level(value)


@register.filter
def mark_of(marks: dict, code: str) -> dict | None:
    """A best practice's "does not apply" mark (`{"reason": …, "note": …}`) in an answer's marks, or None."""
    return marks.get(code) if marks else None


@register.simple_tag
def risk_badge(risk: str, *, short: bool = False) -> SafeString:
    """A risk's badge: its words (the short ones with `short`) in a span of its CSS class."""
    level = risk_levels.risk_level(risk)
    return format_html('<span class="risk {}">{}</span>', level.css_class, level.short_label if short else level.label)


@register.simple_tag
def progress(
    done: int,
    total: int,
    *,
    label: str,
    words: str = "percent",
    note: str = "",
    progress_id: str = "",
    count_id: str = "",
    oob: bool = False,
) -> SafeString:
    """A `<progress>` bar named `label` (its aria-label) and its words beside it: `words` is one of WORDS, and a
    `note` follows them after a dot. With ids the page can refresh both parts out of band; `oob` renders just
    the two parts, marked for such a swap."""
    share = percent(done, total)
    text = WORDS[words].format(done=done, total=total, share=share)
    swap = ' hx-swap-oob="true"' if oob else ""
    bar = format_html(
        '<progress{} max="{}" value="{}"{} aria-label="{}">{}%</progress>\n<span{}{}>{}</span>',
        format_html(' id="{}"', progress_id) if progress_id else "",
        total,
        done,
        SafeString(swap),
        label,
        share,
        format_html(' id="{}"', count_id) if count_id else "",
        SafeString(swap),
        f"{text} · {note}" if note else text,
    )
    return bar if oob else format_html('<div class="progress-line">{}</div>', bar)


@register.simple_tag
def nav_item(item, *, review_pk: int, current: str, oob: bool = False) -> SafeString:
    """The navigation's entry of `item` (an OutlineQuestion): a link that opens the question in the panel, its
    title cut to 48 characters and its risk badge; `current` is the code of the question shown."""
    url = reverse("reviews:question", args=[review_pk, item.code])
    title = _shortened(item.title, NAV_TITLE_LENGTH)
    return format_html(
        '<li id="nav-item-{code}"{swap}>\n'
        '            <a href="{url}"\n'
        '               hx-get="{url}" hx-target="#question-panel" hx-swap="outerHTML" hx-push-url="true"\n'
        "               {current}>\n"
        "              <span>{code} {title}</span>\n"
        '              <span id="nav-risk-{code}">{badge}</span>\n'
        "            </a>\n"
        "          </li>",
        code=item.code,
        swap=SafeString(' hx-swap-oob="true"' if oob else ""),
        url=url,
        current=SafeString('aria-current="page"' if item.code == current else ""),
        title=title,
        badge=risk_badge(item.risk, short=True),
    )


NAV_TITLE_LENGTH = 48


def _shortened(text: str, length: int) -> str:
    """`text|truncatechars:length`, without the filter's walk over every character when the text is plain ASCII."""
    if not text.isascii():
        return Truncator(text).chars(length)
    return text if len(text) <= length else text[: length - 1] + "…"


@register.simple_tag
def practice_applicability(
    choice, mark: dict | None, *, reasons: Iterable[tuple[str, str]], note_limit: int
) -> SafeString:
    """A best practice's "Does it apply?" fieldset: the mark, its reason and its note (`mark`: the answer's
    `{"reason": …, "note": …}` for the practice, or None)."""
    mark = mark or {}
    chosen = mark.get("reason")
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, SafeString(" selected" if value == chosen else ""), label) for value, label in reasons),
    )
    return format_html(
        '<fieldset class="practice-na">\n'
        '                <legend>Does it apply?<span class="visually-hidden"> {title}</span></legend>\n'
        '                <input type="checkbox" name="practice_not_applicable" value="{code}" id="practice-na-{code}" '
        "{checked}>\n"
        '                <label for="practice-na-{code}">Does not apply</label>\n'
        '                <label for="practice-reason-{code}">Reason</label>\n'
        '                <select name="practice_reason-{code}" id="practice-reason-{code}">\n'
        "                  {options}\n"
        "                </select>\n"
        '                <label for="practice-note-{code}">Note (optional)</label>\n'
        '                <input type="text" name="practice_note-{code}" id="practice-note-{code}" '
        'maxlength="{limit}" value="{note}">\n'
        "              </fieldset>",
        title=choice.title,
        code=choice.code,
        checked=SafeString("checked" if mark else ""),
        options=options,
        limit=note_limit,
        note=mark.get("note") or "",
    )
