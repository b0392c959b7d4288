"""Signals the plans app sends, for apps that follow improvement plans without this app knowing them (webhooks)."""

from django.dispatch import Signal

# Sent after the transaction commits that changed improvement items: an edit of one item, or the items a save of
# the review marked done or reopened. Arguments: `items` (a tuple of the changed ImprovementItem rows, as saved),
# `user`.
items_changed = Signal()
