"""The backup archive: a tar file (gzip-compressed when its name ends in .gz or .tgz) holding

    database.pgdump or database.sqlite3   the database dump (pg_dump's custom format, or a SQLite file)
    files/<name>                          every file of Django's default storage, under its storage name
    manifest.json                         what the archive holds, with each member's size and sha256; last

This module writes and reads that layout and knows nothing of databases or storages: `services` does. Reading
checks the whole archive (every member against the manifest) before the caller changes anything.
"""

import gzip
import hashlib
import io
import json
import os
import tarfile
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.utils import validate_file_name

FORMAT = "wareview-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
FILES = "files/"
DATABASE_MEMBERS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, in words."""


@dataclass(frozen=True)
class Member:
    """A file in the archive: its name there (or in the storage, for stored files), size and sha256."""

    name: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    wareview_version: str
    created_at: str
    vendor: str
    database: Member
    # Every table of the database when it was dumped, and the migrations applied to it, by app.
    tables: list[str]
    migrations: dict[str, list[str]]
    files: list[Member]
    format: str = FORMAT
    format_version: int = FORMAT_VERSION

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), indent=2, ensure_ascii=False).encode()

    @property
    def migration_keys(self) -> set[tuple[str, str]]:
        return {(app, name) for app, names in self.migrations.items() for name in names}


def is_gzip(path: Path) -> bool:
    return path.name.endswith((".gz", ".tgz"))


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class ArchiveWriter:
    """Members added one by one to an open tar file, each owned by root with mode 0600 and the time of now."""

    def __init__(self, tar: tarfile.TarFile) -> None:
        self.tar = tar
        self.now = time.time()

    def add(self, name: str, source: IO[bytes], size: int) -> None:
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = size, self.now, 0o600
        self.tar.addfile(info, source)

    def add_path(self, name: str, path: Path) -> Member:
        with path.open("rb") as source:
            self.add(name, source, path.stat().st_size)
        return Member(name=name, size=path.stat().st_size, sha256=sha256_of(path))

    def add_bytes(self, name: str, data: bytes) -> None:
        self.add(name, io.BytesIO(data), len(data))


@contextmanager
def archive_writer(path: Path) -> Iterator[ArchiveWriter]:
    """Write the archive at `path` through a partial file beside it, renamed into place only when complete: a
    failed backup leaves no archive (and never half of one). Readable by its owner only: it holds every password
    hash and session of the site."""
    if not path.parent.is_dir():
        raise BackupError(f"{path.parent} is not a directory: cannot write the archive there.")
    partial = path.with_name(f".{path.name}.partial")
    try:
        with (
            open(partial, "wb", opener=lambda name, flags: os.open(name, flags, 0o600)) as file,
            tarfile.open(fileobj=file, mode="w:gz" if is_gzip(path) else "w") as tar,
        ):
            yield ArchiveWriter(tar)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


@dataclass
class VerifiedArchive:
    """An archive whose every member matched its manifest; the database dump extracted to `database`."""

    path: Path
    manifest: Manifest
    database: Path

    def stored_files(self) -> Iterator[tuple[Member, IO[bytes]]]:
        """Each stored file of the archive with a stream of its bytes, read again from the archive."""
        by_name = {member.name: member for member in self.manifest.files}
        with _open_tar(self.path) as tar:
            for info in tar:
                if info.name.startswith(FILES):
                    stream = tar.extractfile(info)
                    assert stream is not None  # the first pass refused anything but regular files
                    yield by_name[info.name.removeprefix(FILES)], stream


def read_archive(path: Path, *, workdir: Path) -> VerifiedArchive:
    """Read the archive at `path` to its end, extracting the database dump into `workdir`, and check every member
    against the manifest. Raises BackupError, saying what is wrong, for anything but a sound wareview backup."""
    if not path.is_file():
        raise BackupError(f"{path}: no such file.")
    hashes: dict[str, Member] = {}
    manifest_bytes = None
    try:
        with _open_tar(path) as tar:
            for info in tar:
                name = _checked_member_name(path, info)
                if name in hashes:
                    raise BackupError(f"{path} holds {name} twice: it is not a wareview backup.")
                stream = tar.extractfile(info)
                assert stream is not None
                if name == MANIFEST:
                    manifest_bytes = stream.read()
                    continue
                target = workdir / name if name in DATABASE_MEMBERS.values() else None
                hashes[name] = _hash_stream(name, stream, target)
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile, OSError) as error:
        raise BackupError(f"{path} is not a readable tar archive, or it is cut short or damaged ({error}).") from None
    if manifest_bytes is None:
        raise BackupError(f"{path} has no {MANIFEST}: it is not a wareview backup.")
    manifest = parse_manifest(manifest_bytes, path=path)
    _check_members(path, manifest, hashes)
    return VerifiedArchive(path=path, manifest=manifest, database=workdir / manifest.database.name)


def _open_tar(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, mode="r:*")
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as error:
        raise BackupError(
            f"{path} is not a tar archive, plain or gzipped ({error}): it is not a wareview backup."
        ) from None


def _checked_member_name(path: Path, info: tarfile.TarInfo) -> str:
    if not info.isfile():
        raise BackupError(f"{path} holds {info.name}, which is not a regular file: it is not a wareview backup.")
    name = info.name
    if name == MANIFEST or name in DATABASE_MEMBERS.values():
        return name
    if name.startswith(FILES):
        try:
            validate_file_name(name.removeprefix(FILES), allow_relative_path=True)
        except SuspiciousFileOperation:
            raise BackupError(f"{path} holds {name}, a name outside the storage: it was refused.") from None
        return name
    raise BackupError(f"{path} holds {name}, which no wareview backup has: it is not a wareview backup.")


def _hash_stream(name: str, stream: IO[bytes], target: Path | None) -> Member:
    digest, size = hashlib.sha256(), 0
    with target.open("wb") if target else open(os.devnull, "wb") as out:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return Member(name=name, size=size, sha256=digest.hexdigest())


def parse_manifest(data: bytes, *, path: Path) -> Manifest:
    try:
        raw = json.loads(data)
        if raw.get("format") != FORMAT:
            raise BackupError(f"{path}'s {MANIFEST} is not a wareview backup's manifest.")
        if raw.get("format_version") != FORMAT_VERSION:
            raise BackupError(
                f"{path} is a wareview backup of format version {raw.get('format_version')}; this wareview reads "
                f"version {FORMAT_VERSION}. Restore it with the wareview version that made it "
                f"({raw.get('wareview_version', 'unknown')}) or a newer one."
            )
        return Manifest(
            wareview_version=str(raw["wareview_version"]),
            created_at=str(raw["created_at"]),
            vendor=str(raw["vendor"]),
            database=Member(**raw["database"]),
            tables=[str(table) for table in raw["tables"]],
            migrations={str(app): [str(name) for name in names] for app, names in raw["migrations"].items()},
            files=[Member(**member) for member in raw["files"]],
        )
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise BackupError(f"{path}'s {MANIFEST} cannot be read ({error!r}): the archive is damaged.") from None


def _check_members(path: Path, manifest: Manifest, found: dict[str, Member]) -> None:
    """Every member the manifest lists is in the archive with its size and sha256, and there is no other."""
    if DATABASE_MEMBERS.get(manifest.vendor) != manifest.database.name:
        raise BackupError(f"{path}'s manifest names an unknown database, {manifest.vendor}: the archive is damaged.")
    expected = {manifest.database.name: manifest.database}
    expected |= {
        FILES + member.name: Member(FILES + member.name, member.size, member.sha256) for member in manifest.files
    }
    problems = [f"{name} is missing" for name in sorted(expected.keys() - found.keys())]
    problems += [f"{name} is not in the manifest" for name in sorted(found.keys() - expected.keys())]
    problems += [
        f"{name} has {found[name].size} bytes of sha256 {found[name].sha256[:12]}…, the manifest says "
        f"{member.size} bytes of sha256 {member.sha256[:12]}…"
        for name, member in sorted(expected.items())
        if name in found and found[name] != member
    ]
    if problems:
        raise BackupError(f"{path} does not match its manifest, so it is damaged: {'; '.join(problems)}.")
