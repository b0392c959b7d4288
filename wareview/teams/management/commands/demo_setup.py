import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Create (or refresh) the demo sign-in with a new random password, printed on the console. "
        "Safe to run repeatedly."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--username", default="demo", help="Username of the demo account (default: demo)."
        )

    def handle(self, *args, username: str, **options) -> None:
        password = secrets.token_urlsafe(12)
        user, _ = get_user_model().objects.get_or_create(username=username)
        user.is_staff = True
        user.is_superuser = True
        user.set_password(password)
        user.save()
        self.stdout.write(f"Demo sign-in: username {username!r}, password {password!r} (new on every run).")
