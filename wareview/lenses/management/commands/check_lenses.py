from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wareview.lenses.checks import lens_check
from wareview.lenses.models import Lens


class Command(BaseCommand):
    help = (
        "Validate every lens in the database: risk rules parse and name choices of their own question, "
        "questions have guidance, best practices have improvement guidance, effort and impact come from their "
        "scales, and in a lens that gives any best practice verification, effort or impact, every best practice "
        'but "None of these" has all three; the upgrade mapping (each "replaces") is well formed and names questions '
        "and choices of the lens's previous published version; the workload profile's questions give each fact "
        "once, and every condition over them (applies_when, first_when) parses and names facts of the profile, "
        'never on a practice that always applies nor on "None of these". Exits non-zero on any problem.'
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--slug", help="Check only the lenses with this slug (every version).")

    def handle(self, *args: Any, slug: str | None = None, **options: Any) -> None:
        lenses = Lens.objects.all()
        if slug:
            lenses = lenses.filter(slug=slug)
        problem_count = 0
        for lens in lenses:
            report = lens_check(lens=lens)
            for warning in report.warnings:
                self.stdout.write(f"{lens.slug} v{lens.version}: warning: {warning}")
            for problem in report.problems:
                self.stderr.write(f"{lens.slug} v{lens.version}: {problem}")
            problem_count += len(report.problems)
        if problem_count:
            raise CommandError(f"{problem_count} problem(s) found in the question sets.")
        self.stdout.write(self.style.SUCCESS(f"{lenses.count()} lens(es) checked, no problems."))
