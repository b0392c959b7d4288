from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from wareview.evidence.findings.reports import ReportError, ReportFormat, report_read
from wareview.evidence.findings.services import FindingsImportError, findings_import
from wareview.reviews.models import Review


class Command(BaseCommand):
    help = (
        "Import a tool's report into a review: a SARIF 2.1.0 file of a code scanner or a JUnit XML file of a test "
        "run. Each passing check that the review's lens maps to a practice becomes evidence of it, each failing one "
        "a finding shown on the practice; no tick is changed. A report that cannot be read changes nothing and "
        "exits with status 1."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("review", type=int, help="The review's id (as in /reviews/<id>/).")
        parser.add_argument("file", type=Path, help="The report file.")
        parser.add_argument(
            "--format",
            choices=[f.value for f in ReportFormat],
            help="The report's format (default: detected from its content).",
        )
        parser.add_argument(
            "--user", help="The username to record as having imported it (and in the answers' history)."
        )

    def handle(self, *args: Any, review: int, file: Path, format: str | None, user: str | None, **options: Any) -> None:
        found = Review.objects.select_related("lens").filter(pk=review).first()
        if found is None:
            raise CommandError(f"There is no review {review}.")
        importer = None
        if user is not None:
            importer = User.objects.filter(username=user).first()
            if importer is None:
                raise CommandError(f"There is no user named {user!r}.")
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: cannot read it ({error.strerror}).") from None
        try:
            report = report_read(data=data, expected=ReportFormat(format) if format else None)
            done = findings_import(review=found, report=report, user=importer, file_name=file.name)
        except (ReportError, FindingsImportError) as error:
            raise CommandError(f"{file}: {error}") from None
        self.stdout.write(
            f"{file}: {done.tools} into review {found.pk}: {done.passed} passing checks as evidence, "
            f"{done.failed} failing checks as findings, {done.unmapped} rules or tests no practice maps."
        )
