"""Small arithmetic the pages and the report share."""


def percent(part: int, whole: int) -> int:
    """`part` of `whole` as a whole percentage; 0 of nothing is 0%."""
    return round(100 * part / whole) if whole else 0
