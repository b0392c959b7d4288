"""Signals the milestones app sends, for apps that follow milestones without this app knowing them (webhooks)."""

from django.dispatch import Signal

# Sent after the transaction that saved a milestone commits (never for one rolled back), the milestone saved before
# a move to a new lens version included. Arguments: `milestone` (the saved Milestone), `user`.
milestone_saved = Signal()
