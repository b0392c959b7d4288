"""Benchmark: the review's pages, its autosave and the dashboard over HTTP, each against a floor on the same stack.

Run from the repository root as `python bench/web.py [--db postgresql|sqlite]` (`make bench` runs it through
bench/run.py). Without --db it uses PostgreSQL when DATABASE_URL is set and the embedded SQLite otherwise.

It prepares a database of its own (`wareview_bench` on DATABASE_URL's server, or var/bench/wareview.sqlite3):
migrated, the Performance Efficiency fixture loaded, and a user owning a team, a workload and an open review,
all through the app's services, plus 1,000 workloads in the team and a review of a 200-question lens. It
serves bench.settings with gunicorn on 127.0.0.1 (DEBUG off), signs in eight virtual users, each on a
keep-alive connection with its own session and question, and measures the floor (bench.urls: one SELECT and
one UPDATE), the auth floor (the same for a signed-in member: session, user and membership read the stock
way), the question page, the autosave, the htmx switch between questions of the 200-question review, the
dashboard, comparing and saving milestones of the 200-question review and that review's improvement plan at
concurrency 1 and 8, warm-up requests discarded, with the server's CPU per request from /proc.
Prints one line per measure as soon as both floors of its concurrency are measured, `bench <name> c=<n>
p50_ms=<x> p95_ms=<y> floor_p50_ms=<z> ratio=<x/z> db=<db> locked=<n> errors=<n> cpu_ms=<c> cpu_ratio=<c/floor's>
auth_floor_p50_ms=<a> auth_ratio=<x/a> auth_cpu_ratio=<c/auth floor's> bytes=<b>` (names get a `_sqlite` suffix
on SQLite), writes the same to bench/results/web_<db>.json, and exits non-zero on any failed request, "database
is locked" or missing history row. Stopped by its time limit, SIGTERM or Ctrl-C while measuring, it still prints
and writes the measures it finished, and exits non-zero. See bench/README.md.
"""

import argparse
import http.client
import json
import math
import os
import re
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wareview.lib.env import load_env_file  # noqa: E402

if TYPE_CHECKING:  # the models are imported where used, once Django is set up
    from django.contrib.auth.models import User

    from wareview.lenses.models import Choice, Lens, Question, RiskRule
    from wareview.reviews.models import Review
    from wareview.workloads.models import Workload

HOST = "127.0.0.1"
VAR_DIR = ROOT / "var" / "bench"
RESULTS_DIR = ROOT / "bench" / "results"
FIXTURE = ROOT / "fixtures" / "performance_efficiency.json"
# The benchmark's own database on DATABASE_URL's server; WAREVIEW_BENCH_DATABASE names another, so that several
# people sharing a server do not measure (and rewrite) the same one at once.
BENCH_DATABASE = os.environ.get("WAREVIEW_BENCH_DATABASE") or "wareview_bench"
USERNAME = "bench-user"
TEAM = "Bench team"
WORKLOAD = "Bench workload"
# The dashboard lists every workload of the user's teams: the bench team gets this many (bulk-made, reused).
DASHBOARD_WORKLOADS = 1000
# The question switch walks a lens of this many questions, built by the benchmark (bulk writes, then published).
SWITCH_LENS_SLUG = "bench-200-questions"
SWITCH_QUESTIONS = 200
SWITCH_AREAS = 10
WORKERS = 4
CONCURRENCIES = (1, 8)
# A gthread worker accepts connections while its one thread is busy; left alone, one worker took five of the
# eight keep-alive connections and another none, and c=8 measured that imbalance. Two each spreads them evenly.
CONNECTIONS_PER_WORKER = max(CONCURRENCIES) // WORKERS
WARMUP = 30
REQUESTS = 600
# Each measure is taken in this many windows, one in each round through every measure of a concurrency: a page's
# window and the floor's are seconds apart, and its ratio is the median of the rounds' (see `cpu_ratio`).
ROUNDS = 5
# (name, VirtualUser method, measured requests); warm-up requests are a tenth of the measured ones, at most WARMUP.
# The dashboard of 1,000 workloads is costly per request, so fewer of them keep `make bench` in its time limit.
MEASURES = (
    ("floor", "floor", REQUESTS),
    # The floor for a signed-in member (session, user, membership): what every page of the app pays first.
    ("auth_floor", "auth_floor", REQUESTS),
    ("question_page", "page", REQUESTS),
    ("autosave", "autosave", REQUESTS),
    # The same save through the JSON API, with a personal API token (wareview/api).
    ("api_answer_save", "api_answer_save", REQUESTS),
    ("question_switch", "question_switch", REQUESTS),
    ("dashboard", "dashboard", 100),
    # The same 1,000 workloads in the portfolio: a page of 25 with its heatmap, and the missing practices of all.
    ("portfolio", "portfolio", 100),
    # Both on the 200-question review. Each save writes a milestone of 200 answers, so fewer of them; the compare
    # goes first, while the workload has only its two prepared milestones.
    ("milestone_compare", "milestone_compare", 75),
    ("milestone_save", "milestone_save", 50),
    ("plan_page", "plan_page", 100),
)
REQUEST_TIMEOUT = 30
# Signing in is not measured: it runs the real password hasher and a worker's first request loads the app, which on
# a machine loaded by other work took longer than REQUEST_TIMEOUT and stopped the run before any measure.
SIGN_IN_TIMEOUT = 180
# The milestone compare measures two milestones that differ in this many answers, from this question on.
MILESTONE_CHANGES = 20
MILESTONE_CHANGES_FROM = 100
# The server CPU per request each page may cost, over the floor's (`cpu_ratio`), at both concurrencies.
CPU_RATIO_TARGETS = {"autosave": 2.0, "question_page": 2.5}
# The same over the auth floor's (`auth_cpu_ratio`): targets for later, recorded as `within_auth_target`.
AUTH_FLOOR_TARGETS = {
    "autosave": 2.5,
    "question_page": 2.5,
    "question_switch": 3.0,
    "dashboard": 6.0,
    "milestone_save": 6.0,
    "milestone_compare": 6.0,
    "plan_page": 8.0,
    "portfolio": 8.0,
}
# Each line's ratios, against the floor (no prefix) and against the auth floor (`auth_`).
FLOORS = {"": "floor", "auth_": "auth_floor"}
VERSION_INPUT = re.compile(rb'id="answer-version-[^"]+" name="version" value="(\d+)"')
LISTENING = re.compile(rb"Listening at: http://127\.0\.0\.1:(\d+)")
WORKER_PID = re.compile(rb"Booting worker with pid: (\d+)")
LOCKED = b"OperationalError: database is locked"


