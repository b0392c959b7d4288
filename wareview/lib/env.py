"""Tiny typed readers for settings that come from the environment."""

import os

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
