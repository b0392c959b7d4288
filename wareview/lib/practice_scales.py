"""How much work a best practice takes (effort) and how much it changes (impact): one vocabulary for the
choice model, lens files, `check_lenses`, the question page and the report. Pure Python, so the report's
dataclasses use it without Django.

Each scale is a tuple of (value stored, label shown) pairs in its natural order; a blank value means the lens
does not say.
"""

EFFORT = (("small", "Small"), ("medium", "Medium"), ("large", "Large"))
IMPACT = (("high", "High"), ("medium", "Medium"), ("low", "Low"))

EFFORT_LABELS = dict(EFFORT)
IMPACT_LABELS = dict(IMPACT)