class BenchError(Exception):
    """The benchmark cannot go on; the message says why."""


class OutOfTime(BenchError):
    """The time limit passed, or SIGTERM or Ctrl-C came, before the measures were done."""


# Set up: database, data, server.


def configured_database_url() -> str:
    """DATABASE_URL as the app's settings would read it: the environment first, then the development .env."""
    return configured("DATABASE_URL")


def configured(name: str) -> str:
    """A setting's environment variable as the app would read it: the environment first, then the development .env."""
    load_env_file(os.environ.get("WAREVIEW_ENV_FILE", str(ROOT / ".env")))
    return os.environ.get(name, "")


def bench_database_url(url: str) -> str:
    """The same PostgreSQL server and credentials, with the benchmark's own database, created if missing."""
    import psycopg

    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        raise BenchError(f"DATABASE_URL must name PostgreSQL for the web benchmark, not {parts.scheme!r}")
    for maintenance in ("/postgres", parts.path):
        try:
            with psycopg.connect(urlunsplit(parts._replace(path=maintenance)), autocommit=True) as connection:
                query = "SELECT 1 FROM pg_database WHERE datname = %s"
                if not connection.execute(query, [BENCH_DATABASE]).fetchone():
                    connection.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')
                break
        except psycopg.OperationalError as error:
            failure = error
    else:
        raise BenchError(f"cannot create the {BENCH_DATABASE} database: {failure}")
    return urlunsplit(parts._replace(path=f"/{BENCH_DATABASE}"))


def server_environment(db: str, settings: str) -> dict[str, str]:
    """What gunicorn (and this process's own Django) see: production settings on plain http, bench database."""
    return {
        "DJANGO_SETTINGS_MODULE": settings,
        "WAREVIEW_ENV_FILE": os.devnull,  # the development .env says DEBUG=1
        "WAREVIEW_VAR_DIR": str(VAR_DIR),
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        # The API's per-token limit stays on (its counting is part of the cost) but out of the measures' way.
        "API_REQUESTS_PER_MINUTE": "1000000",
        # The full stack is PostgreSQL with Redis, which holds the sessions (see wareview/settings.py); SQLite is the
        # embedded default, without it.
        "REDIS_URL": configured("REDIS_URL") if db == "postgresql" else "",
        "DATABASE_URL": bench_database_url(configured_database_url()) if db == "postgresql" else "",
    }


@dataclass
class Slot:
    """One virtual user's question: its answer and the two practices its saves alternate between."""

    code: str
    answer_pk: int
    choices: tuple[str, str]
    turn: int
    team_pk: int


@dataclass
class Walk:
    """The review of the 200-question lens, and its question codes in order, for the question switch; its
    workload and two milestones of it that differ in 20 answers, for the milestone measures."""

    review_pk: int
    codes: list[str]
    workload_pk: int = 0
    milestones: tuple[int, int] = (0, 0)


def prepare(password: str) -> tuple[int, list[Slot], Walk]:
    """Migrate, load the lens, make sure the bench user has an open review, the team its dashboard workloads and
    a review of the 200-question lens: the review's pk, one slot per user, and the walk of the question switch."""
    import django
    from django.core.management import call_command
    from django.db import connections

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_question_sets", str(FIXTURE), verbosity=0)  # loads the lens once; runs reuse it
    call_command("collectstatic", interactive=False, verbosity=0)  # DEBUG off serves hashed files from STATIC_ROOT
    review = bench_review(password)
    slots = review_slots(review, max(CONCURRENCIES))
    bench_api_token()
    dashboard_workloads(review.workload)
    walk = switch_walk(review.workload)
    connections.close_all()
    return review.pk, slots, walk


API_TOKEN_NAME = "bench"
# The bench user's personal API token of this run (made afresh by every run; the earlier runs' are deleted).
api_token = ""


def bench_api_token() -> None:
    from django.contrib.auth import get_user_model

    from wareview.api.models import ApiToken, Scope
    from wareview.api.services import token_create

    global api_token
    user = get_user_model().objects.get(username=USERNAME)
    ApiToken.objects.filter(user=user, name=API_TOKEN_NAME).delete()
    api_token = token_create(user=user, name=API_TOKEN_NAME, scope=Scope.READ_WRITE, days=1).secret


