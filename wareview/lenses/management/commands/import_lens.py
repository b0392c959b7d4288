import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wareview.lenses.interchange import LensImportError, lens_import


class Command(BaseCommand):
    help = (
        "Import an AWS custom-lens JSON file as a draft lens: version 1 of a new slug, or the next version "
        "of an existing one. The whole file is checked first; on any error nothing is written and the "
        "command exits with status 1, listing every problem with its JSON path."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The lens file, in the AWS custom-lens JSON format.")
        parser.add_argument(
            "--slug",
            help="The lens's slug (default: made from the lens name). An existing slug gets a new version.",
        )

    def handle(self, *args: Any, file: Path, slug: str | None = None, **options: Any) -> None:
        text = _read(file)
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            try:
                result = lens_import(text=text, slug=slug)
            except LensImportError as error:
                raise CommandError(_refusal(file, error.errors)) from None
        milliseconds = (time.perf_counter() - started) * 1000
        for warning in result.warnings:
            self.stdout.write(f"warning: {warning}")
        lens, counts = result.lens, result.created_counts
        self.stdout.write(
            f"Imported {lens.name} as {lens.slug} v{lens.version} ({lens.status}): "
            f"{counts['pillars']} pillars, {counts['questions']} questions, {counts['choices']} choices, "
            f"{counts['risk_rules']} risk rules in {milliseconds:.0f} ms ({len(queries)} queries)"
        )


def _read(file: Path) -> bytes:
    try:
        return file.read_bytes()
    except OSError as error:
        raise CommandError(f"{file}: cannot read the file ({error.strerror})") from None


def _refusal(file: Path, errors: list[str]) -> str:
    count = f"{len(errors)} error" if len(errors) == 1 else f"{len(errors)} errors"
    return "\n".join([f"{file} was not imported ({count}; the database is unchanged):", *errors])
