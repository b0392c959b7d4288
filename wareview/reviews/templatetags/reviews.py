"""Template helpers for what every page shows of a review: risk badges and progress bars.

`{% load reviews %}`, then `{% risk_badge answer.risk %}` for a risk's badge (`short=True`: the navigation's narrow
one), `{{ answer.risk|risk_level }}` for a risk's words and class (see `wareview.lib.risk_levels`), and
`{% progress done total label=… %}` for a progress bar with its words.

The tags compute what they show and draw it with a partial of `templates/includes/reviews.html`, where a designer
finds the markup; anything larger (the question page's navigation entries and best practices) is a partial of
its own page's template.
"""

import functools
from collections.abc import Callable
from pathlib import Path

from django import template
from django.dispatch import receiver
from django.utils.autoreload import file_changed

from wareview.lib import risk_levels
from wareview.lib.numbers import percent
from wareview.reviews.links import question_url_maker

register = template.Library()

# The tags' markup: a partial of this template for each.
MARKUP = "includes/reviews.html"

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


@register.simple_tag(takes_context=True)
def risk_badge(context: template.Context, risk: str, *, short: bool = False) -> str:
    """A risk's badge: its words (the short ones with `short`) in a span of its CSS class."""
    return _drawn(context, "risk-badge", level=risk_levels.risk_level(risk), short=short)


@register.simple_tag(takes_context=True)
def progress(
    context: template.Context,
    done: int,
    total: int,
    *,
    label: str,
    words: str = "percent",
    note: str = "",
    progress_id: str = "",
    count_id: str = "",
    oob: bool = False,
) -> str:
    """A `<progress>` bar named `label` (its aria-label) and its words beside it: `words` is one of WORDS, and a
    `note` follows them after a dot. With ids the page can refresh both parts out of band; `oob` renders just
    the two parts, marked for such a swap."""
    share = percent(done, total)
    return _drawn(
        context,
        "progress",
        done=done,
        total=total,
        share=share,
        label=label,
        words=WORDS[words].format(done=done, total=total, share=share),
        note=note,
        progress_id=progress_id,
        count_id=count_id,
        oob=oob,
    )


@register.simple_tag(takes_context=True)
def practice_scales(context: template.Context, effort: str, impact: str, *, extra_class: str = "") -> str:
    """A best practice's effort and impact by their labels, whichever the lens gives (question page, plan and
    report); nothing when it gives neither."""
    scales = (f"Effort: {effort}" if effort else "", f"Impact: {impact}" if impact else "")
    return _drawn(context, "practice-scales", scales=tuple(scale for scale in scales if scale), extra_class=extra_class)


def _drawn(context: template.Context, partial: str, **values: object) -> str:
    """The partial `partial` of MARKUP drawn with `values` alone (not the page's context)."""
    engine = context.template.engine if context.template else template.Engine.get_default()
    return _rendered(engine, partial, tuple(values.items()), context.autoescape)


@functools.lru_cache(maxsize=1024)
def _rendered(engine: template.Engine, partial: str, values: tuple[tuple[str, object], ...], autoescape: bool) -> str:
    """What a partial draws depends on its values alone, and pages draw the same few badges and bars again and
    again (a navigation of 200 entries holds five kinds of badge): each is rendered once per process. A template
    the development server sees change clears them (`_forget_rendered`)."""
    partial_template = engine.get_template(f"{MARKUP}#{partial}")
    return partial_template.render(template.Context(dict(values), autoescape=autoescape))


@receiver(file_changed)
def _forget_rendered(sender: object, file_path: Path, **kwargs: object) -> None:
    if file_path.suffix == ".html":
        _rendered.cache_clear()
