"""Writes for milestones: saving one, and the one saved before a review moves to a new lens version.

A milestone is written once and never changed. Its name is unique in its workload whatever the case, and the
database decides: two people saving the same name at once get one milestone and one refusal.
"""

from collections import Counter
from functools import partial

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from wareview.evidence.selectors import evidence_snapshot
from wareview.lenses.models import Lens
from wareview.milestones.models import Milestone, MilestoneAnswer, MilestoneEvidence
from wareview.milestones.signals import milestone_saved
from wareview.reviews.models import Answer, AnswerRisk, Review
from wareview.reviews.upgrade import review_upgrade

# What a milestone copies of each answer: MilestoneAnswer's fields after its id and milestone, in their order
# (tests/milestones/test_milestone_save.py holds them to the model), so a copy is made from them positionally.
COPIED_FIELDS = (
    "question_id",
    "selected",
    "practices_not_applicable",
    "not_applicable",
    "reason",
    "notes",
    "risk",
    "prefilled_from",
)
_RISK = COPIED_FIELDS.index("risk")
_PREFILLED = COPIED_FIELDS.index("prefilled_from")
_LENS = len(COPIED_FIELDS)  # the read's column after the copied ones: the lens version of the answer's question


class MilestoneError(Exception):
    """A milestone that cannot be saved, with words for the person who asked."""


def name_taken_message(name: str) -> str:
    return f"The workload already has a milestone called “{name}”. Choose another name."


@transaction.atomic
def milestone_save(*, review: Review, name: str, user: User) -> Milestone:
    """Freeze every answer of `review` under `name`: one read of the answers, one insert of the milestone and one
    bulk insert of its answers, whatever the size of the lens, then its evidence (`_evidence_copy`, one read and
    one bulk insert). MilestoneError when the name is taken."""
    # One SELECT is one consistent snapshot: the answers, their risks and the lens version they answer together.
    # Tuples in COPIED_FIELDS order, then the lens: a milestone of a large lens copies hundreds of them.
    rows = list(
        Answer.objects.filter(review=review).order_by().values_list(*COPIED_FIELDS, "question__pillar__lens_id")
    )
    risks = Counter(row[_RISK] for row in rows)
    milestone = Milestone(
        workload_id=review.workload_id,
        review=review,
        lens_id=rows[0][_LENS] if rows else review.lens_id,
        name=name,
        created_by=user,
        question_count=len(rows),
        # As the review's progress counts them: answered, and not pre-filled awaiting a person's confirmation.
        answered_count=sum(row[_RISK] != AnswerRisk.UNANSWERED and not row[_PREFILLED] for row in rows),
        high_count=risks[AnswerRisk.HIGH],
        medium_count=risks[AnswerRisk.MEDIUM],
        no_risk_count=risks[AnswerRisk.NONE],
        not_applicable_count=risks[AnswerRisk.NOT_APPLICABLE],
    )
    _insert(milestone)
    MilestoneAnswer.objects.bulk_create([_copy(milestone.pk, row) for row in rows])
    _evidence_copy(milestone=milestone, review=review)
    transaction.on_commit(partial(milestone_saved.send, sender=Milestone, milestone=milestone, user=user))
    return milestone


def _evidence_copy(*, milestone: Milestone, review: Review) -> None:
    """Copy the evidence of the review's ticked practices, with each practice's state today, into the milestone:
    one read (`evidence.selectors.evidence_snapshot`) and one bulk insert (none without evidence), whatever the
    number of items."""
    MilestoneEvidence.objects.bulk_create(
        MilestoneEvidence(
            milestone=milestone,
            question_id=item.question_id,
            practice=item.practice,
            kind=item.kind,
            title=item.title,
            url=item.url,
            file_name=item.file_name,
            verified_on=item.verified_on,
            added_by_name=item.added_by_name,
            state=item.state.value,
            evidence_id=item.evidence_id,
        )
        for item in evidence_snapshot(review_id=review.pk)
    )


def _copy(milestone_pk: int, row: tuple) -> MilestoneAnswer:
    """The milestone's copy of an answer read as COPIED_FIELDS: made from positional values, the way Django makes
    instances from database rows: the bench's 200-question milestone_save went from 13.0 to 10.4 ms of service time
    against naming every field of every copy."""
    return MilestoneAnswer(None, milestone_pk, *row[:_LENS])  # type: ignore[misc]  # positional: see COPIED_FIELDS


def before_upgrade_name(*, version: int) -> str:
    return f"Before upgrade to v{version}"


def milestone_save_before_upgrade(*, review: Review, version: int, user: User) -> Milestone:
    """The milestone a move to lens version `version` saves first, "Before upgrade to v<N>", with " (2)", " (3)"…
    after it when the workload already has one of that name."""
    base = before_upgrade_name(version=version)
    names = Milestone.objects.filter(workload_id=review.workload_id, name__istartswith=base).values_list("name")
    taken = {name.lower() for (name,) in names}
    number = 1
    name = base
    while name.lower() in taken:
        number += 1
        name = f"{base} ({number})"
    return milestone_save(review=review, name=name, user=user)


@transaction.atomic
def review_upgrade_keeping_milestone(*, review: Review, target: Lens, user: User) -> Milestone:
    """Move `review` to the newer lens version `target` (`reviews.upgrade.review_upgrade`), having first saved its
    answers as they were as the milestone "Before upgrade to v<N>": both, or neither (UpgradeError)."""
    milestone = milestone_save_before_upgrade(review=review, version=target.version, user=user)
    review_upgrade(review=review, target=target, user=user)
    return milestone


def _insert(milestone: Milestone) -> None:
    # The savepoint keeps the caller's transaction usable after the unique constraint refuses the name.
    try:
        with transaction.atomic():
            milestone.save(force_insert=True)
    except IntegrityError:
        clashes = Milestone.objects.filter(workload_id=milestone.workload_id, name__iexact=milestone.name)
        if clashes.exists():
            raise MilestoneError(name_taken_message(milestone.name)) from None
        raise
