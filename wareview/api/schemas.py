"""The shapes the API reads and writes (its OpenAPI schema is built from them).

Inputs are checked for type here (a string where a number belongs is a 400 with the field's path); everything
else a person could get wrong is checked by the app's own forms, with the browser's words.
"""

from datetime import date, datetime
from typing import Generic, TypeVar

from ninja import Schema
from pydantic import ConfigDict, Field

T = TypeVar("T")


class Message(Schema):
    message: str


class Page(Schema, Generic[T]):
    """A page of a long list: `next` and `previous` are page numbers, null at either end."""

    items: list[T]
    count: int
    page: int
    pages: int
    next: int | None
    previous: int | None


# Lenses


class LensOut(Schema):
    id: int
    slug: str
    version: int
    name: str
    description: str


# Workloads


class WorkloadReviewOut(Schema):
    id: int
    lens: LensOut
    status: str
    question_count: int
    answered_count: int
    high_count: int
    medium_count: int


class WorkloadOut(Schema):
    """A workload's facts: every field of the workload form (more may be listed than below), its tags (sorted),
    its team and its reviews."""

    model_config = ConfigDict(extra="allow")

    id: int
    team: int
    name: str
    description: str = ""
    environment: str = ""
    regions: str = ""
    architecture_url: str = ""
    review_owner: str = ""
    notes: str = ""
    tags: list[str] = []
    created_at: datetime
    updated_at: datetime
    reviews: list[WorkloadReviewOut] = []


class WorkloadIn(Schema):
    """The fields to set; on an update, those left out keep their value. Any field of the workload form may be
    sent. `tags` are the workload's whole set of tags, each normalized as the browser's form does ("PCI DSS"
    becomes "pci-dss"; each once); an empty list removes them all."""

    model_config = ConfigDict(extra="allow")

    name: str | None = None
    description: str | None = None
    environment: str | None = None
    regions: str | None = None
    architecture_url: str | None = None
    review_owner: str | None = None
    notes: str | None = None
    tags: list[str] | None = None


class WorkloadCreateIn(WorkloadIn):
    team: int


# Reviews and answers


class PracticeMark(Schema):
    """A best practice marked "does not apply": the reason (out_of_scope, business_priorities,
    architecture_constraints or other) and an optional note."""

    reason: str
    note: str = ""


class AnswerOut(Schema):
    code: str
    title: str
    risk: str
    version: int
    selected: list[str]
    not_applicable: bool
    reason: str
    notes: str
    practices_not_applicable: dict[str, PracticeMark]


class SavedAnswerOut(AnswerOut):
    updated_by: str
    # The other person whose changes were merged in with this save, or "" when it was written as sent.
    merged_with: str = ""


class AnswerIn(Schema):
    """The whole answer as the caller wants it, from `version` (the answer's version the caller started from).
    A save from an older version is merged with what was saved since, as in the browser; with `changed` only
    those fields ("notes", "applicability", "practice:<code>") are written."""

    version: int = Field(ge=0)
    selected: list[str] = []
    not_applicable: bool = False
    reason: str = ""
    notes: str = ""
    practices_not_applicable: dict[str, PracticeMark] = {}
    changed: list[str] | None = None


class ConflictOut(Schema):
    message: str
    current: SavedAnswerOut
    mine_changed: list[str]
    overlap: list[str]


class ReviewQuestionOut(AnswerOut):
    """A question of the review, with its answer: the shape of an answer."""


class ReviewAreaOut(Schema):
    name: str
    risk_counts: dict[str, int]
    questions: list[ReviewQuestionOut]


class ReviewOut(Schema):
    id: int
    workload: int
    lens: LensOut
    status: str
    created_at: datetime
    question_count: int
    answered_count: int
    risk_counts: dict[str, int]
    areas: list[ReviewAreaOut]


class ReviewStartIn(Schema):
    lens: int


# Milestones


class MilestoneOut(Schema):
    id: int
    name: str
    review: int
    lens: LensOut
    created_at: datetime
    created_by: str
    question_count: int
    answered_count: int
    high_count: int
    medium_count: int


class MilestoneIn(Schema):
    name: str
    review: int


class QuestionChangeOut(Schema):
    code: str
    title: str
    risk_before: str
    risk_after: str
    movement: str
    gained: list[str]
    lost: list[str]
    marked: list[str]
    unmarked: list[str]
    notes_changed: bool
    applicability_before: str
    applicability_after: str


class OutlineQuestionOut(Schema):
    code: str
    title: str
    risk: str


class ComparisonOut(Schema):
    before: str
    after: str
    improved: int
    worsened: int
    unchanged: int
    changes: list[QuestionChangeOut]
    only_before: list[OutlineQuestionOut]
    only_after: list[OutlineQuestionOut]


# Improvement plan


class ItemOut(Schema):
    """An item of the plan. `risk` (of its question) and `position` (in the report's order, null for a done item
    no longer recommended) come with the list; an update answers them as null."""

    id: int | None
    question_code: str
    practice_code: str
    practice_title: str
    risk: str | None
    position: int | None
    status: str
    owner: str | None
    due_date: date | None
    note: str
    wont_do_reason: str


class ItemIn(Schema):
    """The fields to set; those left out keep their value. `owner` is a team member's username, or null for
    nobody."""

    status: str | None = None
    owner: str | None = None
    due_date: str | None = None
    note: str | None = None
    wont_do_reason: str | None = None


# Reports


class ReportIn(Schema):
    milestone: int | None = None


class ReportOut(Schema):
    id: int
    review: int
    milestone: int | None
    status: str
    progress: int
    stage: str
    error: str
    created_at: datetime
    download: str | None


# Evidence


class EvidenceOut(Schema):
    """An item of evidence behind a practice: a link (`url`) or a file (`file_name`, `file_size`, `content_type`,
    and `download`, the path that serves it). `state` is its practice's: verified, expired or not_verified."""

    id: int
    question: str
    practice: str
    state: str
    kind: str
    title: str
    url: str
    file_name: str
    file_size: int | None
    content_type: str
    note: str
    verified_on: date
    added_by: str
    added_at: datetime
    download: str | None


class EvidenceQuery(Schema):
    """Only the evidence of one question (its code) and of one practice (its code), when given."""

    question: str = ""
    practice: str = ""


class EvidenceLinkIn(Schema):
    """A link (http or https) as evidence of the ticked or unticked best practice `practice` of question
    `question`, verified on `verified_on` (YYYY-MM-DD, not in the future)."""

    question: str
    practice: str
    url: str
    title: str
    note: str = ""
    verified_on: str


class EvidenceFileIn(Schema):
    """The form fields sent with a file (multipart/form-data): the question and practice, a title (the file's
    name when empty), a note and the day it was verified (YYYY-MM-DD)."""

    question: str
    practice: str
    title: str = ""
    note: str = ""
    verified_on: str
