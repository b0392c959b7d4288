"""What the backup writes, and every archive or target that restore refuses, in words, changing nothing."""

import gzip
import hashlib
import io
import json
import tarfile
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command, load_command_class
from django.db import connection

from tests.conftest import need_service
from tests.ops.estate import fingerprint
from tests.ops.helpers import run_manage, stored_bytes
from wareview.ops.services import wareview_version

# Committed rows, as a backup made by another process sees them; SQLite's backup API cannot copy a database while
# its connection has a transaction open.
pytestmark = pytest.mark.django_db(transaction=True)

Change = Callable[[str, bytes], tuple[str, bytes]]


def backup(tmp_path: Path, name: str = "wareview.tar.gz") -> Path:
    archive = tmp_path / name
    call_command("backup", str(archive))
    return archive


def manifest_of(archive: Path) -> dict:
    with tarfile.open(archive) as tar:
        return json.loads(tar.extractfile("manifest.json").read())


def rewrite(archive: Path, change: Change) -> Path:
    """A copy of `archive` with each member's name and bytes passed through `change`."""
    out = archive.with_name("changed.tar")
    with tarfile.open(archive) as source, tarfile.open(out, "w") as target:
        for info in source:
            name, data = change(info.name, source.extractfile(info).read())
            copy = tarfile.TarInfo(name)
            copy.size = len(data)
            target.addfile(copy, io.BytesIO(data))
    return out


def change_manifest(edit: Callable[[dict], None]) -> Change:
    def change(name: str, data: bytes) -> tuple[str, bytes]:
        if name != "manifest.json":
            return name, data
        manifest = json.loads(data)
        edit(manifest)
        return name, json.dumps(manifest).encode()

    return change


def refused(archive: Path, media_root: Path, *options: str) -> str:
    """Restore `archive`, which must be refused; nothing of the database or the storage may change."""
    before = fingerprint(), stored_bytes(media_root)
    with pytest.raises(CommandError) as error:
        call_command("restore", *options, str(archive))
    assert (fingerprint(), stored_bytes(media_root)) == before
    return str(error.value)


def test_the_manifest_lists_the_version_database_migrations_and_every_file(tmp_path):
    default_storage.save("evidence/2026/01/runbook.txt", ContentFile(b"step one"))
    default_storage.save("reports/2026/01/report.pdf", ContentFile(b"%PDF-1.7 not really"))

    manifest = manifest_of(backup(tmp_path))

    assert manifest["format"] == "wareview-backup"
    assert manifest["wareview_version"] == wareview_version() != "unknown"
    assert manifest["vendor"] == connection.vendor
    assert "0001_initial" in manifest["migrations"]["reviews"]
    assert "reviews_answer" in manifest["tables"]
    assert manifest["files"] == [
        {"name": "evidence/2026/01/runbook.txt", "size": 8, "sha256": hashlib.sha256(b"step one").hexdigest()},
        {
            "name": "reports/2026/01/report.pdf",
            "size": 19,
            "sha256": hashlib.sha256(b"%PDF-1.7 not really").hexdigest(),
        },
    ]


def test_the_archive_is_readable_by_its_owner_only(tmp_path):
    assert backup(tmp_path).stat().st_mode & 0o777 == 0o600


def test_a_backup_into_a_missing_folder_is_refused_and_writes_nothing(tmp_path):
    with pytest.raises(CommandError, match=r"No backup was written: .*missing is not a directory"):
        call_command("backup", str(tmp_path / "missing" / "wareview.tar"))
    assert not list(tmp_path.rglob("*"))


def test_a_file_that_is_not_an_archive_exits_with_an_error_and_changes_nothing(tmp_path):
    # The command as an operator runs it: its exit status and message, on an embedded database of its own.
    archive = tmp_path / "notes.tar.gz"
    archive.write_text("these are my notes, not a backup")
    env = {
        "DATABASE_URL": None,
        "REDIS_URL": None,
        "WAREVIEW_VAR_DIR": str(tmp_path / "var"),
        "MEDIA_ROOT": str(tmp_path / "var" / "media"),
    }

    result = run_manage("restore", str(archive), env=env)

    assert result.returncode == 1
    assert f"{archive} was not restored: {archive} is not a tar archive, plain or gzipped" in result.stderr
    assert not (tmp_path / "var" / "media").exists()


