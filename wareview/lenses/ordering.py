"""Lens order: where a question comes in the walk through a lens. Pure Python, shared by the review's read model
(`reviews.selectors.review_outline`) and the report's recommendations.

Questions go by pillar order, then by focus area, then by their own order (ties by code). Areas compare by
(order, code); a nested area by its parent's (order, code) first and then its own, so all of a parent's areas
stay together and questions placed directly in the parent come before those of its children. Questions in no
focus area come after every area of their pillar.
"""

# An area's place in its pillar: (order, code) of each focus area from the top, e.g. ((2, "selection"),
# (1, "compute")) for Compute inside Selection. Codes break ties between areas of equal order.
AreaPath = tuple[tuple[int, str], ...]


def area_sort_key(path: AreaPath) -> tuple:
    """Areas in lens order, a parent's own questions before its children's; no area at all comes last."""
    return (0, path) if path else (1, ())


def question_sort_key(*, pillar_order: int, area_path: AreaPath, order: int, code: str) -> tuple:
    """A question's place in the walk through its lens."""
    return (pillar_order, area_sort_key(area_path), order, code)
