"""The API's endpoints, one router per thing a caller works with. Each reads "check the input with the app's
form → call the app's service or selector → shape the answer", and goes through the same access helpers as the
browser's views (outsiders 404, viewers read only)."""

from django import forms

import wareview.api.paths  # noqa: F401  # registers the `id` converter that the routes' paths name
from wareview.api.auth import ApiRefusal
from wareview.api.schemas import Message

# The refusals any endpoint may answer with, for the schema.
REFUSALS: dict[int, type] = {400: Message, 401: Message, 403: Message, 404: Message, 429: Message}
# And those of an endpoint that reads a body: one over DATA_UPLOAD_MAX_MEMORY_SIZE is a 413 (see api.py).
BODY_REFUSALS: dict[int, type] = {**REFUSALS, 413: Message}


def form_refusal(form: forms.BaseForm) -> ApiRefusal:
    """A 400 with the form's first problem, in the browser's words."""
    for name, messages in form.errors.items():
        text = str(messages[0])
        return ApiRefusal(400, text if name == "__all__" else f"{name}: {text}")
    return ApiRefusal(400, "The request is not valid.")
