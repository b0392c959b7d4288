"""What the backup tests share: manage.py in a process of its own, with its database and storage folder."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings


def run_manage(*args: str, env: dict[str, str | None], timeout: float = 120) -> subprocess.CompletedProcess:
    """manage.py with this process's environment changed by `env` (None removes a variable), and with no .env."""
    merged = {**os.environ, "DEBUG": "1", "WAREVIEW_ENV_FILE": "/nonexistent", **env}
    merged["DJANGO_ALLOW_ASYNC_UNSAFE"] = None
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={name: value for name, value in merged.items() if value is not None},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def run_python(code: str, *, env: dict[str, str | None]) -> subprocess.CompletedProcess:
    result = run_manage("shell", "--verbosity", "0", "--command", code, env=env)
    assert result.returncode == 0, result.stderr
    return result


def fingerprint_of(env: dict[str, str | None], *, first: str = "") -> dict:
    """The fingerprint (tests/ops/estate.py) of the database and storage `env` names, after running `first`."""
    code = "from tests.ops.estate import print_fingerprint; print_fingerprint()"
    result = run_python(f"{first}; {code}" if first else code, env=env)
    line = next(line for line in result.stdout.splitlines() if line.startswith("FINGERPRINT "))
    return json.loads(line.removeprefix("FINGERPRINT "))


def stored_bytes(root: Path) -> dict[str, bytes]:
    """Every file under `root`, by its name relative to it, with its bytes."""
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}
