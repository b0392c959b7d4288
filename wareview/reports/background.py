"""PDF jobs on the embedded default (no broker, REPORT_RENDER_IN_THREAD): made in a thread of the web process.

The request that asks for a PDF returns at once with the job page, which follows the job's progress as it does
with a Celery worker; the render task runs in one background thread, one job at a time (SQLite takes one writer,
and two layouts at once would only share the same CPU). The task runs as Celery runs it in-process (`apply`), so
its own handling records every failure on the job's row.

The first PDF of a process pays for loading WeasyPrint (its modules, its C libraries' bindings, fontconfig) and
for a first layout with the report's stylesheet and fonts: seconds, tens of them on a slow disk. So the same
thread lays out a tiny page with that stylesheet as soon as the process serves its first request (`warm_up`),
and the first PDF someone asks for is as quick as the next ones. A job asked for meanwhile waits for it in the
queue, never twice the work.

A process that stops while a job runs leaves it "rendering" (or "queued"): its page shows it as failed once past
its time limit, with Retry (`PdfJob.has_failed`), as when a worker dies.
"""

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from celery import Task
from django.db import connections
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()
_warmed = threading.Event()


def run_in_background(task: Task, *args: Any) -> Future:
    """Run `task` with `args` in the background thread, after whatever it is already doing."""
    return _executor().submit(_run, task, args)


def warm_up(**_signal: Any) -> Future | None:
    """Lay out a tiny page with the report's stylesheet in the background thread, once per process; connected to
    `request_started` on the embedded default (apps.py). None when it was already asked for."""
    if _warmed.is_set():
        return None
    _warmed.set()
    return _executor().submit(_warm_up)


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="wareview-pdf")
        return _pool


def _run(task: Task, args: tuple[Any, ...]) -> None:
    try:
        task.apply(args=args)
    except Exception:  # the task records its failures on the row; this only keeps the thread alive
        logger.exception("The in-process task %s%r failed", task.name, args)
    finally:
        connections.close_all()  # this thread's own connections


def _warm_up() -> None:
    from wareview.reports.rendering import pdf_from_html

    try:
        pdf_from_html(render_to_string("reports/pdf/warm_up.html"))
    except Exception:  # a PDF asked for later meets the same error, and says so on its job page
        logger.exception("Warming up the PDF renderer failed")
