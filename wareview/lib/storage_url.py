"""Where report PDFs and evidence files are kept, from one URL-style value (STORAGE_URL).

Unset: a folder on this machine, MEDIA_ROOT (Django's FileSystemStorage), the embedded default.
`s3://ACCESS_KEY:SECRET@host:port/bucket?secure=1&region=eu-west-1`: a bucket on Amazon S3 or an S3-compatible
server (MinIO, Ceph, Garage…), through django-storages' S3 backend (boto3), addressed path-style
(`host/bucket/key`), which every S3-compatible server understands. A URL that cannot work refuses to start the app
with what is wrong, never a storage that fails on the first upload.
"""

import re
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

FILE_SYSTEM_BACKEND = "django.core.files.storage.FileSystemStorage"
S3_BACKEND = "storages.backends.s3.S3Storage"
# S3's rule for bucket names, which S3-compatible servers follow too.
BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
S3_OPTIONS = ("secure", "region")
DEFAULT_REGION = "us-east-1"
# A storage that does not answer must not hold a download, an upload or /healthz for minutes (boto3's default is
# 60 s to connect and 60 s per read, with up to five tries).
CONNECT_TIMEOUT = 5
READ_TIMEOUT = 30
ATTEMPTS = 3


def storage_settings(url: str) -> dict[str, Any]:
    """Django's default storage (its STORAGES["default"] entry) from STORAGE_URL; ImproperlyConfigured saying
    what is wrong with it.

    The access key and secret are percent-decoded (write a `/` in a secret as `%2F`); without them boto3 finds
    credentials its own way (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, an instance role). `secure=0` speaks
    plain http to the server (default 1, https); `region` defaults to us-east-1, which S3-compatible servers
    expect unless told otherwise.
    """
    if not url:
        return {"BACKEND": FILE_SYSTEM_BACKEND}
    parts = urlsplit(url)
    if parts.scheme.lower() != "s3":
        raise ImproperlyConfigured(
            f"STORAGE_URL must start with s3:// (or be unset, for files under MEDIA_ROOT), "
            f"not {parts.scheme or 'nothing'}://"
        )
    host = parts.netloc.rpartition("@")[2]
    if not parts.hostname:
        raise ImproperlyConfigured("STORAGE_URL names no server: write s3://ACCESS_KEY:SECRET@host:port/bucket")
    try:
        parts.port  # noqa: B018  (reading it checks it)
    except ValueError:
        # Not echoed: a / left in the secret makes part of it look like the port.
        raise ImproperlyConfigured(
            "STORAGE_URL has a port that is not a number (percent-encode a / in the secret as %2F)"
        ) from None
    bucket = parts.path.strip("/")
    if not BUCKET_NAME.fullmatch(bucket):
        raise ImproperlyConfigured(
            "STORAGE_URL must name one bucket after the server, as in s3://…@host:port/wareview-files; "
            f"{bucket or 'none'!r} is not a bucket name (3 to 63 lower-case letters, digits, dots and hyphens)"
        )
    options = _query_options(parts.query)
    secure = _secure(options.get("secure", "1"))
    user, password = unquote(parts.username or ""), unquote(parts.password or "")
    if bool(user) != bool(password):
        raise ImproperlyConfigured(
            "STORAGE_URL gives an access key without its secret, or a secret without its key: write both, as in "
            "s3://ACCESS_KEY:SECRET@host/bucket (percent-encode a / in the secret as %2F), or neither"
        )
    return {
        "BACKEND": S3_BACKEND,
        "OPTIONS": _s3_options(
            endpoint=f"{'https' if secure else 'http'}://{host}",
            bucket=bucket,
            region=options.get("region") or DEFAULT_REGION,
            access_key=user or None,
            secret_key=password or None,
        ),
    }


def storage_in_words(entry: dict[str, Any]) -> str:
    """The storage of a STORAGES entry as /healthz names it, without an address or a secret."""
    if entry["BACKEND"] == S3_BACKEND:
        return f"S3 bucket {entry['OPTIONS']['bucket_name']}"
    return "the folder MEDIA_ROOT"


def _query_options(query: str) -> dict[str, str]:
    options = dict(parse_qsl(query, keep_blank_values=True))
    unknown = sorted(set(options) - set(S3_OPTIONS))
    if unknown:
        raise ImproperlyConfigured(
            f"STORAGE_URL has options wareview does not know: {', '.join(unknown)} (it knows {', '.join(S3_OPTIONS)})"
        )
    return options


def _secure(value: str) -> bool:
    if value not in ("0", "1"):
        raise ImproperlyConfigured(f"STORAGE_URL's secure must be 1 (https) or 0 (plain http), not {value!r}")
    return value == "1"


def _s3_options(
    *, endpoint: str, bucket: str, region: str, access_key: str | None, secret_key: str | None
) -> dict[str, Any]:
    # Loaded only when a bucket is configured: the embedded default never imports boto3.
    from botocore.config import Config

    return {
        "endpoint_url": endpoint,
        "bucket_name": bucket,
        "region_name": region,
        "access_key": access_key,
        "secret_key": secret_key,
        # Two files of the same name get two objects, as in a folder: the storage makes the second name unique.
        "file_overwrite": False,
        # The objects stay private (no ACL asked for): the app's views serve them, behind their access checks.
        "default_acl": None,
        # django-storages ignores its own addressing_style and signature_version once it is given a client config.
        "client_config": Config(
            s3={"addressing_style": "path"},
            signature_version="s3v4",
            connect_timeout=CONNECT_TIMEOUT,
            read_timeout=READ_TIMEOUT,
            retries={"max_attempts": ATTEMPTS, "mode": "standard"},
        ),
    }
