"""Writes to workloads. A workload's name is unique in its team whatever the case, and the database decides."""

from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from wareview.audit.models import Action
from wareview.audit.services import audit_record
from wareview.teams.models import Team
from wareview.workloads.models import Workload, WorkloadTag


class WorkloadError(Exception):
    """A workload change that cannot be made, with words for the person who asked."""


def name_taken_message(name: str) -> str:
    return f"The team already has a workload called “{name}”."


@transaction.atomic
def workload_create(*, team: Team, user: User, fields: dict[str, Any]) -> Workload:
    """A new workload of `team` from a validated form's `fields` (its `tags` a list of normalized names);
    WorkloadError if its name is taken."""
    fields = dict(fields)
    tags = fields.pop("tags", [])
    workload = Workload(team=team, created_by=user, **fields)
    _save(workload)
    workload_tags_set(workload=workload, names=tags)
    return workload


@transaction.atomic
def workload_update(*, workload: Workload, fields: dict[str, Any]) -> Workload:
    """Change the workload's facts to `fields`; its tags only when `fields` names them."""
    fields = dict(fields)
    tags = fields.pop("tags", None)
    for name, value in fields.items():
        setattr(workload, name, value)
    _save(workload)
    if tags is not None:
        workload_tags_set(workload=workload, names=tags)
    return workload


def workload_tags_set(*, workload: Workload, names: list[str]) -> None:
    """Make the workload's tags exactly `names` (already normalized): two statements, whatever the number."""
    WorkloadTag.objects.filter(workload=workload).exclude(name__in=names).delete()
    WorkloadTag.objects.bulk_create(
        [WorkloadTag(workload=workload, name=name) for name in names], ignore_conflicts=True
    )


@transaction.atomic
def workload_delete(*, workload: Workload, by: User, ip: str | None = None) -> None:
    """Delete `workload` with its reviews and their reports, as the owner `by`."""
    reviews = workload.reviews.count()
    workload.delete()
    audit_record(
        action=Action.WORKLOAD_DELETED,
        actor=by,
        team=workload.team_id,
        target=workload.name,
        details={"reviews": reviews},
        ip=ip,
    )


def _save(workload: Workload) -> None:
    # The form checks the name first, but two requests may both pass that check before either saves: the unique
    # constraint refuses the second, and the savepoint keeps a caller's transaction usable after the refusal.
    try:
        with transaction.atomic():
            workload.save()
    except IntegrityError:
        clashes = Workload.objects.filter(team_id=workload.team_id, name__iexact=workload.name)
        if clashes.exclude(pk=workload.pk).exists():
            raise WorkloadError(name_taken_message(workload.name)) from None
        raise
