"""The web benchmark's lines and JSON: every line in proportion to both floors, the auth floor's targets, and a run
stopped before the end (time limit, SIGTERM, Ctrl-C) still prints and records what it measured."""

import json
import signal

import pytest

from bench import web


class FakeServer:
    """A floor's request costs the server 2 ms of CPU, an auth floor's 2.5 ms, a page's 8 ms."""

    def __init__(self) -> None:
        self.cpu = 0.0

    def log_size(self) -> int:
        return 0

    def locked_since(self, offset: int) -> int:
        return 0

    def cpu_seconds(self) -> float:
        return self.cpu


class FakeUser:
    """Answers every measure at once; SIGTERM (through the deadline, as the signal handler does) on the
    `stop_at`-th question page."""

    def __init__(self, server: FakeServer, deadline: web.Deadline, stop_at: int) -> None:
        self.server, self.deadline, self.stop_at, self.pages = server, deadline, stop_at, 0

    def __getattr__(self, action: str):
        def answer() -> tuple[bool, float, int]:
            self.server.cpu += {"floor": 0.002, "auth_floor": 0.0025}.get(action, 0.008)
            return True, 1.0 if action == "floor" else 2.0 if action == "auth_floor" else 5.0, 10

        return answer

    def page(self) -> tuple[bool, float, int]:
        self.pages += 1
        if self.pages == self.stop_at:
            self.deadline.stop(signal.SIGTERM)
        return self.__getattr__("page")()


def measure(stop_at: int = 0) -> tuple[list[dict], str]:
    deadline, server = web.Deadline(600), FakeServer()
    users = [FakeUser(server, deadline, stop_at) for _ in range(max(web.CONCURRENCIES))]
    return web.measure_all(server, users, deadline, "postgresql")  # type: ignore[arg-type]


def test_every_line_is_in_proportion_to_the_floor_and_to_the_auth_floor(capsys):
    measures, stopped = measure()
    lines = capsys.readouterr().out.splitlines()
    assert not stopped and len(lines) == len(web.MEASURES) * len(web.CONCURRENCIES)
    page = next(line for line in lines if line.startswith("bench question_page c=8 "))
    assert " ratio=5.00 " in page and " auth_ratio=2.50 " in page
    assert " cpu_ratio=4.00 " in page and " auth_cpu_ratio=3.20 " in page
    floor = next(m for m in measures if m["name"] == "auth_floor" and m["c"] == 1)
    assert floor["auth_ratio"] == 1.0 and floor["ratio"] == 2.0


def test_a_stopped_run_prints_and_records_what_it_measured_and_fails(capsys, tmp_path, monkeypatch):
    measures, stopped = measure(stop_at=web.WARMUP + 10)  # during the first measured question pages
    out = capsys.readouterr().out
    assert stopped == "stopped by SIGTERM during page at c=1"
    assert [m["name"] for m in measures] == ["floor", "auth_floor"]
    assert out.startswith("bench floor c=1 ") and "\nbench auth_floor c=1 " in out and "question_page" not in out

    monkeypatch.setattr(web, "RESULTS_DIR", tmp_path)
    with pytest.raises(SystemExit, match="stopped by SIGTERM during page at c=1; only the 2 measures above"):
        web.report("postgresql", measures, stopped=stopped, saves=0, history=0, locked=0)
    result = json.loads((tmp_path / "web_postgresql.json").read_text())
    assert result["complete"] is False and len(result["measures"]) == 2
    assert result["auth_floor_targets"]["question_switch"] == 3.0
    assert result["within_auth_target"] is None  # nothing it targets was measured


def test_the_json_says_whether_each_page_is_within_its_auth_floor_target(tmp_path, monkeypatch, capsys):
    measures, _ = measure()
    monkeypatch.setattr(web, "RESULTS_DIR", tmp_path)
    web.report("postgresql", measures, stopped="", saves=0, history=0, locked=0)
    result = json.loads((tmp_path / "web_postgresql.json").read_text())
    # Every page costs 3.2 times the auth floor's CPU here: within 6 and 8, over 2.5 and 3.
    assert result["complete"] is True and result["within_auth_target"] is False
    assert {m["auth_cpu_ratio"] for m in result["measures"] if m["name"] == "dashboard"} == {3.2}
    assert set(result["auth_floor_targets"]) == {
        "autosave", "question_page", "question_switch", "dashboard", "milestone_save", "milestone_compare",
        "plan_page", "portfolio",
    }  # fmt: skip


def test_a_round_in_which_the_machine_ran_slower_for_everything_leaves_the_ratio_alone():
    # The second round ran at half speed (another virtual machine busy on the host): floor and page alike.
    floor = {"server_cpu_ms_windows": [2.0, 4.0, 2.0]}
    page = {"server_cpu_ms_windows": [6.0, 12.0, 6.0]}
    assert web.cpu_ratio(page, floor) == 3.0


def test_a_window_slowed_for_the_page_alone_is_left_out_by_the_median():
    floor = {"server_cpu_ms_windows": [2.0, 2.0, 2.0]}
    page = {"server_cpu_ms_windows": [6.0, 12.0, 6.2]}
    assert web.cpu_ratio(page, floor) == 3.1


def test_each_measure_is_taken_in_rounds_and_its_line_gives_the_median_window():
    measures, _ = measure()
    page = next(m for m in measures if m["name"] == "question_page" and m["c"] == 1)
    assert len(page["server_cpu_ms_windows"]) == web.ROUNDS
    assert page["requests"] >= web.REQUESTS
