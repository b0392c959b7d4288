"""Template helpers for what every page shows of a review: risk badges and progress bars.

`{% load reviews %}`, then `{{ answer.risk|risk_level }}` for a risk's words and class (see
`wareview.lib.risk_levels`), and `{% progress done total label=… %}` for a progress bar with its words.
"""

from django import template

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


@register.inclusion_tag("reviews/progress.html")
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
) -> dict:
    """A `<progress>` bar named `label` (its aria-label) and its words beside it: `words` is one of WORDS, and a
    `note` follows them after a dot. With ids the page can refresh both parts out of band; `oob` renders just
    the two parts, marked for such a swap."""
    share = percent(done, total)
    text = WORDS[words].format(done=done, total=total, share=share)
    return {
        "done": done,
        "total": total,
        "share": share,
        "label": label,
        "text": f"{text} · {note}" if note else text,
        "progress_id": progress_id,
        "count_id": count_id,
        "oob": oob,
    }
