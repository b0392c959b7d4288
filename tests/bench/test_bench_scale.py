"""The scale benchmark's arithmetic and order: which set-up runs when, which node each virtual user keeps to, and
how a run's timings become saves a second and medians."""

from bench.scale import SETUPS, Setup, line, medians, node_of, pair_ratios, ratio_line, result, schedule
from bench.web import Sample

ONE, TWO = Setup("one_node", 1, 2), Setup("two_nodes", 2, 1)


def test_both_set_ups_have_the_same_worker_processes_in_all():
    assert {nodes * workers for nodes, workers in SETUPS.values()} == {2}


def test_each_round_measures_both_set_ups_back_to_back_at_each_concurrency_the_first_alternating():
    assert schedule(2) == [(0, 2, ONE), (0, 2, TWO), (0, 8, ONE), (0, 8, TWO), (1, 2, TWO), (1, 2, ONE), (1, 8, TWO),
                           (1, 8, ONE)]  # fmt: skip
    assert schedule(0) == []


def test_users_alternate_between_the_nodes_so_any_two_at_once_are_on_both():
    assert [node_of(user, 2) for user in range(6)] == [0, 1, 0, 1, 0, 1]
    assert {node_of(user, 1) for user in range(8)} == {0}


def test_a_run_counts_only_successful_saves_a_second_and_the_cpu_of_each():
    sample = Sample(timings=[10.0, 20.0, 30.0, 40.0, 50.0], errors=1)

    measured = result(TWO, 8, sample, wall_s=2.0, cpu_s=0.02, connections=2)

    assert (measured["saves"], measured["saves_per_s"], measured["cpu_ms"]) == (4, 2.0, 5.0)
    assert (measured["p50_ms"], measured["errors"], measured["nodes"]) == (30.0, 1, 2)
    assert result(TWO, 8, Sample(), wall_s=0.0, cpu_s=0.0, connections=0)["saves_per_s"] == 0.0


def run(setup: Setup, concurrency: int, per_second: float, *, turn: int = 0, errors: int = 0, p95: float = 1.0):
    figures = {"p50_ms": per_second, "p95_ms": p95, "cpu_ms": 2.0, "connections": 2 + errors}
    return {
        "round": turn,
        "setup": setup.name,
        "c": concurrency,
        "saves_per_s": per_second,
        "errors": errors,
        **figures,
    }


def test_medians_take_each_figure_across_the_rounds_the_most_connections_and_sum_the_errors():
    runs = [run(TWO, 8, 100.0), run(ONE, 8, 90.0), run(TWO, 8, 300.0, errors=1), run(TWO, 8, 200.0)]

    summary = medians(runs)

    assert [(m["setup"], m["saves_per_s"], m["connections"], m["rounds"], m["errors"]) for m in summary] == [
        ("two_nodes", 200.0, 3, 3, 1),
        ("one_node", 90.0, 2, 1, 0),
    ]
    assert line(summary[0]) == (
        "bench scale setup=two_nodes c=8 saves_per_s=200.0 p50_ms=200.00 p95_ms=1.00 cpu_ms=2.00 connections=3 errors=1"
    )


def test_two_nodes_are_compared_with_one_node_in_the_pairs_measured_back_to_back():
    runs = [
        run(ONE, 8, 100.0, turn=0, p95=20.0),
        run(TWO, 8, 110.0, turn=0, p95=20.0),
        run(TWO, 8, 50.0, turn=1, p95=40.0),  # the machine was busy in this pair: both slower
        run(ONE, 8, 50.0, turn=1, p95=40.0),
        run(ONE, 8, 200.0, turn=2, p95=10.0),
        run(TWO, 8, 180.0, turn=2, p95=12.0),
        run(ONE, 2, 80.0, turn=0),  # a pair cut short: not compared
    ]

    assert pair_ratios(runs) == [{"c": 8, "saves_ratio": 1.0, "p95_ratio": 1.0, "pairs": 3}]
    assert ratio_line(pair_ratios(runs)[0]) == "bench scale_ratio c=8 saves_ratio=1.00 p95_ratio=1.00 pairs=3"
