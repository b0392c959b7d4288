import os
import secrets
import subprocess
import sys

from django.conf import settings

PRODUCTION_ENV: dict[str, str | None] = {
    "DEBUG": "0",
    "ALLOWED_HOSTS": "wareview.example.com",
    "WAREVIEW_ENV_FILE": "/nonexistent",
    "DATABASE_URL": "",
    "REDIS_URL": "",
    "EMAIL_URL": "smtp://mail.example.com:587?tls=1",
}


def run_manage(*args: str, env: dict[str, str | None]) -> subprocess.CompletedProcess:
    """Run manage.py with this process's environment updated by `env`; a None value removes the variable."""
    merged = {**os.environ, **env}
    # Browser tests allow async-unsafe calls in this process; a deployment never does.
    merged["DJANGO_ALLOW_ASYNC_UNSAFE"] = None
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={name: value for name, value in merged.items() if value is not None},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_deploy_checks_pass_with_production_variables():
    env = {**PRODUCTION_ENV, "SECRET_KEY": secrets.token_urlsafe(50)}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "The environment variable SECRET_KEY must be set" in result.stderr


def test_time_zone_is_utc():
    assert settings.TIME_ZONE == "UTC"
    assert settings.USE_TZ


def test_the_embedded_default_runs_tasks_in_process_and_a_redis_url_selects_a_real_broker():
    code = "from django.conf import settings as s; print(s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_BROKER_URL)"
    env = {**PRODUCTION_ENV, "SECRET_KEY": "x" * 60}
    embedded = run_manage("shell", "--no-imports", "-c", code, env=env)
    with_redis = run_manage("shell", "--no-imports", "-c", code, env={**env, "REDIS_URL": "redis://127.0.0.1:6379/3"})
    assert embedded.stdout.split() == ["True", "memory://"]
    assert with_redis.stdout.split() == ["False", "redis://127.0.0.1:6379/3"]


def write_env_file(tmp_path, text: str) -> str:
    path = tmp_path / "env"
    path.write_text(text)
    return str(path)


def test_debug_from_a_development_env_file_is_refused_when_the_app_answers_to_a_real_host_name(tmp_path):
    env_file = write_env_file(tmp_path, "DEBUG=1\nSECRET_KEY=" + "x" * 60 + "\n")
    result = run_manage(
        "check", env={**PRODUCTION_ENV, "WAREVIEW_ENV_FILE": env_file, "DEBUG": None, "SECRET_KEY": None}
    )
    assert result.returncode != 0
    assert f"DEBUG is on only because {env_file} says so, while ALLOWED_HOSTS names wareview.example.com" in (
        result.stderr
    )


def test_debug_from_a_development_env_file_still_works_on_this_machine_and_explicit_debug_is_obeyed(tmp_path):
    env_file = write_env_file(tmp_path, "DEBUG=1\nSECRET_KEY=" + "x" * 60 + "\n")
    code = "from django.conf import settings as s; print(s.DEBUG)"
    local = {**PRODUCTION_ENV, "WAREVIEW_ENV_FILE": env_file, "DEBUG": None, "ALLOWED_HOSTS": None, "SECRET_KEY": None}
    explicit = {**PRODUCTION_ENV, "WAREVIEW_ENV_FILE": env_file, "DEBUG": "1", "SECRET_KEY": None}
    assert run_manage("shell", "--no-imports", "-c", code, env=local).stdout.split() == ["True"]
    assert run_manage("shell", "--no-imports", "-c", code, env=explicit).stdout.split() == ["True"]


def test_the_forwarded_proto_header_is_trusted_only_when_a_proxy_is_declared():
    code = "from django.conf import settings as s; print(getattr(s, 'SECURE_PROXY_SSL_HEADER', None))"
    env = {**PRODUCTION_ENV, "SECRET_KEY": "x" * 60}
    plain = run_manage("shell", "--no-imports", "-c", code, env=env)
    behind_proxy = run_manage("shell", "--no-imports", "-c", code, env={**env, "TRUST_X_FORWARDED_PROTO": "1"})
    assert plain.stdout.strip() == "None"
    assert behind_proxy.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')"


def test_secure_cookies_follow_debug_unless_set_for_plain_http_on_a_laptop():
    code = "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    env = {**PRODUCTION_ENV, "SECRET_KEY": "x" * 60}
    production = run_manage("shell", "--no-imports", "-c", code, env=env)
    laptop = run_manage("shell", "--no-imports", "-c", code, env={**env, "SECURE_COOKIES": "0"})
    assert production.stdout.split() == ["True", "True"]
    assert laptop.stdout.split() == ["False", "False"]
