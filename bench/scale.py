"""Benchmark: answer saves per second and their latency against one web node and against two, at the same total CPU.

Run from the repository root as `python bench/scale.py [--rounds N]`. It needs the full stack, as bench/web.py's
PostgreSQL measures do: DATABASE_URL and REDIS_URL from the environment or the development .env. It uses the web
benchmark's database (`wareview_bench` on DATABASE_URL's server, or the one WAREVIEW_BENCH_DATABASE names) and
prepares in it only what it needs: the Performance Efficiency review of `bench-user` (bench/web.py's
`bench_review`), one question for each of eight virtual users.

Two set-ups, each with two gunicorn worker processes in all (gthread, one thread each, bench.settings, DEBUG off),
on the same machine and cores:

- `one_node`: one gunicorn of two workers, on one port;
- `two_nodes`: two gunicorns of one worker each, on two ports, sharing the database and Redis (the sessions);
  the virtual users alternate between them, as a load balancer spreads connections, and each keeps to its node.

For each set-up and each concurrency (2 and 8 users saving at once): warm-up saves, discarded, then the measured
ones, htmx autosaves of the question page (bench/web.py's `VirtualUser.autosave`, each user on its own question,
from the version its previous save answered with). `saves_per_s` is the successful saves over the measured run's
wall time; `cpu_ms` the CPU the gunicorn workers spent per save (/proc); `connections` the PostgreSQL connections
the servers held right after the run. In each round both set-ups are measured back to back at each concurrency,
the first of the pair alternating; the medians of the rounds are printed last, with the median ratios of two
nodes over one node in those pairs, and written to bench/results/scale.json. A failed save, or history rows that
differ from the saves, makes the script exit non-zero. See bench/README.md.
"""

import argparse
import http.client
import json
import os
import secrets
import signal
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.web import (  # noqa: E402
    FIXTURE,
    HOST,
    REQUEST_TIMEOUT,
    RESULTS_DIR,
    SIGN_IN_TIMEOUT,
    VAR_DIR,
    BenchError,
    Deadline,
    OutOfTime,
    Sample,
    Server,
    VirtualUser,
    Walk,
    bench_review,
    configured_database_url,
    history_rows_since,
    review_slots,
    run_load,
    server_environment,
    sign_in_all,
)

CONCURRENCIES = (2, 8)
WARMUP = 40
REQUESTS = 2000
# The users only save answers: they walk no questions.
WALK = Walk(0, [])
# The same two worker processes in both set-ups: one node of two, or two nodes of one.
SETUPS = {"one_node": (1, 2), "two_nodes": (2, 1)}


@dataclass(frozen=True)
class Setup:
    name: str
    nodes: int
    workers_per_node: int


def schedule(rounds: int) -> list[tuple[int, int, Setup]]:
    """The runs in the order they are made, as (round, concurrency, set-up): in each round, each concurrency on
    both set-ups one right after the other, the first of the pair alternating from round to round. Other work
    on the machine comes and goes within minutes; a pair measured back to back mostly shares it."""
    setups = [Setup(name, nodes, workers) for name, (nodes, workers) in SETUPS.items()]
    return [
        (turn, concurrency, setup)
        for turn in range(rounds)
        for concurrency in CONCURRENCIES
        for setup in (setups if turn % 2 == 0 else setups[::-1])
    ]


def node_of(user: int, nodes: int) -> int:
    """The node a virtual user keeps to: users alternate between the nodes, so any two users at once are on two."""
    return user % nodes


def result(setup: Setup, concurrency: int, sample: Sample, wall_s: float, cpu_s: float, connections: int) -> dict:
    """One measured run in figures: saves a second (successful ones over the wall time), latencies, server CPU a
    save, and the PostgreSQL connections held."""
    saves = len(sample.timings) - sample.errors
    return {
        "round": 0,
        "setup": setup.name,
        "nodes": setup.nodes,
        "workers_per_node": setup.workers_per_node,
        "c": concurrency,
        "saves": saves,
        "saves_per_s": round(saves / wall_s, 1) if wall_s > 0 else 0.0,
        "p50_ms": round(sample.percentile(50), 2),
        "p95_ms": round(sample.percentile(95), 2),
        "cpu_ms": round(1000 * cpu_s / max(saves, 1), 2),
        "connections": connections,
        "errors": sample.errors,
    }


FIGURES = ("saves_per_s", "p50_ms", "p95_ms", "cpu_ms")


