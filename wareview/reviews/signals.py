"""Signals the reviews app sends, for apps that follow answers without the reviews app knowing them (the
improvement plan marks an item done when its practice is ticked)."""

from django.dispatch import Signal

# Sent inside the save's transaction whenever a save changes which best practices an answer follows, merged saves
# included. Arguments: `answer` (the saved Answer), `user`, `before` and `after` (the
# ticked practice codes before and after the save, as tuples).
answer_practices_changed = Signal()
