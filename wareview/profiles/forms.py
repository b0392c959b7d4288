"""The workload profile's form: one optional answer per profile question of the lens."""

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms

from wareview.profiles.conditions import NO, YES, Answers, ProfileQuestionSpec

UNANSWERED = ""
NOT_ANSWERED_LABEL = "Not answered yet"


class ProfileForm(forms.Form):
    """A field per profile question, named by its code: "yes"/"no" for a yes/no question, an option's code for one
    with options, or "" (not answered yet)."""

    def __init__(
        self, data: Mapping[str, Any] | None, *, questions: Sequence[ProfileQuestionSpec], answers: Answers
    ) -> None:
        super().__init__(data, initial={q.code: _field_value(answers.get(q.code)) for q in questions})
        self.questions = questions
        for question in questions:
            title = question.title.replace("%", "%%")  # the message is %-formatted
            self.fields[question.code] = forms.ChoiceField(
                required=False,
                label=question.title,
                choices=_choices(question),
                error_messages={
                    "invalid_choice": f"“%(value).60s” is not an answer to “{title}”; choose one of its answers."
                },
            )

    def answers(self) -> dict[str, bool | str]:
        """The answers given, as a profile keeps them: unanswered questions left out."""
        given: dict[str, bool | str] = {}
        for question in self.questions:
            value = self.cleaned_data[question.code]
            if value != UNANSWERED:
                given[question.code] = value == "yes" if not question.options else value
        return given

    def first_error(self) -> str:
        return next((str(errors[0]) for errors in self.errors.values()), "")


def _choices(question: ProfileQuestionSpec) -> list[tuple[str, str]]:
    answers = [("yes", YES), ("no", NO)] if not question.options else [(o.code, o.label) for o in question.options]
    return [*answers, (UNANSWERED, NOT_ANSWERED_LABEL)]


def _field_value(answer: bool | str | None) -> str:
    if answer is None:
        return UNANSWERED
    if isinstance(answer, bool):
        return "yes" if answer else "no"
    return answer
