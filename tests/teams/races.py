"""Run requests at the same moment, each thread on its own database connection, to test what races do."""

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection, connections

from tests.conftest import need_service

WAIT = 10  # seconds; a thread still running after this has hung (a lock never released, a barrier never met)


def need_postgresql() -> None:
    need_service(connection.vendor == "postgresql", "races need PostgreSQL (DATABASE_URL): SQLite locks the whole file")


def meet_before(monkeypatch, module: Any, name: str, parties: int = 2) -> None:
    """Make `module.name` wait until `parties` threads have called it, so all of them get past what the views
    do first (loading rows, validating the form) before any of them goes on."""
    original = getattr(module, name)
    barrier = threading.Barrier(parties, timeout=WAIT)

    def met(*args, **kwargs):
        barrier.wait()
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, met)


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """The results of `calls`, each run in a thread of its own; an exception in any thread is raised here."""
    results: list[Any] = [None] * len(calls)
    errors: list[BaseException | None] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            results[index] = call()
        except BaseException as error:
            errors[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    assert not any(thread.is_alive() for thread in threads), "a request hung"
    for error in errors:
        if error is not None:
            raise error
    return results
