"""The review's forms: starting a review, and one question's answer. Every check of what a user submits is here;
the services trust what these forms clean."""

from collections.abc import Collection, Mapping
from typing import Any

from django import forms

from wareview.lenses.models import Lens
from wareview.lenses.selectors import QuestionSheet
from wareview.reviews import merging
from wareview.reviews.merging import AnswerState
from wareview.reviews.models import NOTES_MAX_LENGTH, PRACTICE_NOTE_MAX_LENGTH, NotApplicableReason

MISSING_VERSION = "The form is missing the answer's version; reload the page."
NUL_IN_TEXT = "Text cannot contain a NUL character."
PROFILE_REASON = f"“{NotApplicableReason.PROFILE.label}” is given by the workload profile only"
# The reasons a person may give why a question or practice does not apply.
PERSON_REASONS = [
    (value, label) for value, label in NotApplicableReason.choices if value != NotApplicableReason.PROFILE
]


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


class CodesField(forms.MultipleChoiceField):
    """Codes among those of one question (`allowed`, set by the form for each request). The answer form is never
    rendered, so its choices need no labels: a set to check against costs a fraction of Django's choices, which
    are normalized on every copy and every assignment."""

    allowed: frozenset[str] = frozenset()

    def valid_value(self, value: object) -> bool:
        return str(value) in self.allowed


