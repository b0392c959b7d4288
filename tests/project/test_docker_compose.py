import shutil
import subprocess

import pytest
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
