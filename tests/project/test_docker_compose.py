import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from django.conf import settings


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
