"""Settings for the web benchmark: the app's own settings, plus the floor view, served over plain http.

Everything else (DEBUG, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, SECURE_SSL_REDIRECT) comes from the
environment that bench/web.py gives gunicorn, exactly as in production.
"""

from wareview.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# The app ties these to `not DEBUG`, which is right behind TLS; the benchmark serves plain http on 127.0.0.1,
# where a browser (or any cookie-honouring client) would drop Secure cookies and never stay signed in.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

# Hashed names as in production, without WhiteNoise's compression of every file (a minute of collectstatic on a
# small machine): the benchmark never fetches a static file, its pages only name them.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}}  # noqa: F405

# With Redis (the full stack), the benchmark's sessions stay apart from those of an app sharing the server.
if "KEY_PREFIX" in CACHES["default"]:  # noqa: F405
    CACHES["default"]["KEY_PREFIX"] = "wareview-bench"  # noqa: F405
