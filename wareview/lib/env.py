"""Tiny typed readers for settings that come from the environment."""

import os
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
# Names under which a development server answers on this machine only.
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
_SET_BY_FILE: dict[str, set[str]] = {}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in TRUE_WORDS


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_required(name: str, why: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise ImproperlyConfigured(f"The environment variable {name} must be set: {why}")
    return value


def load_env_file(path: os.PathLike[str] | str) -> set[str]:
    """Read KEY=VALUE lines from `path` into os.environ, never overriding a variable that is already set; return
    the names the file set.

    `make run` writes such a file with a random SECRET_KEY so a development checkout needs no set-up.
    """
    set_here = _SET_BY_FILE.setdefault(str(path), set())  # settings may be imported again after a failure
    try:
        with open(path, encoding="utf-8") as env_file:
            lines = env_file.read().splitlines()
    except FileNotFoundError:
        return set_here
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        key = key.strip()
        if key not in os.environ:
            os.environ[key] = value.strip()
            set_here.add(key)
    return set_here


# EMAIL_URL schemes: how each sends, and the port it uses when the URL names none.
SMTP_SCHEMES = {"smtp": ("plain", 25), "submission": ("starttls", 587), "smtps": ("ssl", 465)}
LOCAL_EMAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "memory": "django.core.mail.backends.locmem.EmailBackend",
}
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


@dataclass(frozen=True)
class EmailSettings:
    backend: str
    host: str = "localhost"
    port: int = 25
    user: str = ""
    password: str = ""
    use_tls: bool = False
    use_ssl: bool = False
    # A mail server that does not answer must not hold a sign-up or a password reset for long.
    timeout: float = 10


def email_settings(url: str) -> EmailSettings:
    """Django's e-mail settings from one URL-style value (EMAIL_URL).

    `smtp://user:password@host:587?tls=1` sends over SMTP with STARTTLS (`?ssl=1`, or `smtps://`, for TLS from the
    first byte); `submission://` is port 587 with STARTTLS; `?timeout=5` changes the 10 s wait for the server. The
    user and password are percent-decoded (`%40` for an `@` in a user name). `console://` writes each message to
    the log (also when EMAIL_URL is empty), `memory://` keeps them in memory (tests).
    """
    if not url:
        return EmailSettings(backend=LOCAL_EMAIL_BACKENDS["console"])
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in LOCAL_EMAIL_BACKENDS:
        return EmailSettings(backend=LOCAL_EMAIL_BACKENDS[scheme])
    if scheme not in SMTP_SCHEMES:
        known = ", ".join(f"{name}://" for name in [*SMTP_SCHEMES, *LOCAL_EMAIL_BACKENDS])
        raise ImproperlyConfigured(f"EMAIL_URL must start with one of {known}, not {scheme or 'nothing'}://")
    if not parts.hostname:
        raise ImproperlyConfigured("EMAIL_URL names no mail server: write smtp://user:password@host:port")
    security, default_port = SMTP_SCHEMES[scheme]
    options = {name.lower(): value.strip().lower() for name, value in parse_qsl(parts.query)}
    if options.get("tls") in TRUE_WORDS:
        security = "starttls"
    if options.get("ssl") in TRUE_WORDS:
        security = "ssl"
    try:
        port = parts.port or default_port
        timeout = float(options.get("timeout", "10"))
    except ValueError as error:
        raise ImproperlyConfigured(f"EMAIL_URL has a port or timeout that is not a number: {error}") from error
    return EmailSettings(
        backend=SMTP_BACKEND,
        host=parts.hostname,
        port=port,
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        use_tls=security == "starttls",
        use_ssl=security == "ssl",
        timeout=timeout,
    )
