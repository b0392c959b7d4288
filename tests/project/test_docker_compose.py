import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from wareview.lib.storage_url import storage_settings


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="the docker-compose client is not installed")
def test_the_compose_file_is_valid_and_starts_web_and_worker_after_healthy_services():
    result = subprocess.run(
        ["docker-compose", "config"], cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    config = result.stdout
    for service in ("postgres:", "redis:", "web:", "worker:", "beat:"):
        assert service in config
    assert "condition: service_healthy" in config
    assert "gunicorn" in config
    assert "celery" in config


def test_every_compose_service_restarts_when_its_process_exits():
    # A worker that exits (as Celery's did when Redis restarted under it) must come back without a person: until it
    # does, PDFs stay queued and /healthz answers 503. The other services likewise after a crash or a reboot.
    compose = yaml.safe_load((Path(settings.BASE_DIR) / "docker-compose.yml").read_text())
    restarts = {name: service.get("restart") for name, service in compose["services"].items()}
    assert restarts == dict.fromkeys(("postgres", "redis", "web", "worker", "beat"), "unless-stopped")


SCALE_FILES = ["-f", "docker-compose.yml", "-f", "docker-compose.scale.yml"]
SCALE_ENV = {"SECRET_KEY": "x", "MINIO_ROOT_PASSWORD": "a-url-safe-password", "WAREVIEW_PORTS": "8000-8001"}


def scaled_config() -> dict:
    """docker-compose.yml with docker-compose.scale.yml laid over it, as `docker-compose config` merges them."""
    result = subprocess.run(
        ["docker-compose", *SCALE_FILES, "config"],
        cwd=settings.BASE_DIR,
        env={**os.environ, **SCALE_ENV},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="the docker-compose client is not installed")
def test_the_scale_example_runs_two_web_replicas_and_two_workers_on_a_bucket_and_one_beat():
    services = scaled_config()["services"]

    assert services["web"]["deploy"]["replicas"] == 2
    assert services["worker"]["deploy"]["replicas"] == 2
    assert "replicas" not in services["beat"].get("deploy", {})
    urls = {name: services[name]["environment"]["STORAGE_URL"] for name in ("web", "worker", "beat")}
    assert set(urls.values()) == {"s3://wareview:a-url-safe-password@minio:9000/wareview-files?secure=0"}
    # The web replicas neither migrate nor load question sets each: a one-off service does it before them.
    assert "migrate" not in services["web"]["command"]
    assert "migrate" in services["migrate"]["command"]
    for before in ("migrate", "bucket"):
        assert services["web"]["depends_on"][before] == {"condition": "service_completed_successfully"}
    assert services["worker"]["depends_on"]["bucket"] == {"condition": "service_completed_successfully"}
    assert services["web"]["ports"] == [{"published": "8000-8001", "target": 8000}]
    # The base file's other settings stay: the replicas share the database, Redis and the key.
    assert services["web"]["environment"]["DATABASE_URL"] == services["worker"]["environment"]["DATABASE_URL"]
    assert services["web"]["environment"]["SECRET_KEY"] == "x"


def test_the_scale_example_names_a_bucket_the_app_accepts_and_keeps_its_servers_running():
    scale = yaml.safe_load((Path(settings.BASE_DIR) / "docker-compose.scale.yml").read_text())
    url = scale["x-storage"]["STORAGE_URL"].replace("${MINIO_ROOT_PASSWORD:?set MINIO_ROOT_PASSWORD}", "secret")

    storage = storage_settings(url)["OPTIONS"]

    assert (storage["endpoint_url"], storage["bucket_name"]) == ("http://minio:9000", "wareview-files")
    # MinIO keeps running as the other servers do; the one-off services run once and stay stopped.
    restarts = {name: scale["services"][name]["restart"] for name in ("minio", "bucket", "migrate")}
    assert restarts == {"minio": "unless-stopped", "bucket": "no", "migrate": "no"}
    assert "mc mb --ignore-existing files/wareview-files" in scale["services"]["bucket"]["entrypoint"]