class AnswerForm(forms.Form):
    """One question's answer, checked against the question's best practices (its `QuestionSheet`).

    `version` is the answer's version the user started from. `changed` (optional, sent by "Keep mine") names the
    fields to write; without it the save merges what differs from the starting version (see merging.py).

    A practice that always applies cannot be marked "does not apply". The reason "Not in this workload's profile"
    is the workload profile's: a person never gives it, but may send back as it is a mark the profile set on the
    answer (`profile_marked`, the codes the answer marks with that reason now; see `profile_marked_codes`).
    """

    version = forms.IntegerField(
        min_value=0,
        error_messages={"required": MISSING_VERSION, "invalid": MISSING_VERSION, "min_value": MISSING_VERSION},
    )
    selected = CodesField(
        required=False, error_messages={"invalid_choice": "“%(value).60s” is not a best practice of this question."}
    )
    not_applicable = forms.BooleanField(required=False)
    reason = forms.ChoiceField(
        required=False,
        choices=[("", "—"), *NotApplicableReason.choices],
        error_messages={"invalid_choice": "“%(value).60s” is not one of the reasons a question may not apply."},
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
    changed = CodesField(
        required=False, error_messages={"invalid_choice": "“%(value).60s” is not a part of this answer."}
    )
    # Best practices marked "does not apply"; each has its `practice_reason-<code>` and `practice_note-<code>`.
    practice_not_applicable = CodesField(
        required=False,
        error_messages={
            "invalid_choice": "“%(value).60s” is not a best practice of this question; it cannot be marked."
        },
    )

    def __init__(
        self, data: Mapping[str, Any] | None, *, sheet: QuestionSheet, profile_marked: Collection[str] = ()
    ) -> None:
        super().__init__(data)
        self.sheet = sheet
        self.profile_marked = frozenset(profile_marked)
        selected, changed, marks = (self.fields[name] for name in ("selected", "changed", "practice_not_applicable"))
        assert isinstance(selected, CodesField) and isinstance(changed, CodesField) and isinstance(marks, CodesField)
        selected.allowed = marks.allowed = frozenset(sheet.codes)
        changed.allowed = frozenset(
            [merging.NOTES, merging.APPLICABILITY, *(merging.practice_field(code) for code in sheet.codes)]
        )
        # A reason and a note are checked (and kept) only for a practice marked as not applying; the page sends
        # them for every practice, and building fields for all of them made most of the cost of a save's form.
        marked = set(self["practice_not_applicable"].data or ())
        for choice in sheet.choices:
            if choice.code in marked and not choice.is_none:
                self.fields[reason_field(choice.code)] = _practice_reason_field(choice.title)
                self.fields[note_field(choice.code)] = _practice_note_field(choice.title)

    def clean(self) -> dict:
        super().clean()
        cleaned = self.cleaned_data
        selected = set(cleaned.get("selected", []))
        if selected & self.sheet.none_codes and len(selected) > 1:
            raise forms.ValidationError("“None of these” cannot be chosen together with a best practice.")
        if cleaned.get("not_applicable") and not cleaned.get("reason") and "reason" not in self.errors:
            raise forms.ValidationError("Say why the question does not apply.")
        if cleaned.get("not_applicable") and cleaned.get("reason") == NotApplicableReason.PROFILE:
            raise forms.ValidationError(f"{PROFILE_REASON}; choose another reason why the question does not apply.")
        self._check_practices_not_applicable(selected)
        return cleaned

    def _check_practices_not_applicable(self, selected: set[str]) -> None:
        titles = {choice.code: choice.title for choice in self.sheet.choices}
        always = {choice.code for choice in self.sheet.choices if choice.always_applies}
        for code in self.cleaned_data.get("practice_not_applicable", []):
            if code in self.sheet.none_codes:
                raise forms.ValidationError(f"“{titles[code]}” cannot be marked as not applying.")
            if code in always:
                raise forms.ValidationError(f"“{titles[code]}” always applies: it cannot be marked “does not apply”.")
            if code in selected:
                raise forms.ValidationError(
                    f"“{titles[code]}” cannot be both followed and marked as not applying; choose one."
                )
            reason = self.cleaned_data.get(reason_field(code))
            if not reason and reason_field(code) not in self.errors:
                raise forms.ValidationError(f"Say why “{titles[code]}” does not apply.")
            if reason == NotApplicableReason.PROFILE and code not in self.profile_marked:
                raise forms.ValidationError(
                    f"{PROFILE_REASON}; choose another reason why “{titles[code]}” does not apply."
                )

    def state(self) -> AnswerState:
        """The submitted answer, practices in the question's order."""
        data = self.cleaned_data
        return AnswerState(
            selected=tuple(code for code in self.sheet.codes if code in data["selected"]),
            not_applicable=data["not_applicable"],
            reason=data["reason"] if data["not_applicable"] else "",
            notes=data["notes"],
            practices_not_applicable={
                code: {"reason": data[reason_field(code)], "note": data[note_field(code)]}
                for code in self.sheet.codes
                if code in data["practice_not_applicable"]
            },
        )

    def changed_fields(self) -> frozenset[str] | None:
        """The fields to write, when the form names them."""
        return frozenset(self.cleaned_data["changed"]) or None

    def first_error(self) -> str:
        """One message for the person: the form's first problem."""
        for messages in self.errors.values():
            return str(messages[0])
        return ""


def profile_marked_codes(marks: Mapping[str, Mapping[str, str]]) -> frozenset[str]:
    """The practices an answer's marks (`Answer.practices_not_applicable`) say do not apply by the workload
    profile: a save may send these back with that reason."""
    return frozenset(code for code, mark in marks.items() if mark.get("reason") == NotApplicableReason.PROFILE)


def reason_field(code: str) -> str:
    """The form field with the reason a best practice does not apply."""
    return f"practice_reason-{code}"


def note_field(code: str) -> str:
    """The form field with the note on why a best practice does not apply."""
    return f"practice_note-{code}"


def _practice_reason_field(title: str) -> forms.ChoiceField:
    title = title.replace("%", "%%")  # the messages are %-formatted
    return forms.ChoiceField(
        required=False,
        choices=[("", "—"), *NotApplicableReason.choices],
        error_messages={"invalid_choice": f"“%(value).60s” is not one of the reasons “{title}” may not apply."},
    )


def _practice_note_field(title: str) -> NotesField:
    title = title.replace("%", "%%")
    return NotesField(
        required=False,
        max_length=PRACTICE_NOTE_MAX_LENGTH,
        error_messages={
            "max_length": f"The note on why “{title}” does not apply can be at most %(limit_value)d characters; "
            "it has %(show_value)d.",
            "null_characters_not_allowed": NUL_IN_TEXT,
        },
    )
