"""Template helpers for what every page shows of a review: risk badges and progress bars.

`{% load reviews %}`, then `{% risk_badge answer.risk %}` for a risk's badge (`short=True`: the navigation's narrow
one), `{{ answer.risk|risk_level }}` for a risk's words and class (see `wareview.lib.risk_levels`), and
`{% progress done total label=… %}` for a progress bar with its words.

The badges, the bars and the question page's repeated parts (a navigation entry, a best practice's "Does it
apply?") are built here in Python rather than by included templates: a page shows dozens of them, and Django's
template engine spent most of the question page's CPU walking their nodes.
"""

import functools
import html
from collections.abc import Iterable

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from wareview.lib import risk_levels
from wareview.lib.numbers import percent
from wareview.lib.practice_scales import EFFORT_LABELS, IMPACT_LABELS
from wareview.reviews.links import question_url_maker

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
    words = _escape(level.short_label if short else level.label)
    return SafeString(f'<span class="risk {level.css_class}">{words}</span>')


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
    bar_id = f' id="{_escape(progress_id)}"' if progress_id else ""
    count_id = f' id="{_escape(count_id)}"' if count_id else ""
    words_shown = _escape(f"{text} · {note}" if note else text)
    bar = (
        f'<progress{bar_id} max="{total}" value="{done}"{swap} aria-label="{_escape(label)}">{share}%</progress>\n'
        f"<span{count_id}{swap}>{words_shown}</span>"
    )
    return SafeString(bar if oob else f'<div class="progress-line">{bar}</div>')


@register.simple_tag
def review_nav(outline, *, review_pk: int, current: str) -> SafeString:
    """The navigation's focus areas: each one's heading, progress bar and entries (see `nav_item`)."""
    question_url = question_url_maker(review_pk)
    parts = []
    for area in outline.areas:
        parent = format_html('<span class="muted">{} › </span>', area.parent_name) if area.parent_name else ""
        bar = progress(
            area.answered,
            area.total,
            label=f"{area.name} completion",
            words="count",
            progress_id=f"area-progress-{area.key}",
            count_id=f"area-count-{area.key}",
        )
        items = "\n".join(_nav_item(item, url=question_url(item.code), current=current) for item in area.questions)
        parts.append(format_html("<h2>{}{}</h2>\n{}\n<ol>\n{}\n</ol>", parent, area.name, bar, SafeString(items)))
    return SafeString("\n".join(parts))


@register.simple_tag
def nav_item(item, *, review_pk: int, current: str, oob: bool = False) -> SafeString:
    """The navigation's entry of `item` (an OutlineQuestion): a link that opens the question in the panel, its
    title cut to 48 characters and its risk badge; `current` is the code of the question shown."""
    url = reverse("reviews:question", args=[review_pk, item.code])
    return SafeString(_nav_item(item, url=url, current=current, oob=oob))


def _nav_item(item, *, url: str, current: str, oob: bool = False) -> str:
    code, url = _escape(item.code), _escape(url)
    swap = ' hx-swap-oob="true"' if oob else ""
    here = ' aria-current="page"' if item.code == current else ""
    title = _escape(_shortened(item.title, NAV_TITLE_LENGTH))
    badge = risk_badge(item.risk, short=True)
    return (
        f'<li id="nav-item-{code}"{swap}>'
        f'<a href="{url}" hx-get="{url}" hx-target="#question-panel" hx-swap="outerHTML" hx-push-url="true"{here}>'
        f'<span>{code} {title}</span> <span id="nav-risk-{code}">{badge}</span></a></li>'
    )


NAV_TITLE_LENGTH = 48


def _escape(value: object) -> str:
    """What `django.utils.html.escape` does, without its check for lazy translations on every call: the tags
    below escape every value they show with it, and write their markup out in f-strings rather than through
    `format_html`, since a page repeats them for every question and practice."""
    return html.escape(str(value))


def _shortened(text: str, length: int) -> str:
    """`text|truncatechars:length`, without the filter's walk over every character when the text is plain ASCII."""
    if not text.isascii():
        return Truncator(text).chars(length)
    return text if len(text) <= length else text[: length - 1] + "…"


