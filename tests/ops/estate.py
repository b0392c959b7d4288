"""A wareview with something of everything a backup must keep, and a fingerprint of all of it.

Used in the test process and, through `manage.py shell -c`, in the processes that back up and restore (a
database and a storage of their own), so both sides are described by the same code."""

import hashlib
import json
from datetime import date

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from wareview.ops.services import stored_names

# Every byte value, in a file larger than one read chunk of the storage.
EVIDENCE_BYTES = bytes(range(256)) * 5000
# A file no row names, in a folder with a name that needs quoting.
LOOSE_NAME = "evidence/2026/01/lost and found é.txt"


def build_estate(*, pdf: bool) -> None:
    """Two teams' users, a review with answers (practices ticked, notes, a practice not applicable), a milestone,
    a file of evidence, a file no row names and, with `pdf`, a report rendered to a real PDF."""
    from tests.factories import UserFactory, build_lens
    from wareview.evidence.models import Evidence
    from wareview.milestones.services import milestone_save
    from wareview.reports.models import Report
    from wareview.reports.services import report_render
    from wareview.reviews.models import Answer
    from wareview.reviews.services import review_start
    from wareview.teams.services import team_create
    from wareview.workloads.models import Workload

    owner, other = UserFactory(username="olivia"), UserFactory(username="oscar")
    team = team_create(name="Payments", user=owner)
    team_create(name="Elsewhere", user=other)
    workload = Workload.objects.create(team=team, name="Checkout", created_by=owner)
    review = review_start(workload=workload, lens=build_lens(), user=owner)
    answers = list(Answer.objects.filter(review=review).select_related("question").order_by("pk"))
    for number, answer in enumerate(answers):
        codes = list(answer.question.choices.order_by("order").values_list("code", flat=True))
        answer.selected = codes[: number % 3]
        answer.notes = f"Note {number}: «quoted», with a newline\nand unicode ✓"
        if number == 1:
            answer.practices_not_applicable = {codes[2]: {"reason": "architecture_constraints", "note": "n/a"}}
        answer.save()
    milestone_save(review=review, name="Before launch", user=owner)
    evidence = Evidence(
        answer=answers[0],
        practice=answers[0].selected[0] if answers[0].selected else "q_01_a",
        kind=Evidence.Kind.FILE,
        title="Load test results",
        file_name="results.bin",
        file_size=len(EVIDENCE_BYTES),
        verified_on=date(2026, 1, 5),
        added_by=owner,
    )
    evidence.file.save("results.bin", ContentFile(EVIDENCE_BYTES))
    default_storage.save(LOOSE_NAME, ContentFile(b"nobody names me"))
    if pdf:
        report = Report.objects.create(review=review, requested_by=owner)
        report_render(report_id=report.pk)


def fingerprint() -> dict:
    """Every table's row count, every answer as people see it, every stored file's size and sha256."""
    from wareview.reviews.models import Answer

    counts = {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if not model._meta.proxy
    }
    answers = [
        [
            answer.pk,
            answer.review_id,
            answer.question_id,
            answer.selected,
            answer.notes,
            answer.practices_not_applicable,
        ]
        for answer in Answer.objects.order_by("pk")
    ]
    files = {}
    for name in stored_names(default_storage):
        with default_storage.open(name, "rb") as file:
            files[name] = hashlib.sha256(file.read()).hexdigest()
    return {"counts": counts, "answers": answers, "files": files}


def print_fingerprint() -> None:
    print("FINGERPRINT " + json.dumps(fingerprint()))
