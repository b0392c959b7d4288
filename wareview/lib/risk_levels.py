"""The risk levels of a question in a review: one vocabulary for the models, the templates, the report and the
chart. Pure Python, so the report's dataclasses and the chart use it without Django.

`LEVELS` is worst first: the order of every summary, legend, chart and recommendation.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class RiskLevel:
    value: str  # what Answer.risk and a lens's risk rules store
    label: str  # the words, as in "3 questions at high risk" and the long badge
    short_label: str  # the navigation's narrow badge
    colour: str  # the chart's fill, the same hue as the badge in the stylesheets
    ink: str  # text drawn on that fill

    @property
    def css_class(self) -> str:
        """The badge's class in static/css/app.css and the report stylesheets."""
        return f"risk-{self.value}"

    @property
    def order(self) -> int:
        return LEVELS.index(self)


HIGH = RiskLevel("HIGH_RISK", "High risk", "High", "#b3261e", "#ffffff")
MEDIUM = RiskLevel("MEDIUM_RISK", "Medium risk", "Medium", "#8a5300", "#ffffff")
NONE = RiskLevel("NO_RISK", "No risk", "OK", "#1e6b3a", "#ffffff")
NOT_APPLICABLE = RiskLevel("NOT_APPLICABLE", "Not applicable", "N/A", "#4a5565", "#ffffff")
UNANSWERED = RiskLevel("UNANSWERED", "Unanswered", "–", "#e3e7ec", "#1d2430")

LEVELS = (HIGH, MEDIUM, NONE, NOT_APPLICABLE, UNANSWERED)
_BY_VALUE = {level.value: level for level in LEVELS}


def risk_level(value: str) -> RiskLevel:
    """The level stored as `value`; anything unknown reads as unanswered."""
    return _BY_VALUE.get(value, UNANSWERED)
