import os
import secrets
import subprocess
import sys

from django.conf import settings

PRODUCTION_ENV = {
    "DEBUG": "0",
    "ALLOWED_HOSTS": "wareview.example.com",
    "WAREVIEW_ENV_FILE": "/nonexistent",
    "DATABASE_URL": "",
    "REDIS_URL": "",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        # Browser tests allow async-unsafe calls in this process; a deployment never does.
        env={**{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}, **env},
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
