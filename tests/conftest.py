"""Shared test set-up: where shared material lives, and how tests that need a real service behave.

With REQUIRE_SERVICES=1 (as in CI) a test that needs PostgreSQL, Redis or Chromium fails when the service is
missing; elsewhere it is skipped with the reason.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings

SHARED_DIR = Path(settings.BASE_DIR).parent / "shared"
SERVICES_REQUIRED = os.environ.get("REQUIRE_SERVICES") == "1"


def need_service(available: bool, reason: str) -> None:
    """Fail (in CI) or skip (elsewhere) when a service the test needs is missing."""
    if available:
        return
    if SERVICES_REQUIRED:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED_DIR.is_dir():
        pytest.fail(f"The shared material is missing: expected it at {SHARED_DIR}")
    return SHARED_DIR
