import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wareview.lenses.interchange import lens_export
from wareview.lenses.models import Lens


class Command(BaseCommand):
    help = (
        "Export a lens as an AWS custom-lens JSON file. Warnings (on stderr) name the fields the AWS tool "
        "would refuse, such as texts longer than its limits."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # Django gives every command --version (Django's version); here --version is the lens's, so it wins.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="The slug of the lens to export.")
        parser.add_argument("--version", type=int, help="The version to export (default: the latest).")
        parser.add_argument(
            "--output", required=True, help="The file to write, or - to write the JSON to standard output."
        )

    def handle(self, *args: Any, slug: str, version: int | None = None, output: str, **options: Any) -> None:
        lens = _lens(slug, version)
        result = lens_export(lens=lens)
        for warning in result.warnings:
            self.stderr.write(f"warning: {warning}")
        text = json.dumps(result.document, indent=2, ensure_ascii=False) + "\n"
        if output == "-":
            self.stdout.write(text, ending="")
            return
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"{output}: cannot write the file ({error.strerror})") from None
        self.stdout.write(f"Exported {lens.name} ({lens.slug} v{lens.version}) to {output}")


def _lens(slug: str, version: int | None) -> Lens:
    versions = Lens.objects.filter(slug=slug)
    lens = versions.order_by("-version").first() if version is None else versions.filter(version=version).first()
    if lens is not None:
        return lens
    known = ", ".join(str(number) for number in versions.order_by("version").values_list("version", flat=True))
    if not known:
        raise CommandError(f"There is no lens with the slug '{slug}'.")
    raise CommandError(f"The lens '{slug}' has no version {version}; its versions are {known}.")
