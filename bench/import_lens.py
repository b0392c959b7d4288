"""Benchmark: import the largest sample lens, five times, each inside a transaction that is rolled back.

Run from the repository root as `python bench/import_lens.py` (`make bench`), against the database that
DATABASE_URL names (SQLite under var/ without it), which must be migrated. Prints one line,
`bench import_lens file=<name> ms=<median> queries=<n>`, and writes the same to bench/results/import_lens.json.
The query count includes the SAVEPOINT and RELEASE that the import's own transaction costs inside the outer one.
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wareview.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from wareview.lenses.interchange import lens_import  # noqa: E402
from wareview.lenses.models import Lens  # noqa: E402

RUNS = 5
RESULTS = ROOT / "bench" / "results" / "import_lens.json"


def main() -> None:
    if Lens._meta.db_table not in connection.introspection.table_names():
        sys.exit(f"bench import_lens: the database has no {Lens._meta.db_table} table; run manage.py migrate first")
    sample = largest_sample()
    text = sample.read_bytes()
    timings, query_counts = zip(*(timed_import(text) for _ in range(RUNS)), strict=True)
    result = {"bench": "import_lens", "file": sample.name, "ms": round(statistics.median(timings), 1)}
    result["queries"] = max(query_counts)
    print(f"bench import_lens file={result['file']} ms={result['ms']} queries={result['queries']}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


def largest_sample() -> Path:
    samples = Path(settings.BASE_DIR).parent / "shared" / "lens-samples"
    files = sorted(samples.glob("*.json"), key=lambda path: path.stat().st_size)
    if not files:
        sys.exit(f"bench import_lens: no lens samples in {samples} (shared/ must sit beside the repository)")
    return files[-1]


def timed_import(text: bytes) -> tuple[float, int]:
    """Milliseconds and queries for one import, which leaves nothing behind: the transaction is rolled back."""
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        lens_import(text=text, slug="bench-import-lens")
        elapsed = (time.perf_counter() - started) * 1000
        transaction.set_rollback(True)
    return elapsed, len(queries)


if __name__ == "__main__":
    main()
