"""Signals the reviews app sends, for apps that follow answers without the reviews app knowing them (the
improvement plan marks an item done when its practice is ticked; webhooks tell other systems a review is
complete)."""

from django.dispatch import Signal

# Sent inside the save's transaction whenever a save changes which best practices an answer follows, merged saves
# included. Arguments: `answer` (the saved Answer), `user`, `before` and `after` (the
# ticked practice codes before and after the save, as tuples).
answer_practices_changed = Signal()

# Sent inside the save's transaction whenever a save changes what the answer follows or its risk: the ticked
# practices, those marked as not applying, whether the question applies, or the risk (merged saves included).
# Arguments: `answer` (the saved Answer), `user`, `before` (the answer's `state()` before the save).
answer_standing_changed = Signal()

# Sent inside the transaction that starts a review, once its answer rows exist. Arguments: `review`, `user`.
# The workload profile (wareview/profiles) marks there what does not apply to the workload.
review_started = Signal()

# Sent inside the transaction that moved a review to another version of its lens, after its answers moved.
# Arguments: `review` (on its new lens version), `user`.
review_upgraded = Signal()

# Sent inside a transaction that changed answers of one review in bulk, without a save of each (the workload
# profile marking what does not apply to the workload), after they are written. Arguments: `review`, `user`.
answers_changed_in_bulk = Signal()

# Sent after the transaction commits of the save that completes a review: the save that answers a question that was
# unanswered when no other question of the review is left unanswered (see services.answer_save). A review whose
# answers are cleared and answered again completes again. Arguments: `review_id`, `user`.
review_completed = Signal()

# Sent inside a move to a new lens version, before the answer rows no new question reuses are deleted. Arguments:
# `moves`, the id of each such row → the id of the row of the (first) new question that takes it over; and
# `practices`, each practice that changes row or code (renamed, moved to another question) → where it goes, as
# (answer id, practice code) → (answer id, practice code). Evidence follows its practice this way.
answers_taken_over = Signal()
