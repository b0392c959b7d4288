"""wareview settings, read from the environment.

Without DATABASE_URL and REDIS_URL the app runs on its embedded default: a SQLite file under var/ and Celery
tasks executed in-process. With them it uses PostgreSQL and a real Celery worker.
"""

import sys
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from wareview.lib.cache import templates_digest
from wareview.lib.env import (
    LOOPBACK_HOSTS,
    email_settings,
    env_bool,
    env_list,
    env_required,
    env_str,
    load_env_file,
)
from wareview.lib.headers import static_file_headers
from wareview.lib.sso import issuer_origin, openid_connect_provider
from wareview.lib.storage_url import storage_settings

BASE_DIR = Path(__file__).resolve().parent.parent
ENV_FILE = env_str("WAREVIEW_ENV_FILE", str(BASE_DIR / ".env"))
SET_BY_ENV_FILE = load_env_file(ENV_FILE)
VAR_DIR = Path(env_str("WAREVIEW_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", default=False)
if DEBUG:
    SECRET_KEY = env_str("SECRET_KEY", "insecure-development-key-only-for-debug-mode")
else:
    SECRET_KEY = env_required("SECRET_KEY", "it signs sessions and CSRF tokens when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
# A development .env (DEBUG=1, written by `make run`) left beside a deployment must not turn on tracebacks for
# everyone: DEBUG from an .env file is refused as soon as the app answers to a name other than this machine's.
if DEBUG and "DEBUG" in SET_BY_ENV_FILE and not set(ALLOWED_HOSTS) <= LOOPBACK_HOSTS:
    raise ImproperlyConfigured(
        f"DEBUG is on only because {ENV_FILE} says so, while ALLOWED_HOSTS names {', '.join(ALLOWED_HOSTS)}. "
        "A development .env must not reach a server: remove DEBUG from that file, or set DEBUG in the "
        "environment itself if you really mean it."
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
    # django-ninja: its Swagger UI's files are served from static/ (no CDN), under the site's CSP.
    "ninja",
    "wareview.lenses",
    "wareview.teams",
    "wareview.workloads",
    "wareview.reviews",
    "wareview.profiles",
    "wareview.review_templates",
    "wareview.milestones",
    "wareview.evidence",
    "wareview.reports",
    "wareview.health",
    "wareview.accounts",
    "wareview.plans",
    "wareview.audit",
    "wareview.webhooks",
    "wareview.portfolio",
    "wareview.api",
    "wareview.demo",
    # Backup and restore (`manage.py backup`, `manage.py restore`), across every app.
    "wareview.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The headers every response carries, set outside whatever may answer early (the NUL refusal below). Outside
    # the session middleware, so it sees the session cookie a sign-in sets on the way out.
    "wareview.lib.headers.PrivacyHeadersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before anything that reads the session, the user or a form: none of them may see a NUL.
    "wareview.lib.nul.RejectNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Turns an e-mail that could not be sent into a page that says so (wareview/accounts/README.md).
    "wareview.accounts.middleware.MailNotSentMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "wareview.urls"
WSGI_APPLICATION = "wareview.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wareview.lib.site_links.site_links",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL")
# gunicorn's workers each keep one connection for a minute and reuse it. The development server answers every
# browser connection in a thread of its own, which would keep a connection per open browser socket until the
# server runs out (PostgreSQL's "too many clients already"): there each request closes its connection when done.
RUNS_DEVELOPMENT_SERVER = sys.argv[1:2] == ["runserver"]
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=0 if RUNS_DEVELOPMENT_SERVER else 60, conn_health_checks=True
        )
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Server-side parameters let PostgreSQL prepare the statements each page repeats (after five uses on a
        # connection) instead of planning them on every request. Not for transaction-pooling proxies.
        DATABASES["default"]["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 5}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "wareview.sqlite3"),
            # IMMEDIATE takes the write lock when a transaction starts, so concurrent autosaves queue on the
            # busy timeout instead of failing with "database is locked" when a reader upgrades to a writer.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# Accounts (django-allauth; the rules in wareview/accounts/README.md): sign in with a username or an e-mail
# address, password reset and change, e-mail verification, optional TOTP two-factor, optional self sign-up and
# single sign-on through OpenID Connect. Django's ModelBackend stays for the admin's own checks and the tests.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_ADAPTER = "wareview.accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "wareview.accounts.adapters.SocialAccountAdapter"
ACCOUNT_FORMS = {"login": "wareview.accounts.forms.SignInForm"}
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
# Self sign-up is off unless asked for: a company adds its people by invitation or single sign-on.
ACCOUNT_SIGNUP_OPEN = env_bool("ACCOUNT_SIGNUP_OPEN")
# "optional": a new address gets a confirmation link but may be used at once; "mandatory": nobody signs in with
# an address not yet confirmed (accounts made before, with no address, could no longer sign in).
ACCOUNT_EMAIL_VERIFICATION = env_str("ACCOUNT_EMAIL_VERIFICATION", "optional")
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[wareview] "
ACCOUNT_LOGOUT_REDIRECT_URL = "login"
ACCOUNT_PREVENT_ENUMERATION = True
# Failed sign-ins (app and admin: the admin signs in through the same page): after SIGNIN_FAILURE_LIMIT wrong
# passwords for one account within SIGNIN_FAILURE_WINDOW seconds, that account's sign-in is refused until the
# window has passed; one address may fail SIGNIN_FAILURES_PER_ADDRESS times a minute, whichever account it tries.
SIGNIN_FAILURE_LIMIT = int(env_str("SIGNIN_FAILURE_LIMIT", "5"))
SIGNIN_FAILURE_WINDOW = int(env_str("SIGNIN_FAILURE_WINDOW", "300"))
SIGNIN_FAILURES_PER_ADDRESS = int(env_str("SIGNIN_FAILURES_PER_ADDRESS", "20"))
ACCOUNT_RATE_LIMITS = {
    "login_failed": f"{SIGNIN_FAILURES_PER_ADDRESS}/m/ip,{SIGNIN_FAILURE_LIMIT}/{SIGNIN_FAILURE_WINDOW}s/key",
}
# Behind a proxy the client's address is the proxy's; TRUSTED_PROXY_COUNT proxies append to X-Forwarded-For.
ALLAUTH_TRUSTED_PROXY_COUNT = int(env_str("TRUSTED_PROXY_COUNT", "0"))
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "wareview"

# Single sign-on with OpenID Connect, on when OIDC_ISSUER is set (wareview/accounts/README.md, docs/single-sign-on.md).
OIDC_ISSUER = env_str("OIDC_ISSUER")
SOCIALACCOUNT_PROVIDERS: dict[str, dict] = {}
if OIDC_ISSUER:
    SOCIALACCOUNT_PROVIDERS = openid_connect_provider(
        issuer=OIDC_ISSUER,
        client_id=env_required("OIDC_CLIENT_ID", "single sign-on is on (OIDC_ISSUER is set)."),
        secret=env_required("OIDC_CLIENT_SECRET", "single sign-on is on (OIDC_ISSUER is set)."),
        name=env_str("OIDC_NAME", "single sign-on"),
        # The claim that names a person at the provider for good: sub, or oid on Entra ID.
        uid_claim=env_str("OIDC_UID_CLAIM", "sub"),
    )
# The claim that gives a new account its username (the part before the @ when it holds an e-mail address).
OIDC_USERNAME_CLAIM = env_str("OIDC_USERNAME_CLAIM", "preferred_username")
# Whether a person the provider vouches for but who has no account here gets one at first sign-in.
OIDC_CREATE_ACCOUNTS = env_bool("OIDC_CREATE_ACCOUNTS", default=True)
SOCIALACCOUNT_ONLY = False
# An existing account whose address the provider says it has verified is the same person: sign them in to it.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False

# E-mail (password resets, address confirmations): EMAIL_URL, e.g. smtp://user:password@mail.example.com:587?tls=1;
# without it every message is written to the log (console), which suits the embedded default only.
EMAIL = email_settings(env_str("EMAIL_URL"))
EMAIL_BACKEND = EMAIL.backend
EMAIL_HOST, EMAIL_PORT, EMAIL_TIMEOUT = EMAIL.host, EMAIL.port, EMAIL.timeout
EMAIL_HOST_USER, EMAIL_HOST_PASSWORD = EMAIL.user, EMAIL.password
EMAIL_USE_TLS, EMAIL_USE_SSL = EMAIL.use_tls, EMAIL.use_ssl
DEFAULT_FROM_EMAIL = env_str("EMAIL_FROM", "wareview <wareview@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
# WhiteNoise answers static files before the middleware that gives every page its headers.
WHITENOISE_ADD_HEADERS_FUNCTION = static_file_headers
MEDIA_URL = "media/"
# Report PDFs and evidence files go through Django's default storage, never a path of their own: a folder under
# MEDIA_ROOT when STORAGE_URL is unset, or a bucket on S3 or an S3-compatible server with
# STORAGE_URL=s3://ACCESS_KEY:SECRET@host:port/bucket?secure=1&region=… (wareview/lib/storage_url.py). Either
# way the files are served only through the app's views, behind their access checks.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": storage_settings(env_str("STORAGE_URL")),
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

REDIS_URL = env_str("REDIS_URL")
# Sessions are read on every request: with Redis, keep them in the shared cache and write them through to the
# database, so a signed-in request costs no session query. Without it they stay in the database, since a cache
# in one process's memory would keep a signed-out session alive in the others.
# Redis is never a single point of failure for the web: a cache error counts as a miss (logged), so sessions
# fall back to their database copy and pages and saves keep working; the short timeouts keep a dead or
# unreachable Redis to a few milliseconds per request.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "wareview.lib.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "wareview",
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.25,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
# The {% cache %} tag keeps its fragments here, under the digest of the templates as their version: a deploy that
# changes a template never serves a fragment the old template drew.
CACHES["template_fragments"] = {
    **CACHES["default"],
    "LOCATION": CACHES["default"].get("LOCATION", "template-fragments"),
    "VERSION": templates_digest(BASE_DIR / "templates"),
}
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
# Without a broker the embedded default runs tasks in-process, as soon as they are sent.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery 5.7.0's consumer exits when Redis goes away while it holds unacknowledged messages (a webhook retry waiting
# for its countdown); ours survives it and reconnects. Why and what becomes of those messages: its module.
CELERY_WORKER_CONSUMER = "wareview.lib.celery_consumer:Consumer"
# A task running when the broker connection drops finishes and records its outcome on its row; cancelling it (Celery
# 6's default) would lose it for good when Redis restarted empty, since its message cannot come back.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
# A message whose worker died is handed back after the visibility timeout; restore such messages at every check.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(env_str("CELERY_VISIBILITY_TIMEOUT", "300")),
    "unacked_restore_throttle": 1,
    # A dead broker must not hold a web request for long: sending a task gives up after about a second.
    "socket_connect_timeout": 1,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}

# PDF reports (wareview/reports/README.md): a report still queued after REPORT_QUEUED_TIMEOUT seconds fails with
# a Retry; each person may queue REPORT_REQUESTS_PER_MINUTE PDFs a minute (0: no limit); report files and their
# rows are deleted REPORT_RETENTION_DAYS days after they were asked for, by `manage.py prune_reports`, which
# Celery beat runs every hour (on the embedded default the app runs it in-process, at most once an hour).
REPORT_QUEUED_TIMEOUT = int(env_str("REPORT_QUEUED_TIMEOUT", "600"))
# Without a broker a PDF is made in a background thread of the web process, one at a time, so the request that asks
# answers at once with the job page and its progress; the renderer is loaded there when the first request comes.
REPORT_RENDER_IN_THREAD = not REDIS_URL
REPORT_REQUESTS_PER_MINUTE = int(env_str("REPORT_REQUESTS_PER_MINUTE", "10"))
# Requests one personal API token may make in a minute of the clock; more get 429 (0: no limit).
API_REQUESTS_PER_MINUTE = int(env_str("API_REQUESTS_PER_MINUTE", "120"))
REPORT_RETENTION_DAYS = int(env_str("REPORT_RETENTION_DAYS", "30"))
# The most workloads one portfolio PDF takes; a selection of more is refused with a 400 asking to narrow it.
PORTFOLIO_PDF_MAX_WORKLOADS = int(env_str("PORTFOLIO_PDF_MAX_WORKLOADS", "50"))
CELERY_BEAT_SCHEDULE = {
    "reports-prune": {"task": "reports.prune", "schedule": 60 * 60},
    "health-heartbeat": {"task": "health.heartbeat", "schedule": 60},
    "audit-prune": {"task": "audit.prune", "schedule": 24 * 60 * 60},
    "webhooks-prune": {"task": "webhooks.prune", "schedule": 24 * 60 * 60},
    # Practices whose evidence expired since the last run: the `evidence.expired` webhook event, once each.
    "evidence-expiry": {"task": "evidence.expiry", "schedule": 24 * 60 * 60},
}
# `/healthz` reports the worker as failing when its last heartbeat (sent every minute) is older than this.
HEALTH_WORKER_MAX_AGE = int(env_str("HEALTH_WORKER_MAX_AGE", "180"))

# Content-Security-Policy (django-csp): scripts, styles, images and requests from this site only; no inline script
# or style, no eval, no framing, no plugins. Templates keep every script and style in static/ (htmx is told not to
# inject its indicator style and not to evaluate attributes); charts and meters are SVG attributes, not styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        # The single sign-on button posts here and is sent on to the provider's sign-in page.
        "form-action": [SELF, *([issuer_origin(OIDC_ISSUER)] if OIDC_ISSUER else [])],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# Webhooks (wareview/webhooks/README.md): each try waits at most WEBHOOK_TIMEOUT seconds to connect and to read;
# a delivery is tried WEBHOOK_MAX_ATTEMPTS times, WEBHOOK_RETRY_BASE_DELAY seconds after the first failure, then
# twice as long each time; addresses of the server's own networks are refused unless
# WEBHOOK_ALLOW_PRIVATE_ADDRESSES is on.
WEBHOOK_TIMEOUT = float(env_str("WEBHOOK_TIMEOUT", "5"))
WEBHOOK_MAX_ATTEMPTS = int(env_str("WEBHOOK_MAX_ATTEMPTS", "5"))
WEBHOOK_RETRY_BASE_DELAY = float(env_str("WEBHOOK_RETRY_BASE_DELAY", "10"))
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env_bool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES")
# Finished deliveries (with their tries) last tried more than this many days ago are deleted daily by Celery beat.
WEBHOOK_DELIVERY_RETENTION_DAYS = int(env_str("WEBHOOK_DELIVERY_RETENTION_DAYS", "30"))
# Celery beat's sweep (every WEBHOOK_SWEEP_INTERVAL seconds) queues again a delivery whose next try is overdue by more
# than WEBHOOK_OVERDUE_AFTER seconds: its message was lost, as when Redis restarts empty under a waiting retry. The
# default outwaits the visibility timeout, by when Redis has handed back a message it still had.
WEBHOOK_SWEEP_INTERVAL = float(env_str("WEBHOOK_SWEEP_INTERVAL", "60"))
WEBHOOK_OVERDUE_AFTER = float(
    env_str("WEBHOOK_OVERDUE_AFTER", str(CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] + 60))
)
CELERY_BEAT_SCHEDULE["webhooks-sweep"] = {"task": "webhooks.sweep", "schedule": WEBHOOK_SWEEP_INTERVAL}

# Invitations to a team (wareview/teams/README.md): the link an invitee gets works this many days after it was
# (last) sent.
INVITATION_MAX_AGE_DAYS = int(env_str("INVITATION_MAX_AGE_DAYS", "7"))
# The audit log (wareview/audit/README.md) keeps entries this many days; `manage.py prune_audit`, run daily by
# Celery beat, deletes older ones.
AUDIT_RETENTION_DAYS = int(env_str("AUDIT_RETENTION_DAYS", "365"))

# Lens files uploaded in the admin larger than this are refused with a message, before they are read.
LENS_UPLOAD_MAX_BYTES = int(env_str("LENS_UPLOAD_MAX_BYTES", str(5 * 1024 * 1024)))
# Evidence behind a ticked practice (wareview/evidence/README.md): a file larger than EVIDENCE_MAX_BYTES is refused
# with both sizes; evidence verified more than EVIDENCE_MAX_AGE_DAYS days ago counts as expired.
EVIDENCE_MAX_BYTES = int(env_str("EVIDENCE_MAX_BYTES", str(10 * 1024 * 1024)))
EVIDENCE_MAX_AGE_DAYS = int(env_str("EVIDENCE_MAX_AGE_DAYS", "180"))

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Health probes ask over plain http from inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Cookies travel over https only, unless DEBUG is on or SECURE_COOKIES=0 says the app is served over plain http
# (a laptop trying a production-like set-up): a browser drops a Secure cookie there and nobody stays signed in.
SECURE_COOKIES = env_bool("SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_HSTS_SECONDS = int(env_str("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
# X-Forwarded-Proto decides whether a request came over https only behind a proxy that sets it (and strips the
# client's own): TRUST_X_FORWARDED_PROTO=1. Trusted without such a proxy, any client could claim https.
if env_bool("TRUST_X_FORWARDED_PROTO"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint logs a line per page at INFO.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
