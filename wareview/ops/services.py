"""Backing up the whole of wareview's state (the database and every stored file) into one archive, and restoring
it into an empty database and storage. The rules are in README.md; the archive's layout in `archive`."""

import hashlib
import posixpath
import tempfile
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from wareview.ops import databases
from wareview.ops.archive import (
    CHUNK,
    DATABASE_MEMBERS,
    FILES,
    MANIFEST,
    ArchiveWriter,
    BackupError,
    Manifest,
    Member,
    VerifiedArchive,
    archive_writer,
    read_archive,
)

# Rows `migrate` writes by itself into a new database: they do not make it "not empty".
MIGRATE_FILLS = (ContentType, Permission)
# Stored files are copied through a spool that stays in memory up to this size, then goes to a temporary file.
SPOOL_IN_MEMORY = 8 * 1024 * 1024


@dataclass(frozen=True)
class RestoreResult:
    manifest: Manifest
    # Migrations of this wareview the archive's database had not applied: `manage.py migrate` applies them.
    pending_migrations: int


def wareview_version() -> str:
    try:
        with (Path(settings.BASE_DIR) / "pyproject.toml").open("rb") as file:
            return str(tomllib.load(file)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def stored_names(storage: Storage, directory: str = "") -> Iterator[str]:
    """Every file name in `storage`, walked with `listdir` alone so that any storage (local or S3) will do."""
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:  # a local storage whose folder was never made holds nothing
        return
    for name in sorted(files):
        yield posixpath.join(directory, name)
    for name in sorted(directories):
        yield from stored_names(storage, posixpath.join(directory, name))


def backup_create(*, path: Path, using: str = DEFAULT_DB_ALIAS, storage: Storage = default_storage) -> Manifest:
    """Write the archive at `path`: the database dump first (one consistent snapshot), then every stored file,
    then the manifest. A file stored after the dump began may be in it without its row; one deleted meanwhile
    is left out."""
    connection = connections[using]
    databases.check_supported(connection)
    tables, migrations = _database_state(connection)
    created_at = datetime.now(UTC).isoformat(timespec="seconds")
    member_name = DATABASE_MEMBERS[connection.vendor]
    with tempfile.TemporaryDirectory() as workdir, archive_writer(path) as writer:
        dump = Path(workdir) / member_name
        databases.dump(connection, dump)
        database = writer.add_path(member_name, dump)
        dump.unlink()
        files = [member for name in stored_names(storage) if (member := _add_stored(writer, storage, name))]
        manifest = Manifest(
            wareview_version=wareview_version(),
            created_at=created_at,
            vendor=connection.vendor,
            database=database,
            tables=tables,
            migrations=migrations,
            files=files,
        )
        writer.add_bytes(MANIFEST, manifest.to_json())
    return manifest


def _database_state(connection: BaseDatabaseWrapper) -> tuple[list[str], dict[str, list[str]]]:
    migrations: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        migrations.setdefault(app, []).append(name)
    return sorted(connection.introspection.table_names()), migrations


def _add_stored(writer: ArchiveWriter, storage: Storage, name: str) -> Member | None:
    """Copy one stored file into the archive, through a spool, so its size and checksum are those of the bytes
    read even if the file changes meanwhile. None when it was deleted since the storage was listed."""
    digest = hashlib.sha256()
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY) as spool:
        try:
            with storage.open(name, "rb") as source:
                for chunk in source.chunks(CHUNK):
                    digest.update(chunk)
                    spool.write(chunk)
        except FileNotFoundError:
            return None
        size = spool.tell()
        spool.seek(0)
        writer.add(FILES + name, spool, size)
    return Member(name=name, size=size, sha256=digest.hexdigest())


def backup_restore(
    *, path: Path, force: bool = False, using: str = DEFAULT_DB_ALIAS, storage: Storage = default_storage
) -> RestoreResult:
    """Bring the archive at `path` back into the database and storage. The whole archive is checked first, then
    the target; any refusal (BackupError) leaves both unchanged. Without `force` the database must hold no rows
    and the storage no file."""
    connection = connections[using]
    databases.check_supported(connection)
    with tempfile.TemporaryDirectory() as workdir:
        archive = read_archive(path, workdir=Path(workdir))
        manifest = archive.manifest
        _check_vendor(manifest, connection)
        databases.check_loadable(manifest.vendor, archive.database)
        known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
        _check_not_newer(manifest, known)
        _check_tables(manifest, connection)
        if not force:
            _check_empty(connection, storage)
        databases.load(connection, archive.database)
        _restore_files(archive, storage, force=force)
    return RestoreResult(manifest=manifest, pending_migrations=len(known - manifest.migration_keys))


def _check_vendor(manifest: Manifest, connection: BaseDatabaseWrapper) -> None:
    if manifest.vendor != connection.vendor:
        raise BackupError(
            f"The archive holds a {manifest.vendor} database, but this wareview runs on {connection.vendor}. "
            f"Restore it where DATABASE_URL names a {manifest.vendor} database (unset for SQLite)."
        )


def _check_not_newer(manifest: Manifest, known: set[tuple[str, str]]) -> None:
    unknown = sorted(manifest.migration_keys - known)
    if unknown:
        names = ", ".join(f"{app}.{name}" for app, name in unknown[:5]) + (" …" if len(unknown) > 5 else "")
        raise BackupError(
            f"The archive was made by a newer wareview ({manifest.wareview_version}): its database has migrations "
            f"this one lacks ({names}). Upgrade wareview first, then restore."
        )


def _check_tables(manifest: Manifest, connection: BaseDatabaseWrapper) -> None:
    """A restore replaces the archive's tables; a table it lacks would stay, beside migrations that say it is not
    there (a database migrated by a newer wareview). SQLite's restore replaces the whole file: nothing stays."""
    if connection.vendor == "sqlite":
        return
    extra = sorted(set(connection.introspection.table_names()) - set(manifest.tables))
    if extra:
        raise BackupError(
            f"The database has tables the archive lacks ({', '.join(extra[:5])}{' …' if len(extra) > 5 else ''}), "
            "as when a newer wareview migrated it. Restore into a new, empty database (createdb), then run "
            "manage.py migrate."
        )


def _check_empty(connection: BaseDatabaseWrapper, storage: Storage) -> None:
    tables = set(connection.introspection.table_names())
    filled = sorted(
        model._meta.db_table
        for model in connection.introspection.installed_models(sorted(tables))
        if not issubclass(model, MIGRATE_FILLS) and model._base_manager.using(connection.alias).exists()
    )
    if filled:
        listed = ", ".join(filled[:5]) + (f" and {len(filled) - 5} more" if len(filled) > 5 else "")
        raise BackupError(
            f"The database already holds data (rows in {listed}). Restore into an empty database, or give --force "
            "to replace its tables with the archive's."
        )
    first = next(stored_names(storage), None)
    if first is not None:
        raise BackupError(
            f"The storage already holds files (such as {first}). Restore into an empty storage, or give --force "
            "to write the archive's files over the ones of the same name."
        )


def _restore_files(archive: VerifiedArchive, storage: Storage, *, force: bool) -> None:
    for member, stream in archive.stored_files():
        if force:
            storage.delete(member.name)
        content = File(stream, name=member.name)
        content.size = member.size
        saved = storage.save(member.name, content)
        if saved != member.name:
            raise BackupError(
                f"The database was restored, but the storage kept {member.name} as {saved}: empty the storage and "
                "restore again with --force."
            )
