"""The benchmark scripts still run (smallest sizes, one step): a smoke test, not a timing."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import bench_ensemble, bench_phases, bench_scaling  # noqa: E402


def test_phase_benchmark_times_every_phase_of_a_small_economy():
    row = bench_phases.one_size(1_000, steps=1)
    assert row["firms"] > 1_000 and row["links"] > row["pairs"] > row["firms"]
    phases = {"shocks", "demand", "production", "delivery", "inventories", "capacity", "labour", "record"}
    assert set(row["phase_ms"]) == phases
    assert all(ms > 0 for ms in row["phase_ms"].values()), "every phase is timed, none skipped"
    assert row["step_ms"] >= max(row["phase_ms"].values())
    assert row["process_peak_mb"] > 0


def test_phase_benchmark_takes_a_scenario_file():
    row = bench_phases.one_size(1_000, steps=1, scenario_file=str(ROOT / "scenarios" / "combined_stress.toml"))
    assert row["phase_ms"]["shocks"] > 0


def test_scaling_benchmark_measures_one_size():
    row = bench_scaling.one_size(1_000, steps=1)
    assert row["step_footprint_mb"] >= row["rss_after_build_mb"] > 0
    assert row["build_s"] > 0 and row["step_ms"] > 0


def test_paired_benchmark_compares_two_trees_step_by_step():
    """This tree against itself: the outputs agree (checked by the script) and a ratio is printed."""
    import subprocess

    script = ROOT / "benchmarks" / "bench_paired.py"
    args = [sys.executable, str(script), "--old", str(ROOT), "--scenarios", "export_slump"]
    out = subprocess.run(args, capture_output=True, text=True, timeout=300, check=True).stdout
    assert "export_slump" in out and "new/old" in out


def test_paired_ensemble_benchmark_steps_two_trees_alternately():
    """This tree against itself, two small ensembles: the records agree (checked by the script)."""
    import subprocess

    script = ROOT / "benchmarks" / "bench_paired_ensemble.py"
    args = ["--old", str(ROOT), "--runs", "2", "--ensembles", "2", "--months", "3"]
    done = subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "2 ensembles of 2 runs: median step ratio new/old" in done.stdout


def test_ensemble_tables_benchmark_compares_two_trees_alternately():
    """This tree against itself, an ensemble of two 3-month runs: the stored values agree (checked by the script)."""
    import subprocess

    script = ROOT / "benchmarks" / "bench_ensemble_tables.py"
    args = ["--old", str(ROOT), "--runs", "2", "--repeats", "2", "--months", "3"]
    done = subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "ensemble of 2 runs, 2 repeats" in done.stdout and "stored values equal" in done.stdout


def test_ensemble_benchmark_compares_an_ensemble_with_runs_alone():
    row = bench_ensemble.one(1_000, runs=2, months=2, repeats=1)
    assert row["firms"] > 1_000 and row["runs"] == 2
    assert row["single_s"] > 0 and row["ensemble_s"] > 0 and row["ratio"] > 0 and row["peak_mb"] > 0


def test_paired_ensemble_gap_is_relative_to_each_record_columns_scale():
    """``--tolerance`` compares each entry's change with the largest value of its column (by hand)."""
    import numpy as np

    from benchmarks.bench_paired_ensemble import relative_gap

    # (runs 1, columns 2, steps 1, cells 2): column 0 scale 10, column 1 all zero (scale taken as 1)
    old = np.array([[[[10.0, 0.001]], [[0.0, 0.0]]]])
    new = np.array([[[[10.0, 0.002]], [[0.0, 3e-12]]]])
    # column 0: |0.002 - 0.001| / 10 = 1e-4 (not 1.0, the entry's own relative change); column 1: 3e-12 / 1
    assert relative_gap(old, new) == np.float64(0.001) / 10.0
    assert relative_gap(old, old) == 0.0
