from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from wareview.lenses.loading import QuestionSetFileError, question_sets_load


class Command(BaseCommand):
    help = (
        "Load the question sets of fixture files (default: fixtures/*.json): a lens version missing from the "
        "database is loaded; a version already there is never changed. When a fixture's version differs from "
        "the database's, a warning names it (a published version needs a new version number; a draft is kept "
        "as edited) and the command still exits with status 0. An unreadable fixture exits with status 1."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "files", nargs="*", type=Path, help="Fixture files to load (default: every fixtures/*.json)."
        )

    def handle(self, *args: Any, files: list[Path], **options: Any) -> None:
        for path in files or sorted((Path(settings.BASE_DIR) / "fixtures").glob("*.json")):
            try:
                loads = question_sets_load(path=path)
            except QuestionSetFileError as error:
                raise CommandError(str(error)) from None
            for load in loads:
                if load.is_warning:
                    self.stderr.write(self.style.WARNING(f"warning: {load.message}"))
                else:
                    self.stdout.write(load.message)
