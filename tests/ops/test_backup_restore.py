"""A backup restored into a new database and a new storage folder brings back every row and every file's bytes,
on PostgreSQL and on the embedded SQLite default."""

import json
import subprocess
import tarfile

import pytest
from django.core.management import call_command
from django.db import connection

from tests.conftest import need_service
from tests.ops.estate import EVIDENCE_BYTES, LOOSE_NAME, build_estate, fingerprint
from tests.ops.helpers import fingerprint_of, run_manage, stored_bytes

# One process (each costs seconds) migrates a new SQLite database and fills it.
MIGRATE_AND_BUILD = (
    "from django.core.management import call_command; call_command('migrate', verbosity=0); "
    "from tests.ops.estate import build_estate; build_estate(pdf=False)"
)


@pytest.fixture
def new_postgresql_database():
    """A new, empty PostgreSQL database beside the test database, as `createdb` makes it; dropped afterwards."""
    need_service(connection.vendor == "postgresql", "DATABASE_URL does not name a PostgreSQL database")
    settings_dict = connection.settings_dict
    name = f"{settings_dict['NAME']}_restored"
    server = [
        f"--host={settings_dict['HOST']}",
        f"--port={settings_dict['PORT']}",
        f"--username={settings_dict['USER']}",
    ]
    environment = {"PGPASSWORD": settings_dict["PASSWORD"] or ""}
    drop = ["dropdb", *server, "--if-exists", "--force", name]
    subprocess.run(drop, check=True, capture_output=True, env=environment)
    subprocess.run(["createdb", *server, name], check=True, capture_output=True, env=environment)
    user = settings_dict["USER"] + (f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else "")
    yield f"postgres://{user}@{settings_dict['HOST']}:{settings_dict['PORT']}/{name}"
    subprocess.run(drop, check=True, capture_output=True, env=environment)


@pytest.mark.django_db(transaction=True)
def test_a_postgresql_backup_restores_every_row_and_file_into_a_new_database(
    new_postgresql_database, media_root, tmp_path
):
    build_estate(pdf=True)
    before = fingerprint()
    archive = tmp_path / "wareview.tar.gz"

    call_command("backup", str(archive))

    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert manifest["vendor"] == "postgresql"
    assert {file["name"] for file in manifest["files"]} == set(before["files"])
    assert any(name.startswith("reports/") and name.endswith(".pdf") for name in before["files"])

    target = {"DATABASE_URL": new_postgresql_database, "MEDIA_ROOT": str(tmp_path / "restored")}
    restored = run_manage("restore", str(archive), env=target)
    assert restored.returncode == 0, restored.stderr
    assert "Restored the postgresql database and 3 stored files" in restored.stdout

    assert fingerprint_of(target) == before
    assert stored_bytes(tmp_path / "restored") == stored_bytes(media_root)
    assert (tmp_path / "restored" / LOOSE_NAME).read_bytes() == b"nobody names me"

    forced = run_manage("restore", "--force", str(archive), env=target)
    assert forced.returncode == 0, forced.stderr
    assert fingerprint_of(target) == before
    assert stored_bytes(tmp_path / "restored") == stored_bytes(media_root)


def test_a_sqlite_backup_restores_every_row_and_file_into_a_new_folder(tmp_path):
    source = {
        "DATABASE_URL": None,
        "REDIS_URL": None,
        "WAREVIEW_VAR_DIR": str(tmp_path / "old"),
        "MEDIA_ROOT": str(tmp_path / "old" / "media"),
    }
    target = source | {"WAREVIEW_VAR_DIR": str(tmp_path / "new"), "MEDIA_ROOT": str(tmp_path / "new" / "media")}
    before = fingerprint_of(source, first=MIGRATE_AND_BUILD)
    archive = tmp_path / "wareview.tar"

    backed_up = run_manage("backup", str(archive), env=source)
    assert backed_up.returncode == 0, backed_up.stderr
    assert "Wrote" in backed_up.stdout
    restored = run_manage("restore", str(archive), env=target)
    assert restored.returncode == 0, restored.stderr

    after = fingerprint_of(target)
    assert after == before
    assert after["counts"]["reviews.Answer"] > 0 and after["counts"]["milestones.Milestone"] == 1
    assert stored_bytes(tmp_path / "new" / "media") == stored_bytes(tmp_path / "old" / "media")
    assert EVIDENCE_BYTES in stored_bytes(tmp_path / "new" / "media").values()


@pytest.mark.django_db(transaction=True)
def test_a_backup_of_a_bucket_restores_into_a_new_database_and_a_new_bucket(
    new_postgresql_database, s3_storage, tmp_path
):
    build_estate(pdf=False)
    before = fingerprint()
    assert set(before["files"]) == set(s3_storage.object_keys())
    archive = tmp_path / "wareview.tar.gz"

    call_command("backup", str(archive))

    new_bucket = f"{s3_storage.bucket}-restored"
    s3_storage.client().create_bucket(Bucket=new_bucket)
    target = {
        "DATABASE_URL": new_postgresql_database,
        "STORAGE_URL": s3_storage.url(new_bucket),
        "MEDIA_ROOT": str(tmp_path / "media-unused"),
    }
    restored = run_manage("restore", str(archive), env=target)
    assert restored.returncode == 0, restored.stderr

    assert fingerprint_of(target) == before
    pages = s3_storage.client().get_paginator("list_objects_v2").paginate(Bucket=new_bucket)
    assert {entry["Key"] for page in pages for entry in page.get("Contents", ())} == set(before["files"])
    assert not (tmp_path / "media-unused").exists()
