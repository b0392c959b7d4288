"""Dumping the database into a file and loading such a file back, for each database wareview runs on.

PostgreSQL: `pg_dump --format=custom`, one consistent snapshot, and `pg_restore` in a single transaction, so a
load that fails changes nothing. SQLite: the online backup API, a consistent copy even while the app writes, and
the same API the other way, which replaces the whole database at once. Both connect with the settings Django
uses (`DATABASES`), as `manage.py dbshell` does.
"""

import os
import sqlite3
import subprocess
from pathlib import Path

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.postgresql.client import DatabaseClient

from wareview.ops.archive import DATABASE_MEMBERS, BackupError

SUPPORTED = tuple(DATABASE_MEMBERS)


def check_supported(connection: BaseDatabaseWrapper) -> None:
    if connection.vendor not in SUPPORTED:
        raise BackupError(f"Backups cover PostgreSQL and SQLite; this database is {connection.vendor}.")


def dump(connection: BaseDatabaseWrapper, target: Path) -> None:
    """Write a consistent copy of the database to `target`."""
    check_supported(connection)
    if connection.vendor == "postgresql":
        _run("pg_dump", "--format=custom", f"--file={target}", connection=connection)
    else:
        _check_autocommit(connection)
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        copy.close()


def check_loadable(vendor: str, source: Path) -> None:
    """Refuse a dump the load would fail on, before anything is changed."""
    if vendor == "postgresql":
        _run("pg_restore", "--list", str(source))
        return
    try:
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as copy:
            result = copy.execute("PRAGMA quick_check").fetchone()
        copy.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"The archive's SQLite database cannot be read ({error}).") from None
    if result != ("ok",):
        raise BackupError(f"The archive's SQLite database is damaged ({result[0]}).")


def load(connection: BaseDatabaseWrapper, source: Path) -> None:
    """Replace the tables of the database that the dump holds with the dump's, all at once."""
    if connection.vendor == "postgresql":
        # --clean drops each table of the dump that already exists (empty, or --force was given) before making
        # it again; owners and grants are the connecting user's, so a dump moves between servers.
        options = ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction"]
        _run("pg_restore", *options, str(source), connection=connection)
        connection.close()
        return
    _check_autocommit(connection)
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as copy:
        copy.backup(connection.connection)
    copy.close()
    connection.close()


def _check_autocommit(connection: BaseDatabaseWrapper) -> None:
    # SQLite's backup API waits for the locks of a transaction open on the same connection, which never ends.
    if connection.in_atomic_block:
        raise BackupError("A SQLite database cannot be backed up or restored inside a transaction.")
    connection.ensure_connection()


def _run(program: str, *arguments: str, connection: BaseDatabaseWrapper | None = None) -> None:
    command, environment = [program, *arguments], dict(os.environ)
    if connection is not None:
        options, libpq_environment = _connection_options(connection)
        command += options
        environment |= libpq_environment
    try:
        completed = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(
            f"{program} is not installed: install the PostgreSQL client programs (Debian: postgresql-client), of "
            "the server's major version or newer."
        ) from None
    if completed.returncode != 0:
        raise BackupError(f"{program} failed: {completed.stderr.strip() or f'exit status {completed.returncode}'}")


def _connection_options(connection: BaseDatabaseWrapper) -> tuple[list[str], dict[str, str]]:
    """pg_dump's or pg_restore's options for the database Django connects to, and the libpq environment (password,
    service, TLS files) Django's own `dbshell` would give psql."""
    settings = connection.settings_dict
    _, environment = DatabaseClient.settings_to_cmd_args_env(settings, [])
    options = ["--no-password"]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings.get(key):
            options.append(f"{option}={settings[key]}")
    service = settings["OPTIONS"].get("service")
    name = settings.get("NAME") or (f"service={service}" if service else "postgres")
    options.append(f"--dbname={name}")
    return options, environment or {}
