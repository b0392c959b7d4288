"""The review's forms: starting a review, and one question's answer. Every check of what a user submits is here;
the services trust what these forms clean."""

from django import forms

from wareview.lenses.models import Lens
from wareview.lenses.selectors import QuestionSheet
from wareview.reviews import merging
from wareview.reviews.merging import AnswerState
from wareview.reviews.models import NOTES_MAX_LENGTH, NotApplicableReason

MISSING_VERSION = "The form is missing the answer's version; reload the page."
NUL_IN_TEXT = "Text cannot contain a NUL character."


class ReviewStartForm(forms.Form):
    lens = forms.ModelChoiceField(
        queryset=Lens.objects.published(),
        error_messages={
            "required": "Choose the question set to review against.",
            "invalid_choice": "That question set does not exist or is not published; choose one from the list.",
        },
    )


class NotesField(forms.CharField):
    """Notes as typed: browsers send line breaks as CRLF, and the limit counts them as one character, as the
    textarea's own counter does."""

    def to_python(self, value: object) -> str:
        return (super().to_python(value) or "").replace("\r\n", "\n")


class AnswerForm(forms.Form):
    """One question's answer, checked against the question's best practices (its `QuestionSheet`).

    `version` is the answer's version the user started from. `changed` (optional, sent by "Keep mine") names the
    fields to write; without it the save merges what differs from the starting version (see merging.py).
    """

    version = forms.IntegerField(
        min_value=0,
        error_messages={"required": MISSING_VERSION, "invalid": MISSING_VERSION, "min_value": MISSING_VERSION},
    )
    selected = forms.MultipleChoiceField(
        required=False, error_messages={"invalid_choice": "“%(value)s” is not a best practice of this question."}
    )
    not_applicable = forms.BooleanField(required=False)
    reason = forms.ChoiceField(
        required=False,
        choices=[("", "—"), *NotApplicableReason.choices],
        error_messages={"invalid_choice": "“%(value)s” is not one of the reasons a question may not apply."},
    )
    notes = NotesField(
        required=False,
        strip=False,
        max_length=NOTES_MAX_LENGTH,
        error_messages={
            "max_length": "Notes can be at most %(limit_value)d characters; these have %(show_value)d.",
            "null_characters_not_allowed": NUL_IN_TEXT,
        },
    )
    changed = forms.MultipleChoiceField(
        required=False, error_messages={"invalid_choice": "“%(value)s” is not a part of this answer."}
    )

    def __init__(self, data, *, sheet: QuestionSheet) -> None:
        super().__init__(data)
        self.sheet = sheet
        selected, changed = self.fields["selected"], self.fields["changed"]
        assert isinstance(selected, forms.MultipleChoiceField) and isinstance(changed, forms.MultipleChoiceField)
        selected.choices = [(choice.code, choice.title) for choice in sheet.choices]
        fields = [merging.NOTES, merging.APPLICABILITY, *(merging.practice_field(code) for code in sheet.codes)]
        changed.choices = [(name, name) for name in fields]

    def clean(self) -> dict:
        super().clean()
        cleaned = self.cleaned_data
        selected = set(cleaned.get("selected", []))
        if selected & self.sheet.none_codes and len(selected) > 1:
            raise forms.ValidationError("“None of these” cannot be chosen together with a best practice.")
        if cleaned.get("not_applicable") and not cleaned.get("reason") and "reason" not in self.errors:
            raise forms.ValidationError("Say why the question does not apply.")
        return cleaned

    def state(self) -> AnswerState:
        """The submitted answer, practices in the question's order."""
        data = self.cleaned_data
        return AnswerState(
            selected=tuple(code for code in self.sheet.codes if code in data["selected"]),
            not_applicable=data["not_applicable"],
            reason=data["reason"] if data["not_applicable"] else "",
            notes=data["notes"],
        )

    def changed_fields(self) -> frozenset[str] | None:
        """The fields to write, when the form names them."""
        return frozenset(self.cleaned_data["changed"]) or None

    def first_error(self) -> str:
        """One message for the person: the form's first problem."""
        for messages in self.errors.values():
            return str(messages[0])
        return ""
