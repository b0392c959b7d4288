"""Sessions signed in while wareview had sign-in backends of its own (`wareview.accounts.backends.*`) are moved to
the stock backends once, by a data migration (wareview/accounts/migrations/0001_…), not on every request: their
people stay signed in, and with Redis no cached copy keeps the old path alive."""

from datetime import timedelta
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import need_service

# The migration runs as migrate runs it, outside a test's transaction (SQLite's schema editor refuses one).
pytestmark = pytest.mark.django_db(transaction=True)

MOVES = {
    "wareview.accounts.backends.ModelBackend": "django.contrib.auth.backends.ModelBackend",
    "wareview.accounts.backends.AuthenticationBackend": "allauth.account.auth_backends.AuthenticationBackend",
}
CACHED_DB = "django.contrib.sessions.backends.cached_db"


def migrate_accounts() -> None:
    """Run the accounts app's migrations again, as a deployment of this change runs them."""
    call_command("migrate", "accounts", "zero", verbosity=0)
    call_command("migrate", "accounts", verbosity=0)


def cached_copy(session_key: str):
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)
    return caches[settings.SESSION_CACHE_ALIAS].get(store.cache_key)


def dashboard_user(client: Client):
    response = client.get(reverse("reviews:dashboard"))
    return response.context["user"] if response.status_code == 200 else None


@pytest.mark.parametrize(("former", "stock"), MOVES.items())
def test_a_person_signed_in_under_a_former_backend_stays_signed_in_after_the_migration(client, cast, former, stock):
    client.force_login(cast.viewer, backend=former)
    assert dashboard_user(client) is None, "Django signs out a session naming a backend it does not have"

    migrate_accounts()

    assert dashboard_user(client) == cast.viewer
    assert client.session[BACKEND_SESSION_KEY] == stock
    assert dashboard_user(client) == cast.viewer


def test_with_redis_the_cached_copy_under_the_former_path_goes_and_the_moved_session_is_cached(client, cast):
    need_service(settings.SESSION_ENGINE == CACHED_DB, "REDIS_URL is not set, so sessions are not cached")
    client.force_login(cast.contributor, backend="wareview.accounts.backends.ModelBackend")
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert cached_copy(key)[BACKEND_SESSION_KEY] == "wareview.accounts.backends.ModelBackend"

    migrate_accounts()

    assert cached_copy(key) is None
    assert dashboard_user(client) == cast.contributor
    assert cached_copy(key)[BACKEND_SESSION_KEY] == "django.contrib.auth.backends.ModelBackend"


def test_every_other_session_is_left_as_it_was(cast):
    stock, other, expired = Client(), Client(), Client()
    stock.force_login(cast.owner, backend="allauth.account.auth_backends.AuthenticationBackend")
    other.force_login(cast.viewer, backend="django.contrib.auth.backends.RemoteUserBackend")
    expired.force_login(cast.outsider, backend="wareview.accounts.backends.ModelBackend")
    anonymous = import_module(settings.SESSION_ENGINE).SessionStore()
    anonymous["theme"] = "dark"
    anonymous.save()
    keys = [client.cookies[settings.SESSION_COOKIE_NAME].value for client in (stock, other, expired)]
    keys.append(anonymous.session_key)
    Session.objects.filter(session_key=keys[2]).update(expire_date=timezone.now() - timedelta(seconds=1))
    rows = dict(Session.objects.filter(session_key__in=keys).values_list("session_key", "session_data"))

    migrate_accounts()

    assert dict(Session.objects.filter(session_key__in=keys).values_list("session_key", "session_data")) == rows
    assert dashboard_user(stock) == cast.owner
    assert dashboard_user(other) is None