def bench_review(password: str) -> "Review":
    from django.contrib.auth import get_user_model

    from wareview.lenses.models import Lens
    from wareview.reviews.models import Review
    from wareview.reviews.services import review_start
    from wareview.teams.models import Team
    from wareview.teams.services import team_create
    from wareview.workloads.models import Workload

    user, _ = get_user_model().objects.get_or_create(username=USERNAME)
    user.set_password(password)
    user.save()
    team = Team.objects.filter(name=TEAM, memberships__user=user).first() or team_create(name=TEAM, user=user)
    workload, _ = Workload.objects.get_or_create(team=team, name=WORKLOAD, defaults={"created_by": user})
    lens = Lens.objects.published().filter(slug="performance-efficiency").order_by("-version").first()
    if lens is None:
        raise BenchError(f"no published performance-efficiency lens after loading {FIXTURE.name}")
    review = Review.objects.open().filter(workload=workload, lens_slug=lens.slug).first()
    return review or review_start(workload=workload, lens=lens, user=user)


def dashboard_workloads(workload: "Workload") -> None:
    """Fill the bench team up to DASHBOARD_WORKLOADS workloads with one bulk insert; later runs reuse them."""
    from wareview.workloads.models import Workload

    team = workload.team
    missing = DASHBOARD_WORKLOADS - Workload.objects.filter(team=team).count()
    if missing > 0:
        names = set(Workload.objects.filter(team=team).values_list("name", flat=True))
        numbered = (f"Dashboard workload {number:04d}" for number in range(1, DASHBOARD_WORKLOADS + 1))
        fresh = [name for name in numbered if name not in names][:missing]
        Workload.objects.bulk_create(Workload(team=team, name=name, created_by=workload.created_by) for name in fresh)


def switch_walk(workload: "Workload") -> Walk:
    """An open review of the 200-question lens (built once), and its question codes in order."""
    from wareview.lenses.models import Lens, Question
    from wareview.reviews.models import Review
    from wareview.reviews.services import review_start

    lens = Lens.objects.published().filter(slug=SWITCH_LENS_SLUG).first() or switch_lens()
    review = Review.objects.open().filter(workload=workload, lens_slug=lens.slug).first()
    review = review or review_start(workload=workload, lens=lens, user=bench_user(workload))
    plan_answers(review)
    codes = list(Question.objects.filter(pillar__lens=lens).order_by("order").values_list("code", flat=True))
    return Walk(review.pk, codes, workload.pk, milestone_pair(review))


def bench_user(made: "Workload | Review") -> "User":
    """Who made the bench's workload or review: the bench user, who also saves its answers and milestones."""
    if made.created_by is None:
        raise BenchError(f"{made} lost the user who made it: delete it and run the benchmark again")
    return made.created_by


def milestone_pair(review: "Review") -> tuple[int, int]:
    """Two milestones of `review`, 20 answers apart, made afresh on every run after the earlier runs' milestones
    are deleted (each saved milestone holds 200 answers)."""
    from wareview.milestones.models import Milestone
    from wareview.milestones.services import milestone_save
    from wareview.reviews.models import Answer
    from wareview.reviews.services import AnswerState, answer_save

    Milestone.objects.filter(workload_id=review.workload_id).delete()
    user = bench_user(review)
    before = milestone_save(review=review, name="Bench before", user=user)
    answers = Answer.objects.filter(review=review).select_related("question").order_by("question__order")
    for answer in answers[MILESTONE_CHANGES_FROM : MILESTONE_CHANGES_FROM + MILESTONE_CHANGES]:
        code = answer.question.code.lower()
        selected = [f"{code}_a"] if answer.selected != [f"{code}_a"] else [f"{code}_a", f"{code}_b"]
        answer_save(answer=answer, user=user, data=AnswerState(selected=selected), expected_version=answer.version)
    after = milestone_save(review=review, name="Bench after", user=user)
    return before.pk, after.pk


def plan_answers(review: "Review") -> None:
    """Answer every question of the 200-question review with its first practice alone (medium risk: two practices
    recommended each), once, in one bulk update, so its improvement plan holds 400 items. The bulk update goes
    round the services that keep a started plan's order keys in step, so the plan is brought in step after it."""
    from wareview.plans.services import plan_sync
    from wareview.reviews.models import Answer, AnswerRisk

    answers = list(Answer.objects.filter(review=review, risk=AnswerRisk.UNANSWERED).select_related("question"))
    for answer in answers:
        answer.selected, answer.risk = [f"{answer.question.code.lower()}_a"], AnswerRisk.MEDIUM
    Answer.objects.bulk_update(answers, ["selected", "risk"])
    if answers:
        plan_sync(review=review, start=False)