def medians(results: list[dict]) -> list[dict]:
    """One result per set-up and concurrency, each figure the median of the rounds', the most connections held,
    errors summed; in the order they were first measured."""
    keys = list(dict.fromkeys((r["setup"], r["c"]) for r in results))
    summary = []
    for setup, concurrency in keys:
        runs = [r for r in results if (r["setup"], r["c"]) == (setup, concurrency)]
        figures = {name: round(statistics.median(r[name] for r in runs), 2) for name in FIGURES}
        summary.append(
            {
                **runs[0],
                **figures,
                "connections": max(r["connections"] for r in runs),
                "rounds": len(runs),
                "errors": sum(r["errors"] for r in runs),
            }
        )
    return summary


def pair_ratios(results: list[dict]) -> list[dict]:
    """For each concurrency, two nodes against one node in the pairs measured back to back: the median over the
    rounds of the ratios of saves a second and of p95 (above 1: two nodes save more, or wait longer)."""
    ratios = []
    for concurrency in dict.fromkeys(r["c"] for r in results):
        pairs = []
        for turn in dict.fromkeys(r["round"] for r in results):
            pair = {r["setup"]: r for r in results if (r["round"], r["c"]) == (turn, concurrency)}
            if set(pair) == set(SETUPS) and pair["one_node"]["saves_per_s"] and pair["one_node"]["p95_ms"]:
                pairs.append(pair)
        if pairs:
            saves = statistics.median(p["two_nodes"]["saves_per_s"] / p["one_node"]["saves_per_s"] for p in pairs)
            p95 = statistics.median(p["two_nodes"]["p95_ms"] / p["one_node"]["p95_ms"] for p in pairs)
            ratios.append(
                {"c": concurrency, "saves_ratio": round(saves, 2), "p95_ratio": round(p95, 2), "pairs": len(pairs)}
            )
    return ratios


def ratio_line(ratio: dict) -> str:
    return (
        f"bench scale_ratio c={ratio['c']} saves_ratio={ratio['saves_ratio']:.2f} "
        f"p95_ratio={ratio['p95_ratio']:.2f} pairs={ratio['pairs']}"
    )


def line(measured: dict, prefix: str = "bench scale") -> str:
    return (
        f"{prefix} setup={measured['setup']} c={measured['c']} saves_per_s={measured['saves_per_s']:.1f} "
        f"p50_ms={measured['p50_ms']:.2f} p95_ms={measured['p95_ms']:.2f} cpu_ms={measured['cpu_ms']:.2f} "
        f"connections={measured['connections']} errors={measured['errors']}"
    )


# The run: the database, the servers, the load.


def prepare(password: str) -> int:
    """Migrate, load the lens and collect the static files (bench.settings names hashed ones); the bench review."""
    import django
    from django.core.management import call_command
    from django.db import connections

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_question_sets", str(FIXTURE), verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    review = bench_review(password)
    connections.close_all()
    return review.pk


def database_connections() -> int:
    """Connections to the bench database other than this one: the servers'."""
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as connection:
        query = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        row = connection.execute(query).fetchone()
    return int(row[0]) if row else 0


