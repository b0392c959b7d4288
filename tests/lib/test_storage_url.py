"""STORAGE_URL: read alone (good and bad URLs), and what the settings make of it; a bad one stops the app with
words that name no secret."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.project.test_settings import PRODUCTION_ENV, run_manage
from wareview.lib.storage_url import (
    FILE_SYSTEM_BACKEND,
    S3_BACKEND,
    storage_in_words,
    storage_settings,
)


def s3_options(url: str) -> dict:
    entry = storage_settings(url)
    assert entry["BACKEND"] == S3_BACKEND
    options = dict(entry["OPTIONS"])
    config = options.pop("client_config")
    assert config.s3 == {"addressing_style": "path"} and config.signature_version == "s3v4"
    assert (config.connect_timeout, config.read_timeout) == (5, 30)
    return options


def test_no_storage_url_keeps_the_files_in_the_local_folder():
    assert storage_settings("") == {"BACKEND": FILE_SYSTEM_BACKEND}
    assert storage_in_words(storage_settings("")) == "the folder MEDIA_ROOT"


def test_an_s3_url_names_the_server_the_bucket_the_keys_and_the_region():
    options = s3_options("s3://AKIAEXAMPLE:se%2Fcr%2Bet@minio.internal:9000/wareview-files?secure=0&region=eu-west-1")
    assert options == {
        "endpoint_url": "http://minio.internal:9000",
        "bucket_name": "wareview-files",
        "region_name": "eu-west-1",
        "access_key": "AKIAEXAMPLE",
        "secret_key": "se/cr+et",
        "file_overwrite": False,
        "default_acl": None,
    }
    assert storage_in_words(storage_settings("s3://k:s@minio.internal:9000/wareview-files")) == (
        "S3 bucket wareview-files"
    )


def test_an_s3_url_speaks_https_in_us_east_1_unless_told_and_may_leave_the_keys_to_boto3():
    options = s3_options("s3://s3.eu-central-1.amazonaws.com/reviews.example.com/")
    assert options["endpoint_url"] == "https://s3.eu-central-1.amazonaws.com"
    assert options["region_name"] == "us-east-1"
    assert (options["access_key"], options["secret_key"]) == (None, None)
    assert s3_options("s3://k:s@[::1]:9000/bucket?secure=1")["endpoint_url"] == "https://[::1]:9000"


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("ftp://k:s@host/bucket", "must start with s3:// (or be unset, for files under MEDIA_ROOT), not ftp"),
        ("/var/media", "STORAGE_URL must start with s3://"),
        ("s3:///bucket", "STORAGE_URL names no server"),
        ("s3://k:s@host:nine/bucket", "has a port that is not a number"),
        ("s3://k:s@host:9000", "must name one bucket after the server"),
        ("s3://k:s@host:9000/Wareview_Files", "'Wareview_Files' is not a bucket name"),
        ("s3://k:s@host:9000/bucket/reports", "'bucket/reports' is not a bucket name"),
        ("s3://k:s@host/bucket?secure=yes", "secure must be 1 (https) or 0 (plain http), not 'yes'"),
        ("s3://k:s@host/bucket?ssl=0&region=x", "has options wareview does not know: ssl (it knows secure, region)"),
        ("s3://key-only@host/bucket", "gives an access key without its secret"),
    ],
)
def test_a_wrong_storage_url_is_refused_with_what_is_wrong(url, words):
    with pytest.raises(ImproperlyConfigured) as refused:
        storage_settings(url)
    assert words in str(refused.value)


def test_a_secret_with_an_unencoded_slash_is_refused_without_showing_any_of_it():
    with pytest.raises(ImproperlyConfigured) as refused:
        storage_settings("s3://AKIAEXAMPLE:abc/defSECRET@minio:9000/bucket")
    assert "percent-encode a / in the secret as %2F" in str(refused.value)
    assert "abc" not in str(refused.value) and "SECRET" not in str(refused.value)


def test_the_settings_use_the_bucket_storage_url_names():
    code = (
        "from django.core.files.storage import storages; s = storages['default']; "
        "print(type(s).__name__, s.endpoint_url, s.bucket_name)"
    )
    env = {**PRODUCTION_ENV, "SECRET_KEY": "x" * 60, "STORAGE_URL": "s3://k:s@127.0.0.1:9000/wareview-files?secure=0"}
    result = run_manage("shell", "--no-imports", "-c", code, env=env)
    assert result.stdout.split() == ["S3Storage", "http://127.0.0.1:9000", "wareview-files"], result.stderr


def test_the_app_refuses_to_start_with_a_wrong_storage_url_and_says_why():
    env = {**PRODUCTION_ENV, "SECRET_KEY": "x" * 60, "STORAGE_URL": "s3://k:s3cr3t@minio:9000"}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "STORAGE_URL must name one bucket after the server" in result.stderr
    assert "s3cr3t" not in result.stderr