@register.simple_tag
def practice(
    choice, *, selected: set[str], marks: dict, reasons: Iterable[tuple[str, str]], note_limit: int
) -> SafeString:
    """A best practice on the question page (`selected`: the codes the answer ticks; `marks`: its "does not
    apply" marks by code): its checkbox, and but for "None of these" what it is about (its
    description, how to improve and verify it, its effort and impact) and whether it applies."""
    code, title = _escape(choice.code), _escape(choice.title)
    none = " data-none-choice" if choice.is_none else ""
    checked = " checked" if choice.code in selected else ""
    box = (
        f'<input type="checkbox" name="selected" value="{code}" id="choice-{code}"{none}{checked}>\n'
        f'<label for="choice-{code}">{title}</label>'
    )
    if choice.is_none:
        return SafeString(f'<div class="practice">\n{box}\n</div>')
    about = [f"<p>{_escape(choice.description)}</p>" if choice.description else ""]
    if choice.improvement_text:
        about.append(f"<p><strong>How to improve:</strong> {_escape(choice.improvement_text)}</p>")
    if choice.improvement_url:
        about.append(
            f'<p><a href="{_escape(choice.improvement_url)}" rel="noopener" target="_blank">Improvement guidance'
            f'<span class="visually-hidden"> for {title} (opens in a new tab)</span></a></p>'
        )
    if choice.verification:
        about.append(f"<p><strong>How to verify:</strong> {_escape(choice.verification)}</p>")
    about.append(practice_scales(EFFORT_LABELS.get(choice.effort, ""), IMPACT_LABELS.get(choice.impact, "")))
    applies = practice_applicability(choice, mark_of(marks, choice.code), reasons=reasons, note_limit=note_limit)
    return SafeString(
        f'<div class="practice">\n{box}\n<details>\n<summary>About this practice</summary>\n'
        + "\n".join(about)
        + f"\n</details>\n{applies}\n</div>"
    )


@register.simple_tag
def practice_scales(effort: str, impact: str, *, extra_class: str = "") -> SafeString:
    """A best practice's effort and impact by their labels, whichever the lens gives (question page, plan and
    report); nothing when it gives neither."""
    scales = [f"Effort: {effort}" if effort else "", f"Impact: {impact}" if impact else ""]
    if not any(scales):
        return SafeString("")
    css_class = f"practice-scales {extra_class}" if extra_class else "practice-scales"
    return format_html('<p class="{}">{}</p>', css_class, " · ".join(scale for scale in scales if scale))


def practice_applicability(
    choice, mark: dict | None, *, reasons: Iterable[tuple[str, str]], note_limit: int
) -> SafeString:
    """A best practice's "Does it apply?" fieldset: the mark, its reason and its note (`mark`: the answer's
    `{"reason": …, "note": …}` for the practice, or None)."""
    mark = mark or {}
    options = _reason_options(tuple(reasons), mark.get("reason"))
    code, checked, note = _escape(choice.code), "checked" if mark else "", _escape(mark.get("note") or "")
    return SafeString(
        '<fieldset class="practice-na">\n'
        f'<legend>Does it apply?<span class="visually-hidden"> {_escape(choice.title)}</span></legend>\n'
        f'<input type="checkbox" name="practice_not_applicable" value="{code}" id="practice-na-{code}" {checked}>\n'
        f'<label for="practice-na-{code}">Does not apply</label>\n'
        f'<label for="practice-reason-{code}">Reason</label>\n'
        f'<select name="practice_reason-{code}" id="practice-reason-{code}">\n{options}\n</select>\n'
        f'<label for="practice-note-{code}">Note (optional)</label>\n'
        f'<input type="text" name="practice_note-{code}" id="practice-note-{code}" maxlength="{note_limit}" '
        f'value="{note}">\n'
        "</fieldset>"
    )


@functools.lru_cache(maxsize=64)
def _reason_options(reasons: tuple[tuple[str, str], ...], chosen: str | None) -> str:
    """The `<option>`s of a "does not apply" reason, `chosen` selected: the same few for every practice of a page."""
    return "".join(
        format_html(
            '<option value="{}"{}>{}</option>', value, SafeString(" selected" if value == chosen else ""), label
        )
        for value, label in reasons
    )
