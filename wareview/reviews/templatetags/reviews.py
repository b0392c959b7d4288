"""Template helpers for what every page shows of a review: risk badges and progress bars.

`{% load reviews %}`, then `{% risk_badge answer.risk %}` for a risk's badge (`short=True`: the navigation's narrow
one), `{{ answer.risk|risk_level }}` for a risk's words and class (see `wareview.lib.risk_levels`), and
`{% progress done total label=… %}` for a progress bar with its words.

The badges and the bars are small enough to build in Python, and pages show dozens of them; anything larger
(the question page's navigation entries and best practices) is a partial of its template, where a designer finds it.
"""

import functools
from collections.abc import Callable

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString

from wareview.lib import risk_levels
from wareview.lib.numbers import percent
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


@register.filter
def question_url(code: str, review_pk: int) -> str:
    """`{% url "reviews:question" review.pk code %}` for the navigation's many links: the URL pattern of a review's
    questions is resolved once per review (see `wareview.reviews.links`)."""
    return _question_url_maker(review_pk)(code)


@functools.lru_cache(maxsize=256)
def _question_url_maker(review_pk: int) -> Callable[[str], str]:
    return question_url_maker(review_pk)


@register.simple_tag
def risk_badge(risk: str, *, short: bool = False) -> SafeString:
    """A risk's badge: its words (the short ones with `short`) in a span of its CSS class."""
    level = risk_levels.risk_level(risk)
    words = escape(level.short_label if short else level.label)
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
    bar_id = f' id="{escape(progress_id)}"' if progress_id else ""
    count_id = f' id="{escape(count_id)}"' if count_id else ""
    words_shown = escape(f"{text} · {note}" if note else text)
    bar = (
        f'<progress{bar_id} max="{total}" value="{done}"{swap} aria-label="{escape(label)}">{share}%</progress>\n'
        f"<span{count_id}{swap}>{words_shown}</span>"
    )
    return SafeString(bar if oob else f'<div class="progress-line">{bar}</div>')


@register.simple_tag
def practice_scales(effort: str, impact: str, *, extra_class: str = "") -> SafeString:
    """A best practice's effort and impact by their labels, whichever the lens gives (question page, plan and
    report); nothing when it gives neither."""
    scales = [f"Effort: {effort}" if effort else "", f"Impact: {impact}" if impact else ""]
    if not any(scales):
        return SafeString("")
    css_class = f"practice-scales {extra_class}" if extra_class else "practice-scales"
    return format_html('<p class="{}">{}</p>', css_class, " · ".join(scale for scale in scales if scale))