def measure_run(
    setup: Setup,
    concurrency: int,
    env: dict[str, str],
    review_pk: int,
    password: str,
    sessions: list[dict[str, str]],
    deadline: Deadline,
) -> tuple[dict, int]:
    """Start the set-up's servers for `concurrency` users, sign them in, warm up and measure; the result and the
    saves made. Each worker takes as many keep-alive connections as its share of the users and no more, so the
    users spread evenly over the workers (left alone, one worker may take both connections of two users)."""
    per_worker = max(concurrency // (setup.nodes * setup.workers_per_node), 1)
    servers = [
        Server(env, VAR_DIR / f"scale-{setup.name}-{n}.log", setup.workers_per_node, per_worker)
        for n in range(setup.nodes)
    ]
    users: list[VirtualUser] = []
    try:
        ports = [server.wait_ready(timeout=120) for server in servers]
        slots = current_slots(review_pk, concurrency)
        users = [VirtualUser(ports[node_of(n, setup.nodes)], review_pk, slot, WALK, 0) for n, slot in enumerate(slots)]
        signed_in(users, password, sessions)
        run_load(users, "autosave", concurrency, WARMUP, deadline)
        cpu = sum(server.cpu_seconds() for server in servers)
        started = time.perf_counter()
        sample = run_load(users, "autosave", concurrency, REQUESTS, deadline)
        wall = time.perf_counter() - started
        cpu = sum(server.cpu_seconds() for server in servers) - cpu
        measured = result(setup, concurrency, sample, wall, cpu, database_connections())
    finally:
        for user in users:
            user.connection.close()
        for server in servers:
            server.stop()
    print(line(measured), flush=True)
    return {**measured, "failures": sample.failures[:5]}, sum(user.saves for user in users)


def signed_in(users: list[VirtualUser], password: str, sessions: list[dict[str, str]]) -> None:
    """Each virtual user signs in once in the whole benchmark, and its session (kept in `sessions`) serves it in
    every later run, on whichever node: the sessions are shared, and signing in again for every run would meet
    the sign-in limits of one address."""
    for number, user in enumerate(users):
        if number == len(sessions):
            sign_in_all([user], password)
            sessions.append(dict(user.cookies))
            continue
        user.cookies = dict(sessions[number])
        user.connection.timeout = SIGN_IN_TIMEOUT  # a worker's first request loads the app
        try:
            user.read_version()
        except (OSError, http.client.HTTPException) as error:
            raise BenchError(f"a signed-in user's question page failed: {error}") from error
        user.connection.timeout = REQUEST_TIMEOUT
        if user.connection.sock is not None:
            user.connection.sock.settimeout(REQUEST_TIMEOUT)


def current_slots(review_pk: int, count: int) -> list:
    """The users' questions, each with the practice its next save ticks read from the answer as it is now."""
    from django.db import connections

    from wareview.reviews.models import Review

    slots = review_slots(Review.objects.get(pk=review_pk), count)
    connections.close_all()  # not counted among the servers' connections
    return slots


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2, help="Rounds of both set-ups (2); medians are reported.")
    parser.add_argument("--time-limit", type=float, default=900, help="Give up after this many seconds (900).")
    args = parser.parse_args()
    deadline = Deadline(args.time_limit)
    signal.signal(signal.SIGTERM, deadline.stop)
    signal.signal(signal.SIGINT, deadline.stop)
    if not configured_database_url():
        raise BenchError("set DATABASE_URL (PostgreSQL) and REDIS_URL: the scale benchmark measures the full stack")
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    env = server_environment("postgresql", "bench.settings")
    os.environ.update(env)  # this process prepares the same database the servers use
    password = secrets.token_urlsafe(16)
    print("scale: preparing the bench database", file=sys.stderr)
    review_pk = prepare(password)
    load_before = os.getloadavg()

    from django.utils import timezone

    started = timezone.now()
    results: list[dict] = []
    sessions: list[dict[str, str]] = []
    saves = 0
    stopped = ""
    deadline.measuring = True
    try:
        for turn, concurrency, setup in schedule(args.rounds):
            measured, made = measure_run(setup, concurrency, env, review_pk, password, sessions, deadline)
            results.append({**measured, "round": turn})
            saves += made
    except OutOfTime as error:
        stopped = str(error)
    summary = medians(results)
    for measured in summary:
        print(line(measured, prefix="bench scale_median"), flush=True)
    ratios = pair_ratios(results)
    for ratio in ratios:
        print(ratio_line(ratio), flush=True)
    history = history_rows_since(review_pk, started)
    # Other work on the machine moves every figure: the load averages say how busy it was.
    load = {"before": load_before, "after": os.getloadavg()}
    report(summary, ratios, results, stopped=stopped, saves=saves, history=history, load=load)


def report(
    summary: list[dict],
    ratios: list[dict],
    results: list[dict],
    *,
    stopped: str,
    saves: int,
    history: int,
    load: dict[str, Any],
) -> None:
    errors = sum(r["errors"] for r in results) + (history != saves)
    written: dict[str, Any] = {
        "bench": "scale",
        "complete": not stopped,
        "stopped": stopped or None,
        "cpus": os.cpu_count(),
        "load_average": load,
        "setups": SETUPS,
        "server": {"worker_class": "gthread", "threads": 1, "settings": "bench.settings", "host": HOST},
        "warmup": WARMUP,
        "requests": REQUESTS,
        "medians": summary,
        "two_nodes_over_one_node": ratios,
        "runs": results,
        "autosaves": saves,
        "history_rows": history,
    }
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / "scale.json").write_text(json.dumps(written, indent=2) + "\n", encoding="utf-8")
    for failure in [failure for r in results for failure in r["failures"]][:5]:
        print(f"scale: {failure}", file=sys.stderr)
    if history != saves:
        print(f"scale: {saves} saves wrote {history} history rows; every save must write one", file=sys.stderr)
    print(f"scale: load average {load['before'][0]:.2f} before, {load['after'][0]:.2f} after", file=sys.stderr)
    if errors:
        sys.exit(f"scale: {errors} errors (failed saves, missing history)")
    if stopped:
        sys.exit(f"scale: {stopped}; only the runs above were done")


if __name__ == "__main__":
    try:
        main()
    except BenchError as error:
        sys.exit(f"bench scale: {error}")
