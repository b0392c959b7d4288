"""Run every benchmark in bench/ (`make bench`) and exit non-zero when one of them fails.

Run from the repository root as `python bench/run.py [--sqlite]`. It runs bench/import_lens.py,
bench/report_pdf.py (when it exists) and the web benchmark bench/web.py: on PostgreSQL when DATABASE_URL is set,
on the embedded SQLite otherwise, and on SQLite as well with --sqlite (or BENCH_SQLITE=1). Each script prints
its own `bench ...` lines straight to this run's output, as it measures; its progress notes go to stderr. The
whole run is bounded: a script still running when the time limit passes is stopped (SIGTERM; the web benchmark
then prints the measures it finished) and counts as failed. Ctrl-C stops the script under way the same way and
runs nothing after it. See bench/README.md.
"""

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wareview.lib.env import env_bool, load_env_file  # noqa: E402

BENCH = ROOT / "bench"
TIME_LIMIT = 300  # seconds for the whole run (bench/README.md)
STOP_GRACE = 15  # seconds a script gets to stop its servers after being told to


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", action="store_true", help="Also run the web benchmark on SQLite.")
    parser.add_argument("--time-limit", type=float, default=TIME_LIMIT, help=f"Seconds for it all ({TIME_LIMIT}).")
    args = parser.parse_args()
    deadline = time.monotonic() + args.time_limit
    try:
        failed = [" ".join(command) for command in commands(args.sqlite) if not run(command, deadline)]
    except KeyboardInterrupt:
        sys.exit("bench run: stopped by Ctrl-C; the lines above are what was measured")
    if failed:
        sys.exit(f"bench run: failed: {', '.join(failed)}")


def commands(sqlite: bool) -> list[list[str]]:
    """The scripts to run, each as its arguments after the interpreter."""
    scripts = [["import_lens.py"]]
    if (BENCH / "report_pdf.py").exists():
        scripts.append(["report_pdf.py"])
    else:
        print("bench report_pdf skipped: there is no bench/report_pdf.py yet", flush=True)
    # The same rule as the settings: DATABASE_URL from the environment, else from the development .env.
    load_env_file(os.environ.get("WAREVIEW_ENV_FILE", str(ROOT / ".env")))
    postgresql = bool(os.environ.get("DATABASE_URL"))
    if postgresql:
        scripts.append(["web.py", "--db", "postgresql"])
    if not postgresql or sqlite or env_bool("BENCH_SQLITE"):
        scripts.append(["web.py", "--db", "sqlite"])
    return scripts


def run(command: list[str], deadline: float) -> bool:
    """Run one script, its output going straight to ours (so that what it printed stays printed however it
    ends), and tell whether it succeeded within the time left."""
    script, *options = command
    left = deadline - time.monotonic()
    if left <= STOP_GRACE:
        print(f"bench run: no time left for {script}", file=sys.stderr)
        return False
    if script == "web.py":
        options += ["--time-limit", f"{left - STOP_GRACE:.0f}"]  # it stops its own gunicorn before we must
    sys.stdout.flush()  # our own lines before the script's
    process = subprocess.Popen([sys.executable, str(BENCH / script), *options], cwd=ROOT)
    try:
        process.wait(timeout=left)
    except subprocess.TimeoutExpired:
        stop(process, signal.SIGTERM)
        print(f"bench run: {script} ran out of time and was stopped", file=sys.stderr)
    except KeyboardInterrupt:
        # A Ctrl-C at the terminal reached the script too; a SIGINT sent to this process alone did not.
        stop(process, signal.SIGINT)
        raise
    if process.returncode != 0:
        print(f"bench run: {script} failed with exit status {process.returncode}", file=sys.stderr)
    return process.returncode == 0


def stop(process: subprocess.Popen, signum: signal.Signals) -> None:
    """`signum` first, so the script can print what it measured and stop what it started (web.py's gunicorn);
    SIGKILL if it hangs."""
    process.send_signal(signum)
    try:
        process.wait(timeout=STOP_GRACE)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


if __name__ == "__main__":
    main()
