"""An S3-compatible server of the test run's own: moto's server mode (`python -m moto.server`), a real HTTP server
speaking the S3 protocol, started as a subprocess on a free port of 127.0.0.1 and stopped by its pid. The app
reaches it as it would reach MinIO or S3: django-storages → boto3 → HTTP, path-style, signed requests.

Why moto rather than rclone's `serve s3`: docs/development.md ("The S3-compatible server of the tests").
"""

import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

# moto accepts any key; these only have to look like credentials, and must reach the server percent-decoded.
ACCESS_KEY = "wareview-test"
SECRET = "test/secret+key"
SECRET_IN_URL = "test%2Fsecret%2Bkey"


@dataclass(frozen=True)
class S3Server:
    process: subprocess.Popen
    port: int
    bucket: str

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, bucket: str | None = None) -> str:
        """The STORAGE_URL of `bucket` (default: the run's own) on this server."""
        return f"s3://{ACCESS_KEY}:{SECRET_IN_URL}@127.0.0.1:{self.port}/{bucket or self.bucket}?secure=0"

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET,
            region_name="us-east-1",
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
        )

    def object_keys(self, prefix: str = "") -> list[str]:
        """Every object's key in the run's bucket under `prefix`."""
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix)
        return [entry["Key"] for page in pages for entry in page.get("Contents", ())]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_s3_server() -> S3Server:
    """Start moto's server on a free port, wait until it answers, and make a bucket for this test run."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = S3Server(process=process, port=port, bucket=f"wareview-test-{uuid.uuid4().hex[:12]}")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"moto's S3 server exited with {process.returncode} before answering on port {port}")
        try:
            server.client().create_bucket(Bucket=server.bucket)
            return server
        except (BotoCoreError, ClientError):
            time.sleep(0.1)
    stop_s3_server(server)
    pytest.fail(f"moto's S3 server did not answer on port {port} within 30 s")


def stop_s3_server(server: S3Server) -> None:
    """Stop the server by its own pid and wait until it is gone."""
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=10)