def switch_lens() -> "Lens":
    """A lens of SWITCH_QUESTIONS questions in SWITCH_AREAS focus areas, each with three practices, "None of
    these" and three rules, as a draft with bulk writes and then published (a published lens is never written)."""
    from django.db import transaction

    from wareview.lenses.models import Choice, FocusArea, Lens, Pillar, Question, RiskRule
    from wareview.lenses.services import lens_publish

    with transaction.atomic():
        Lens.objects.filter(slug=SWITCH_LENS_SLUG).delete()  # a draft left by an interrupted run
        lens = Lens.objects.create(slug=SWITCH_LENS_SLUG, name="Bench: 200 questions")
        pillar = Pillar.objects.create(lens=lens, code="bench", name="Bench pillar")
        areas = FocusArea.objects.bulk_create(
            FocusArea(pillar=pillar, code=f"area_{n}", name=f"Area {n}", order=n) for n in range(SWITCH_AREAS)
        )
        per_area = SWITCH_QUESTIONS // SWITCH_AREAS
        questions = Question.objects.bulk_create(
            Question(
                pillar=pillar,
                focus_area=areas[n // per_area],
                code=f"BENCH_{n:03d}",
                title=f"Bench question {n}: how do you keep this part of the workload efficient?",
                description="Guidance for the question, a sentence or two long, as in the published lenses.",
                order=n,
            )
            for n in range(SWITCH_QUESTIONS)
        )
        Choice.objects.bulk_create(choice for question in questions for choice in switch_choices(question))
        RiskRule.objects.bulk_create(rule for question in questions for rule in switch_rules(question))
    return lens_publish(lens=lens)


def switch_choices(question: "Question") -> "list[Choice]":
    from wareview.lenses.models import Choice

    code = question.code.lower()
    practices = [
        Choice(question=question, code=f"{code}_{letter}", title=f"Practice {letter} of {question.code}", order=n)
        for n, letter in enumerate("abc")
    ]
    return [*practices, Choice(question=question, code=f"{code}_no", title="None of these", is_none=True, order=3)]


def switch_rules(question: "Question") -> "list[RiskRule]":
    from wareview.lenses.models import RiskRule

    code = question.code.lower()
    conditions = [(f"{code}_no || !{code}_a", "HIGH_RISK"), (f"!{code}_b", "MEDIUM_RISK"), ("default", "NO_RISK")]
    return [
        RiskRule(question=question, order=n, condition=condition, risk=risk)
        for n, (condition, risk) in enumerate(conditions, start=1)
    ]


def review_slots(review: "Review", count: int) -> list[Slot]:
    """The first `count` questions, each saved by one user only, so versions never conflict. A save alternates
    between two practices, starting with the one that differs from the stored answer: every save changes it."""
    from wareview.lenses.models import Choice
    from wareview.reviews.models import Answer

    answers = Answer.objects.filter(review=review).select_related("question").order_by("question__order")[:count]
    slots = []
    for answer in answers:
        practices = Choice.objects.filter(question_id=answer.question_id, is_none=False).order_by("order")
        first, second = practices.values_list("code", flat=True)[:2]
        turn = 1 if answer.selected == [first] else 0
        slots.append(Slot(answer.question.code, answer.pk, (first, second), turn, review.workload.team_id))
    if len(slots) < count:
        raise BenchError(f"the review has {len(slots)} questions; the benchmark needs {count}")
    return slots


class Server:
    """gunicorn in a process group of its own, stopped (group and all) by stop()."""

    def __init__(
        self, env: dict[str, str], log_path: Path, workers: int = WORKERS, connections: int = CONNECTIONS_PER_WORKER
    ) -> None:
        self.workers = workers
        command = [
            sys.executable, "-m", "gunicorn", "wareview.wsgi:application",
            "--bind", f"{HOST}:0", "--workers", str(workers), "--threads", "1",
            "--worker-class", "gthread",  # the sync worker closes every connection; gthread keeps them alive
            "--worker-connections", str(connections),
            "--keep-alive", "120", "--timeout", "30", "--chdir", str(ROOT),
            "--no-control-socket",  # gunicorn's control socket has one fixed path per user, shared by every server
        ]  # fmt: skip
        self.log_path = log_path
        self.log = log_path.open("wb")
        self.process = subprocess.Popen(
            command, env={**os.environ, **env}, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def wait_ready(self, timeout: float = 30) -> int:
        """The port once every worker has booted."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn exited with {self.process.returncode}:\n{self.log_tail()}")
            text = self.log_path.read_bytes()
            port = LISTENING.search(text)
            if port and text.count(b"Booting worker") >= self.workers:
                return int(port.group(1))
            time.sleep(0.1)
        raise BenchError(f"gunicorn did not start within {timeout:.0f} s:\n{self.log_tail()}")

    def log_size(self) -> int:
        return self.log_path.stat().st_size

    def cpu_seconds(self) -> float:
        """User and system CPU the workers have used so far (Linux /proc; 0.0 elsewhere). Less disturbed than
        latency by whatever else runs on the machine, though it leaves out the database server's share."""
        workers = WORKER_PID.findall(self.log_path.read_bytes())
        total = 0
        for pid in workers:
            try:
                fields = Path(f"/proc/{int(pid)}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
        return total / os.sysconf("SC_CLK_TCK")

    def locked_since(self, offset: int) -> int:
        with self.log_path.open("rb") as log:
            log.seek(offset)
            return log.read().count(LOCKED)

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


# Load: virtual users on keep-alive connections.


class Deadline:
    """The time limit, and whether SIGTERM or Ctrl-C asked the run to stop. While measuring, a stop only raises
    a flag: each virtual user finishes its request and stops, and the measures done so far are reported."""

    def __init__(self, seconds: float) -> None:
        self.at = time.monotonic() + seconds
        self.stopped_by = ""
        self.measuring = False

    def stop(self, signum: int, _frame: object = None) -> None:
        """A signal handler: outside the measures it stops the run at once (the server is stopped on the way).
        A second signal changes nothing: run.py passes a Ctrl-C on, which the terminal may have sent us too."""
        if self.stopped_by:
            return
        self.stopped_by = f"stopped by {signal.Signals(signum).name}"
        if not self.measuring:
            raise OutOfTime(self.stopped_by)

    def check(self) -> None:
        if self.stopped_by:
            raise OutOfTime(self.stopped_by)
        if time.monotonic() > self.at:
            raise OutOfTime("out of time: the time limit passed before the measures were done")


class VirtualUser:
    """One browser tab: a keep-alive connection, its own cookies (session, CSRF) and its own question."""

    def __init__(self, port: int, review_pk: int, slot: Slot, walk: Walk, start: int) -> None:
        self.connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
        self.origin = f"http://{HOST}:{port}"
        self.cookies: dict[str, str] = {}
        self.slot = slot
        self.turn = slot.turn
        self.url = f"/reviews/{review_pk}/questions/{slot.code}/"
        self.api_url = f"/api/v1/reviews/{review_pk}/answers/{slot.code}"
        self.version = -1
        self.saves = 0
        self.walk = walk
        self.step = start  # where this user's walk through the 200 questions is

    def sign_in(self, password: str) -> None:
        self.connection.timeout = SIGN_IN_TIMEOUT  # the connection is opened by the first request, below
        self.send("GET", "/accounts/login/")
        form = {"login": USERNAME, "password": password, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
        status, _, _ = self.send("POST", "/accounts/login/", form)
        if status != 302 or "sessionid" not in self.cookies:
            raise BenchError(f"signing in answered {status} without a session")
        self.read_version()
        self.connection.timeout = REQUEST_TIMEOUT  # for a reconnection, and for this connection's socket:
        if self.connection.sock is not None:
            self.connection.sock.settimeout(REQUEST_TIMEOUT)

    def read_version(self) -> None:
        status, body, _ = self.question_page()
        version = VERSION_INPUT.search(body)
        if status != 200 or not version:
            raise BenchError(f"GET {self.url} answered {status} without the answer's version")
        self.version = int(version.group(1))

    def floor(self) -> tuple[bool, float, int]:
        status, body, elapsed = self.send("POST", "/bench/floor/", {"answer": self.slot.answer_pk})
        return 200 <= status < 300, elapsed, len(body)

    def auth_floor(self) -> tuple[bool, float, int]:
        form = {"answer": self.slot.answer_pk, "team": self.slot.team_pk}
        status, body, elapsed = self.send("POST", "/bench/auth-floor/", form)
        return status == 200 and body.startswith(b"auth floor "), elapsed, len(body)

    def question_page(self) -> tuple[int, bytes, float]:
        return self.send("GET", self.url)

    def page(self) -> tuple[bool, float, int]:
        status, body, elapsed = self.question_page()
        return 200 <= status < 300, elapsed, len(body)

    def dashboard(self) -> tuple[bool, float, int]:
        status, body, elapsed = self.send("GET", "/")
        return 200 <= status < 300 and b"Dashboard workload" in body, elapsed, len(body)

    def portfolio(self) -> tuple[bool, float, int]:
        """The portfolio's first page, sorted by high risks: the 1,000 dashboard workloads and the bench review's."""
        status, body, elapsed = self.send("GET", "/portfolio/?sort=-high")
        return 200 <= status < 300 and b"Dashboard workload" in body, elapsed, len(body)

    def plan_page(self) -> tuple[bool, float, int]:
        """The first page of the 200-question review's improvement plan (400 items, 25 a page)."""
        status, body, elapsed = self.send("GET", f"/reviews/{self.walk.review_pk}/plan/")
        return 200 <= status < 300 and b"Improvement plan" in body, elapsed, len(body)

    def question_switch(self) -> tuple[bool, float, int]:
        """The next question of the 200-question review, as htmx asks for it when the user moves on: HX-Request,
        and HX-Current-URL naming the question on screen, so only the two navigation entries come back."""
        codes, review_pk = self.walk.codes, self.walk.review_pk
        left, code = codes[self.step % len(codes)], codes[(self.step + 1) % len(codes)]
        self.step += 1
        current = f"{self.origin}/reviews/{review_pk}/questions/{left}/"
        status, body, elapsed = self.send(
            "GET", f"/reviews/{review_pk}/questions/{code}/", htmx=True, headers={"HX-Current-URL": current}
        )
        return 200 <= status < 300 and b"<html" not in body, elapsed, len(body)

    def milestone_compare(self) -> tuple[bool, float, int]:
        """The compare page of the two prepared milestones of the 200-question review."""
        before, after = self.walk.milestones
        path = f"/workloads/{self.walk.workload_pk}/compare/?before={before}&after={after}"
        status, body, elapsed = self.send("GET", path)
        return status == 200 and body.count(b'<tr class="compare-') == MILESTONE_CHANGES, elapsed, len(body)

    def milestone_save(self) -> tuple[bool, float, int]:
        """ "Save milestone" on the workload page for the 200-question review, under a new name each time."""
        form = {"name": f"Bench {secrets.token_hex(6)}", "review": self.walk.review_pk}
        status, body, elapsed = self.send("POST", f"/workloads/{self.walk.workload_pk}/milestones/", form)
        return status == 302, elapsed, len(body)

    def autosave(self) -> tuple[bool, float, int]:
        """Save the other practice than last time, on the version the previous save's response carried."""
        form = [
            ("version", self.version),
            ("selected", self.slot.choices[self.turn % 2]),
            ("reason", ""),
            ("notes", ""),
        ]
        status, body, elapsed = self.send("POST", self.url, form, htmx=True)
        version = VERSION_INPUT.search(body)
        if status == 200 and version:
            self.version, self.turn, self.saves = int(version.group(1)), self.turn + 1, self.saves + 1
            return True, elapsed, len(body)
        if status == 409:
            self.read_version()  # not expected (one user per question); resynchronise and count the error
        return False, elapsed, len(body)

    def api_answer_save(self) -> tuple[bool, float, int]:
        """The autosave's change through the JSON API: PUT of the answer as JSON with the bearer token, from the
        version the previous save (of either kind) answered with; no session, no CSRF."""
        answer = {"version": self.version, "selected": [self.slot.choices[self.turn % 2]]}
        headers = {"Authorization": f"Bearer {api_token}", "Content-Type": "application/json"}
        status, body, elapsed = self.send("PUT", self.api_url, headers=headers, json_body=json.dumps(answer))
        if status == 200:
            self.version, self.turn, self.saves = json.loads(body)["version"], self.turn + 1, self.saves + 1
            return True, elapsed, len(body)
        if status == 409:
            self.read_version()
        return False, elapsed, len(body)

    def send(
        self,
        method: str,
        path: str,
        form: Mapping[str, object] | Sequence[tuple[str, object]] | None = None,
        htmx: bool = False,
        headers: dict[str, str] | None = None,
        json_body: str | None = None,
    ) -> tuple[int, bytes, float]:
        headers = {**(headers or {}), "Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())}
        body: str | None = json_body
        if json_body is not None:
            headers.pop("Cookie")  # an API client has no session
        elif method == "POST":
            body = urlencode(form or {})
            headers |= {"Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": self.cookies["csrftoken"]}
        if htmx:
            headers["HX-Request"] = "true"
        for attempt in (1, 2):
            try:
                started = time.perf_counter()
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                content = response.read()
                elapsed = (time.perf_counter() - started) * 1000
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server dropped an idle keep-alive connection: reconnect once, timing the retry only.
                self.connection.close()
                if attempt == 2:
                    raise
        self.keep_cookies(response)
        if response.will_close:
            self.connection.close()
        return response.status, content, elapsed

    def keep_cookies(self, response: http.client.HTTPResponse) -> None:
        for header in response.headers.get_all("Set-Cookie") or []:
            pair, _, attributes = header.partition(";")
            name, _, value = pair.strip().partition("=")
            if value in ("", '""') or "max-age=0" in attributes.lower():
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value


@dataclass
class Sample:
    timings: list[float] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    errors: int = 0
    failures: list[str] = field(default_factory=list)
    out_of_time: bool = False

    def percentile(self, percent: int) -> float:
        if len(self.timings) < 2:
            return self.timings[0] if self.timings else math.nan
        return statistics.quantiles(self.timings, n=100, method="inclusive")[percent - 1]


def run_load(users: list[VirtualUser], action: str, concurrency: int, requests: int, deadline: Deadline) -> Sample:
    """`requests` calls of `action` (at least), shared by the first `concurrency` users, all at once."""
    active = users[:concurrency]
    per_user = math.ceil(requests / concurrency)
    samples = [Sample() for _ in active]
    start = threading.Barrier(concurrency)

    def work(user: VirtualUser, sample: Sample) -> None:
        start.wait()
        try:
            for _ in range(per_user):
                deadline.check()
                ok, elapsed, size = getattr(user, action)()
                sample.timings.append(elapsed)
                sample.sizes.append(size)
                sample.errors += not ok
        except OutOfTime:
            sample.out_of_time = True
        except (BenchError, OSError, http.client.HTTPException) as error:
            sample.errors += 1
            sample.failures.append(f"{action}: {error}")

    threads = [threading.Thread(target=work, args=pair, daemon=True) for pair in zip(active, samples, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if any(sample.out_of_time for sample in samples):
        reason = deadline.stopped_by or "out of time"
        raise OutOfTime(f"{reason} during {action} at c={concurrency}")
    total = Sample()
    for sample in samples:
        total.timings += sample.timings
        total.sizes += sample.sizes
        total.errors += sample.errors
        total.failures += sample.failures
    return total


def sign_in_all(users: list[VirtualUser], password: str) -> None:
    """Sign every virtual user in, one after another: signing in runs the real password hasher, and eight at once
    on a loaded machine took longer than a request's timeout. Signing in is not measured."""
    for user in users:
        try:
            user.sign_in(password)
        except (BenchError, OSError, http.client.HTTPException) as error:
            raise BenchError(f"signing in failed: {error}") from error


# The run.


def measure_all(server: Server, users: list[VirtualUser], deadline: Deadline, db: str) -> tuple[list[dict], str]:
    """Every measure at every concurrency, each line printed as soon as both floors of its concurrency are known;
    and, when the run was stopped before the end (time limit, SIGTERM, Ctrl-C), why: its finished measures are
    still returned and printed."""
    measures: list[dict[str, Any]] = []
    printed = 0
    stopped = ""
    deadline.measuring = True
    windows: dict[str, list[dict[str, Any]]] = {}
    try:
        for concurrency in CONCURRENCIES:
            windows = {}
            for _ in range(ROUNDS):
                for name, action, requests in MEASURES:
                    window = measure(server, users, name, action, concurrency, -(-requests // ROUNDS), deadline)
                    windows.setdefault(name, []).append(window)
            measures += [combined(rounds) for rounds in windows.values()]
            windows = {}
            printed = print_lines(measures, printed, db)
    except OutOfTime as error:
        stopped = str(error)
        measures += [combined(rounds) for rounds in windows.values()]  # the windows finished before the stop
    finally:
        deadline.measuring = False
    print_lines(measures, printed, db)
    return measures, stopped


def combined(windows: list[dict[str, Any]]) -> dict[str, Any]:
    """One measure from its windows (one a round): latencies over every request, server CPU per request the median
    of the windows', and each window's kept (`server_cpu_ms_windows`) for the ratios, taken round by round."""
    timings = [timing for window in windows for timing in window.pop("timings")]
    sample = Sample(timings=timings)
    return {
        "name": windows[0]["name"],
        "c": windows[0]["c"],
        "requests": sum(window["requests"] for window in windows),
        "p50_ms": round(sample.percentile(50), 2),
        "p95_ms": round(sample.percentile(95), 2),
        "bytes": round(statistics.fmean(window["bytes"] for window in windows)),
        "server_cpu_ms": round(statistics.median(window["server_cpu_ms"] for window in windows), 2),
        "server_cpu_ms_windows": [window["server_cpu_ms"] for window in windows],
        "locked": sum(window["locked"] for window in windows),
        "errors": sum(window["errors"] for window in windows),
        "failures": [failure for window in windows for failure in window["failures"]][:5],
    }


def measure(
    server: Server,
    users: list[VirtualUser],
    name: str,
    action: str,
    concurrency: int,
    requests: int,
    deadline: Deadline,
) -> dict[str, Any]:
    # Warm-up, discarded: reconnections, cold caches.
    run_load(users, action, concurrency, min(WARMUP, requests // 10), deadline)
    offset, cpu = server.log_size(), server.cpu_seconds()
    sample = run_load(users, action, concurrency, requests, deadline)
    cpu, locked = server.cpu_seconds() - cpu, server.locked_since(offset)
    return {
        "name": name,
        "c": concurrency,
        "timings": sample.timings,
        "requests": len(sample.timings),
        "p50_ms": round(sample.percentile(50), 2),
        "p95_ms": round(sample.percentile(95), 2),
        "bytes": round(statistics.fmean(sample.sizes)) if sample.sizes else 0,
        "server_cpu_ms": round(1000 * cpu / max(len(sample.timings), 1), 2),
        "locked": locked,
        "errors": sample.errors,
        "failures": sample.failures[:5],
    }


def print_lines(measures: list[dict], printed: int, db: str) -> int:
    """Print the measures from `printed` on, with their ratios to the floors measured so far; the count printed."""
    for done in measures[printed:]:
        with_ratios(done, measures)
        print(line(done, db), flush=True)  # at once: a run stopped later still shows it
    return len(measures)


def with_ratios(measure: dict, measures: list[dict]) -> None:
    """Latency and server CPU over each floor's at the same concurrency (None for a floor not measured)."""
    for prefix, floor_name in FLOORS.items():
        floor = next((m for m in measures if m["name"] == floor_name and m["c"] == measure["c"]), None)
        measure[f"{prefix}floor_p50_ms"] = floor and floor["p50_ms"]
        measure[f"{prefix}ratio"] = floor and ratio(measure["p50_ms"], floor["p50_ms"])
        measure[f"{prefix}cpu_ratio"] = floor and cpu_ratio(measure, floor)


def cpu_ratio(measure: dict, floor: dict) -> float | None:
    """The median over the rounds of the measure's server CPU over the floor's in the same round: the two windows
    of a round are seconds apart, so a stretch of the machine running slower for everything (other virtual
    machines on the host) is in both of them, or, in up to two rounds of five, left out by the median."""
    pairs = list(zip(measure["server_cpu_ms_windows"], floor["server_cpu_ms_windows"], strict=False))
    ratios = [value / base for value, base in pairs if base and not math.isnan(value)]
    return round(statistics.median(ratios), 2) if ratios else None


def ratio(value: float, floor: float) -> float | None:
    return round(value / floor, 2) if floor and not math.isnan(floor) and not math.isnan(value) else None


def history_rows_since(review_pk: int, since: datetime) -> int:
    from wareview.reviews.models import AnswerChange

    return AnswerChange.objects.filter(answer__review_id=review_pk, changed_at__gte=since).count()


def line(measure: dict, db: str) -> str:
    name = measure["name"] if db == "postgresql" else f"{measure['name']}_{db}"
    return (
        f"bench {name} c={measure['c']} p50_ms={measure['p50_ms']:.2f} p95_ms={measure['p95_ms']:.2f} "
        f"floor_p50_ms={number(measure['floor_p50_ms'])} ratio={number(measure['ratio'])} db={db} "
        f"locked={measure['locked']} errors={measure['errors']} cpu_ms={measure['server_cpu_ms']:.2f} "
        f"cpu_ratio={number(measure['cpu_ratio'])} auth_floor_p50_ms={number(measure['auth_floor_p50_ms'])} "
        f"auth_ratio={number(measure['auth_ratio'])} auth_cpu_ratio={number(measure['auth_cpu_ratio'])} "
        f"bytes={measure['bytes']}"
    )


def number(value: float | None) -> str:
    """`n/a` where there is no figure: no /proc for the CPU time, or a floor the run was stopped before."""
    return "n/a" if value is None else f"{value:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--db", choices=["postgresql", "sqlite"], help="Database (default: PostgreSQL when DATABASE_URL is set)."
    )
    parser.add_argument(
        "--settings",
        default="bench.settings",
        help="Settings module to serve (default bench.settings); to try a settings change, import * from it.",
    )
    parser.add_argument("--time-limit", type=float, default=240, help="Give up after this many seconds (240).")
    args = parser.parse_args()
    deadline = Deadline(args.time_limit)
    db = args.db or ("postgresql" if configured_database_url() else "sqlite")
    # run.py's timeout (SIGTERM) and Ctrl-C: finish the request under way, report what was measured, stop gunicorn.
    signal.signal(signal.SIGTERM, deadline.stop)
    signal.signal(signal.SIGINT, deadline.stop)
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    env = server_environment(db, args.settings)
    os.environ.update(env)  # this process prepares the same database the server uses
    password = secrets.token_urlsafe(16)
    clock = time.monotonic()
    print(f"web ({db}): preparing the bench database", file=sys.stderr)
    review_pk, slots, walk = prepare(password)
    print(f"web ({db}): prepared in {time.monotonic() - clock:.1f} s", file=sys.stderr)

    from django.utils import timezone

    started = timezone.now()
    server = Server(env, VAR_DIR / f"gunicorn-{db}.log")
    users: list[VirtualUser] = []
    try:
        port = server.wait_ready()
        print(f"web ({db}): gunicorn on {HOST}:{port}, {WORKERS} workers; measuring", file=sys.stderr)
        # Each user walks the 200 questions from its own place, so no two ask for the same switch at once.
        step = len(walk.codes) // len(slots)
        users = [VirtualUser(port, review_pk, slot, walk, n * step) for n, slot in enumerate(slots)]
        sign_in_all(users, password)
        print(f"web ({db}): signed in {len(users)} users at {time.monotonic() - clock:.1f} s", file=sys.stderr)
        measures, stopped = measure_all(server, users, deadline, db)
        locked_total = server.locked_since(0)
        print(f"web ({db}): measured at {time.monotonic() - clock:.1f} s", file=sys.stderr)
    finally:
        for user in users:
            user.connection.close()  # else gunicorn lingers on them while it stops
        server.stop()
    saves = sum(user.saves for user in users)
    history = history_rows_since(review_pk, started)
    report(db, measures, stopped=stopped, saves=saves, history=history, locked=locked_total)


def report(db: str, measures: list[dict], *, stopped: str, saves: int, history: int, locked: int) -> None:
    """Write the JSON (the lines are printed already) and exit non-zero on any error, or when stopped early."""
    failures = [failure for measure in measures for failure in measure["failures"]]
    errors = sum(measure["errors"] for measure in measures) + locked + (history != saves)
    result = {
        "bench": "web",
        "db": db,
        "complete": not stopped,
        "stopped": stopped or None,
        "server": {
            "workers": WORKERS,
            "threads": 1,
            "worker_class": "gthread",
            "worker_connections": CONNECTIONS_PER_WORKER,
            "sessions": "cache (Redis) over the database" if os.environ.get("REDIS_URL") else "database",
        },
        "warmup": WARMUP,
        "measures": measures,
        "autosaves": saves,
        "history_rows": history,
        "locked": locked,
        "cpu_ratio_targets": CPU_RATIO_TARGETS,
        "within_target": within(measures, CPU_RATIO_TARGETS, "cpu_ratio"),
        "auth_floor_targets": AUTH_FLOOR_TARGETS,
        "within_auth_target": within(measures, AUTH_FLOOR_TARGETS, "auth_cpu_ratio"),
    }
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / f"web_{db}.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    if history != saves:
        print(f"web ({db}): {saves} autosaves wrote {history} history rows; every save must write one", file=sys.stderr)
    for failure in failures[:5]:
        print(f"web ({db}): {failure}", file=sys.stderr)
    if errors:
        sys.exit(f"web ({db}): {errors} errors (non-2xx responses, locked database, missing history)")
    if stopped:
        sys.exit(f"web ({db}): {stopped}; only the {len(measures)} measures above were done")


def within(measures: list[dict], targets: dict[str, float], key: str) -> bool | None:
    """Whether every targeted page's `key` is within its target at every concurrency; None when one of them has
    no figure (a run stopped early, no /proc)."""
    figures = [
        (m[key], targets[name])
        for name in targets
        for concurrency in CONCURRENCIES
        for m in measures
        if m["name"] == name and m["c"] == concurrency
    ]
    if len(figures) < len(targets) * len(CONCURRENCIES) or any(figure is None for figure, _ in figures):
        return None
    return all(figure <= target for figure, target in figures)


if __name__ == "__main__":
    try:
        main()
    except BenchError as error:
        sys.exit(f"bench web: {error}")
