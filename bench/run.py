"""Run every benchmark in bench/ (`make bench`) and exit non-zero when one of them fails.

Run from the repository root as `python bench/run.py [--sqlite]`. It runs bench/import_lens.py,
bench/report_pdf.py (when it exists) and the web benchmark bench/web.py: on PostgreSQL when DATABASE_URL is set,
on the embedded SQLite otherwise, and on SQLite as well with --sqlite (or BENCH_SQLITE=1). Each script prints
its own `bench ...` lines, which are passed on; its progress notes go to stderr. The whole run is bounded:
a script still running when the time limit passes is stopped and counts as failed. See bench/README.md.
"""

import argparse
import os
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
    failed = [" ".join(command) for command in commands(args.sqlite) if not run(command, deadline)]
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
    """Run one script, pass its stdout on, and tell whether it succeeded within the time left."""
    script, *options = command
    left = deadline - time.monotonic()
    if left <= STOP_GRACE:
        print(f"bench run: no time left for {script}", file=sys.stderr)
        return False
    if script == "web.py":
        options += ["--time-limit", f"{left - STOP_GRACE:.0f}"]  # it stops its own gunicorn before we must
    process = subprocess.Popen([sys.executable, str(BENCH / script), *options], cwd=ROOT, stdout=subprocess.PIPE)
    try:
        output, _ = process.communicate(timeout=left)
    except subprocess.TimeoutExpired:
        output = stop(process)
        print(f"bench run: {script} ran out of time and was stopped", file=sys.stderr)
    sys.stdout.write(output.decode(errors="replace"))
    sys.stdout.flush()
    if process.returncode != 0:
        print(f"bench run: {script} failed with exit status {process.returncode}", file=sys.stderr)
    return process.returncode == 0


def stop(process: subprocess.Popen) -> bytes:
    """SIGTERM first, so the script can stop what it started (web.py's gunicorn); SIGKILL if it hangs."""
    process.terminate()
    try:
        output, _ = process.communicate(timeout=STOP_GRACE)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    return output or b""


if __name__ == "__main__":
    main()