def test_a_tar_archive_of_something_else_is_refused(tmp_path, media_root):
    archive = tmp_path / "photos.tar"
    with tarfile.open(archive, "w") as tar:
        tar.addfile(tarfile.TarInfo("holiday.jpg"), io.BytesIO(b""))

    assert "holds holiday.jpg, which no wareview backup has" in refused(archive, media_root)


def test_an_archive_without_its_manifest_is_refused(tmp_path, media_root):
    archive = backup(tmp_path)
    without = rewrite(archive, lambda name, data: ("files/manifest.json" if name == "manifest.json" else name, data))

    assert "has no manifest.json: it is not a wareview backup" in refused(without, media_root)


def test_an_archive_cut_short_is_refused(tmp_path, media_root):
    default_storage.save("evidence/big.bin", ContentFile(bytes(range(256)) * 4000))
    archive = backup(tmp_path)
    default_storage.delete("evidence/big.bin")
    archive.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])

    assert "cut short or damaged" in refused(archive, media_root)


def test_an_archive_whose_file_differs_from_the_manifest_is_refused(tmp_path, media_root):
    default_storage.save("evidence/runbook.txt", ContentFile(b"step one"))
    archive = backup(tmp_path)
    default_storage.delete("evidence/runbook.txt")
    tampered = rewrite(archive, lambda name, data: (name, b"step 1!!" if name.endswith("runbook.txt") else data))

    message = refused(tampered, media_root)

    assert "does not match its manifest, so it is damaged" in message
    assert "files/evidence/runbook.txt has 8 bytes of sha256" in message


def test_a_member_named_outside_the_storage_is_refused(tmp_path, media_root):
    archive = rewrite(
        backup(tmp_path), lambda name, data: ("files/../../etc/cron.d/x" if name == "manifest.json" else name, data)
    )

    assert "a name outside the storage" in refused(archive, media_root)


def test_an_archive_of_another_kind_of_database_is_refused(tmp_path, media_root):
    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    member = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}[other]

    def edit(manifest: dict) -> None:
        manifest["vendor"], manifest["database"]["name"] = other, member

    def change(name: str, data: bytes) -> tuple[str, bytes]:
        return (member, data) if name.startswith("database.") else change_manifest(edit)(name, data)

    message = refused(rewrite(backup(tmp_path), change), media_root)

    assert f"holds a {other} database, but this wareview runs on {connection.vendor}" in message


def test_an_archive_from_a_newer_wareview_is_refused(tmp_path, media_root):
    archive = rewrite(
        backup(tmp_path), change_manifest(lambda manifest: manifest["migrations"]["reviews"].append("9999_future"))
    )

    message = refused(archive, media_root)

    assert f"made by a newer wareview ({wareview_version()})" in message
    assert "reviews.9999_future" in message


def test_a_database_with_rows_is_refused(tmp_path, media_root, cast):
    archive = backup(tmp_path)

    message = refused(archive, media_root)

    assert "The database already holds data (rows in " in message
    assert "auth_user" in message
    assert "--force" in message


def test_a_storage_with_files_is_refused_even_into_a_new_database(tmp_path, media_root):
    archive = backup(tmp_path)
    default_storage.save("evidence/someone-elses.txt", ContentFile(b"keep me"))

    message = refused(archive, media_root)

    assert "The storage already holds files (such as evidence/someone-elses.txt)" in message


def test_a_database_migrated_further_than_the_archive_is_refused_even_with_force(tmp_path, media_root):
    need_service(connection.vendor == "postgresql", "SQLite's restore replaces the whole file: no table stays")

    def edit(manifest: dict) -> None:
        manifest["tables"].remove("webhooks_delivery")

    message = refused(rewrite(backup(tmp_path), change_manifest(edit)), media_root, "--force")

    assert "The database has tables the archive lacks (webhooks_delivery)" in message


@pytest.mark.parametrize("name", ["backup", "restore"])
def test_the_commands_explain_themselves_and_their_arguments(name):
    parser = load_command_class("wareview.ops", name).create_parser("manage.py", name)
    text = parser.format_help()
    assert "archive" in text and ".tar.gz" in text
    if name == "restore":
        assert "--force" in text and "other files stay" in text


def test_a_gzip_archive_is_written_when_its_name_says_so(tmp_path):
    with gzip.open(backup(tmp_path, "wareview.tgz")) as compressed:
        assert compressed.read(1)
    with gzip.open(backup(tmp_path, "wareview.tar")) as plain, pytest.raises(gzip.BadGzipFile):
        plain.read(1)
