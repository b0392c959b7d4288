"""The scale benchmark's arithmetic and order: which set-up runs when, which node each virtual user keeps to, and
how a run's timings become saves a second and medians."""

from bench.scale import SETUPS, Setup, line, medians, node_of, result, rounds_order
from bench.web import Sample

ONE, TWO = Setup("one_node", 1, 2), Setup("two_nodes", 2, 1)


def test_both_set_ups_have_the_same_worker_processes_in_all():
    assert {nodes * workers for nodes, workers in SETUPS.values()} == {2}


def test_each_round_measures_both_set_ups_and_the_first_of_a_round_alternates():
    assert rounds_order(3) == [ONE, TWO, TWO, ONE, ONE, TWO]
    assert rounds_order(0) == []


def test_users_alternate_between_the_nodes_so_any_two_at_once_are_on_both():
    assert [node_of(user, 2) for user in range(6)] == [0, 1, 0, 1, 0, 1]
    assert {node_of(user, 1) for user in range(8)} == {0}


def test_a_run_counts_only_successful_saves_a_second_and_the_cpu_of_each():
    sample = Sample(timings=[10.0, 20.0, 30.0, 40.0, 50.0], errors=1)

    measured = result(TWO, 8, sample, wall_s=2.0, cpu_s=0.02, connections=2)

    assert (measured["saves"], measured["saves_per_s"], measured["cpu_ms"]) == (4, 2.0, 5.0)
    assert (measured["p50_ms"], measured["errors"], measured["nodes"]) == (30.0, 1, 2)
    assert result(TWO, 8, Sample(), wall_s=0.0, cpu_s=0.0, connections=0)["saves_per_s"] == 0.0


def test_medians_take_each_figure_across_the_rounds_and_sum_the_errors_in_first_measured_order():
    def run(setup: Setup, concurrency: int, per_second: float, errors: int = 0) -> dict:
        figures = {"p50_ms": per_second, "p95_ms": 1.0, "cpu_ms": 2.0, "connections": 2}
        return {"setup": setup.name, "c": concurrency, "saves_per_s": per_second, "errors": errors, **figures}

    runs = [run(TWO, 8, 100.0), run(ONE, 8, 90.0), run(TWO, 8, 300.0, errors=1), run(TWO, 8, 200.0)]

    summary = medians(runs)

    assert [(m["setup"], m["saves_per_s"], m["rounds"], m["errors"]) for m in summary] == [
        ("two_nodes", 200.0, 3, 1),
        ("one_node", 90.0, 1, 0),
    ]
    assert line(summary[0]) == (
        "bench scale setup=two_nodes c=8 saves_per_s=200.0 p50_ms=200.00 p95_ms=1.00 cpu_ms=2.00 connections=2 errors=1"
    )
