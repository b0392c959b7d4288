"""Start the test OpenID provider (tests/oidc_provider/settings.py) as a process of its own on a free port."""

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class OpenIDProvider:
    issuer: str
    environment: dict[str, str]
    process: subprocess.Popen

    def _prepare(self, *args: str) -> None:
        subprocess.run(
            [sys.executable, "-m", "tests.oidc_provider.prepare", *args],
            cwd=ROOT,
            env=self.environment,
            check=True,
            timeout=60,
        )

    def add_user(self, name: str, email: str, password: str) -> None:
        self._prepare("user", name, email, password)

    def add_client(self, client_id: str, secret: str, redirect_uri: str) -> None:
        self._prepare("client", client_id, secret, redirect_uri)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
        self.process.wait(timeout=10)


def start_provider(directory: Path, port: int) -> OpenIDProvider:
    """Make an RSA key and a database in `directory`, migrate, and serve on 127.0.0.1:`port` until stopped."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key_file = directory / "provider-key.pem"
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    environment = {
        **{name: value for name, value in os.environ.items() if not name.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
        "OIDC_PROVIDER_DB": str(directory / "provider.sqlite3"),
        "OIDC_PROVIDER_KEY": str(key_file),
        "PYTHONPATH": str(ROOT),
    }
    subprocess.run(
        [sys.executable, "-m", "tests.oidc_provider.prepare"], cwd=ROOT, env=environment, check=True, timeout=120
    )
    command = [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"]
    process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    provider = OpenIDProvider(issuer=f"http://127.0.0.1:{port}/o", environment=environment, process=process)
    _wait_until_it_answers(provider)
    return provider


def _wait_until_it_answers(provider: OpenIDProvider) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if provider.process.poll() is not None:
            raise RuntimeError(f"The test OpenID provider stopped: {provider.process.stderr.read().decode()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{provider.issuer}/.well-known/openid-configuration", timeout=2):
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    provider.stop()
    raise RuntimeError("The test OpenID provider did not answer within 30 s")
