"""Sessions signed in while wareview had sign-in backends of its own name them (`_auth_user_backend`). Those
backends are gone and Django signs out a session whose backend is not in AUTHENTICATION_BACKENDS, so every live
session is moved, once, to the stock backend its wareview one extended: nobody is signed out by the change.

With Redis, sessions are also in the cache, which the cached_db engine reads first: each session rewritten here
loses its cached copy right after its row is written, so the next request reads the new row (and caches it).
The migration is not atomic, so each row is written (and its copy dropped) as it goes: run again after a
failure, it moves only the sessions still naming the old paths.
"""

from importlib import import_module

from django.conf import settings
from django.core.cache import caches
from django.db import migrations
from django.utils import timezone

# Django's BACKEND_SESSION_KEY, written out: a migration keeps the meaning it had when it was written.
BACKEND_SESSION_KEY = "_auth_user_backend"
MOVES = {
    "wareview.accounts.backends.ModelBackend": "django.contrib.auth.backends.ModelBackend",
    "wareview.accounts.backends.AuthenticationBackend": "allauth.account.auth_backends.AuthenticationBackend",
}


def sessions_name_the_stock_backends(apps, schema_editor) -> None:
    Session = apps.get_model("sessions", "Session")
    sessions = Session.objects.using(schema_editor.connection.alias)
    # The configured engine decodes and encodes, so the rows stay readable by it (signing, serializer).
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    live = sessions.filter(expire_date__gt=timezone.now()).values_list("session_key", "session_data")
    moved = {}
    for key, data in live.iterator(chunk_size=1000):
        store = store_class(session_key=key)
        content = store.decode(data)  # {} for a session it cannot read (another SECRET_KEY): left alone
        if content.get(BACKEND_SESSION_KEY) in MOVES:
            content[BACKEND_SESSION_KEY] = MOVES[content[BACKEND_SESSION_KEY]]
            moved[key] = store.encode(content)
    for key, data in moved.items():
        sessions.filter(session_key=key).update(session_data=data)
        store = store_class(session_key=key)
        if hasattr(store, "cache_key"):  # cached_db: its copy in the cache
            caches[settings.SESSION_CACHE_ALIAS].delete(store.cache_key)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("sessions", "0001_initial")]

    operations = [
        # Backwards there is nothing to do: the code before this change moved stock-path sessions to its own.
        migrations.RunPython(sessions_name_the_stock_backends, migrations.RunPython.noop),
    ]
