import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from wareview.lenses.models import Choice, Lens, Question
from wareview.reviews.models import Answer, Review
from wareview.reviews.services import AnswerState, answer_save, review_start
from wareview.teams.models import Membership, Role, Team
from wareview.workloads.models import Environment, Workload

DEMO_TEAM = "Demo team"
DEMO_WORKLOAD = "Checkout service"


class Command(BaseCommand):
    help = (
        "Create (or refresh) the demo sign-in with a new random password, printed on the console, and a demo "
        "team with a workload and a half-answered review. Safe to run repeatedly."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default="demo", help="Username of the demo account (default: demo).")
        parser.add_argument(
            "--on-any-database",
            action="store_true",
            help="Create the demo superuser even when DATABASE_URL names a database (by default only on the "
            "embedded SQLite default, so a shared or production database never gets one by accident).",
        )

    @transaction.atomic
    def handle(self, *args: Any, username: str, on_any_database: bool, **options: Any) -> None:
        if settings.DATABASE_URL and not on_any_database:
            self.stdout.write(
                "No demo account: DATABASE_URL names a database, which may be shared. Create accounts with "
                "`manage.py createsuperuser`, or run `make run DEMO=1` (demo_setup --on-any-database) to add "
                "the demo superuser there anyway."
            )
            return
        password = secrets.token_urlsafe(12)
        user, _ = get_user_model().objects.get_or_create(username=username)
        user.is_staff = True
        user.is_superuser = True
        user.set_password(password)
        user.save()
        review = self._demo_review(user)
        self.stdout.write(f"Demo sign-in: username {username!r}, password {password!r} (new on every run).")
        if review:
            self.stdout.write(f"Demo review: /reviews/{review.pk}/")

    def _demo_review(self, user: User) -> Review | None:
        lens = Lens.objects.published().filter(slug="performance-efficiency").order_by("-version").first()
        if lens is None:
            self.stdout.write("No published Performance Efficiency lens: load fixtures/ first for the demo review.")
            return None
        team = Team.objects.filter(name=DEMO_TEAM, memberships__user=user).first()
        if team is None:
            team = Team.objects.create(name=DEMO_TEAM)
            Membership.objects.create(team=team, user=user, role=Role.OWNER)
        workload, _created = Workload.objects.get_or_create(
            team=team,
            name=DEMO_WORKLOAD,
            defaults={
                "description": "Takes orders and payments for the web shop.",
                "environment": Environment.PRODUCTION,
                "regions": "eu-west-1",
                "review_owner": "Platform architect",
                "created_by": user,
            },
        )
        review = Review.objects.open().filter(workload=workload, lens_slug=lens.slug).first()
        if review is None:
            review = review_start(workload=workload, lens=lens, user=user)
            self._answer_half(review, user)
        return review

    def _answer_half(self, review: Review, user: User) -> None:
        """Answer the first half of the questions: some follow every practice, some most, some only one."""
        questions = list(Question.objects.filter(pillar__lens=review.lens).order_by("order"))
        for number, question in enumerate(questions[: len(questions) // 2]):
            practices = [c.code for c in Choice.objects.filter(question=question, is_none=False).order_by("order")]
            selected = tuple((practices, practices[:-1], practices[-1:])[number % 3])
            answer = Answer.objects.get(review=review, question=question)
            data = AnswerState(selected=selected, notes="Answered in the demo set-up.")
            answer_save(answer=answer, user=user, data=data, expected_version=answer.version)
