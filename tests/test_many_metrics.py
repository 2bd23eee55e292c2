"""Series and metrics of a whole ensemble at once equal those of each run's trajectories."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from batch_helpers import small_economy, write_scenario
from typer.testing import CliRunner

import sim
from analysis.cli import app
from analysis.metrics.many import RunCube, many_metrics
from analysis.montecarlo import load_batch, run_batch
from analysis.montecarlo.ensembles import MAX_ENSEMBLE, PAIR_ARRAY_BYTES, bytes_per_run, ensemble_size_for
from analysis.montecarlo.series import level_series, level_sums, many_level_series
from analysis.montecarlo.worker import _metric_context, per_run_metrics, shock_free_pair, targets_of

SEEDS = np.random.SeedSequence(99).spawn(3)


@pytest.fixture(scope="module")
def stress():
    """combined_stress over 30 months (shocks cut at the horizon), three runs and their shock-free pairs."""
    sc = sim.load_scenario("scenarios/combined_stress.toml")
    shocks = [s.model_dump() for s in sc.shock if s.start <= 30]
    for s in shocks:
        s["end"] = None if s["end"] is None else min(s["end"], 30)
    sc = sc.with_changes(horizon_months=30, shock=shocks)
    return sc, sim.run_ensemble(sc, SEEDS), sim.run_ensemble(shock_free_pair(sc), SEEDS)


def _cube(ensemble, whole_months=True):
    return RunCube.of(ensemble.cube, ensemble.recorder.dt, sim.world_for(ensemble.scenario).economy, whole_months)


def _assert_metrics_close(frame: pd.DataFrame, rows: list[dict]) -> None:
    expected = pd.DataFrame(rows)[frame.columns]
    pd.testing.assert_frame_equal(frame, expected, check_exact=False, rtol=1e-9, atol=1e-13)


def test_metrics_of_the_ensemble_equal_run_metrics_of_each_run(stress):
    sc, ensemble, pairs = stress
    context = _metric_context(sc)
    frame = many_metrics(_cube(ensemble), targets=targets_of(sc), paired=_cube(pairs), **context)
    rows = [per_run_metrics(ensemble[r].trajectories, sc, paired=pairs[r].trajectories) for r in range(3)]
    _assert_metrics_close(frame, rows)
    assert frame["endogenous_share"].notna().all() and frame["attainment_national"].notna().all()
    for key in ("needs_output_lost", "sensitive_unmet_excess", "imports_replaced", "complex_export_share"):
        assert frame[key].notna().all(), key
    unpaired = many_metrics(_cube(ensemble), targets=None, **context)
    _assert_metrics_close(unpaired, [per_run_metrics(ensemble[r].trajectories, sc, targets=None) for r in range(3)])
    assert unpaired["target_national"].isna().all() and unpaired["exogenous_share"].isna().all()


def test_series_of_the_ensemble_equal_level_series_of_each_run(stress):
    _, ensemble, _ = stress
    series = many_level_series(_cube(ensemble, whole_months=False))
    for r in range(3):
        mine = series[series["run"] == r].drop(columns="run").reset_index(drop=True)
        expected = level_series(ensemble[r].trajectories)
        pd.testing.assert_frame_equal(mine, expected, check_exact=False, rtol=1e-12, atol=0.0)


def test_a_runs_rows_do_not_depend_on_its_ensemble(stress):
    sc, ensemble, _ = stress
    alone = sim.run_ensemble(sc, SEEDS[1:2])
    context = _metric_context(sc)
    together = many_metrics(_cube(ensemble), targets=targets_of(sc), **context).iloc[[1]].reset_index(drop=True)
    pd.testing.assert_frame_equal(
        together, many_metrics(_cube(alone), targets=targets_of(sc), **context), check_exact=True
    )
    rows = many_level_series(_cube(ensemble, False)).query("run == 1").drop(columns="run").reset_index(drop=True)
    pd.testing.assert_frame_equal(rows, many_level_series(_cube(alone, False)).drop(columns="run"), check_exact=True)


def test_metrics_from_the_series_sums_are_the_same_bit_for_bit(stress):
    """The batch hands the series' sums to the metrics (RunCube.keep_sums): the values are those the
    metrics take from the columns themselves, exactly; so are the series from the sums taken apart."""
    sc, ensemble, pairs = stress
    steps = _cube(ensemble, whole_months=False)
    summed = level_sums(steps)
    pd.testing.assert_frame_equal(many_level_series(steps, summed), many_level_series(steps), check_exact=True)
    context = _metric_context(sc)
    for paired in (None, _cube(pairs)):
        kept = _cube(ensemble).keep_sums(summed, steps.rows)
        assert kept._sums, "the sums are used"
        frame = many_metrics(kept, targets=targets_of(sc), paired=paired, **context)
        pd.testing.assert_frame_equal(
            frame, many_metrics(_cube(ensemble), targets=targets_of(sc), paired=paired, **context), check_exact=True
        )


def test_half_month_steps_series_keep_every_step_and_metrics_whole_months(tmp_path):
    data = small_economy(tmp_path / "economy")
    path = write_scenario(tmp_path / "half.toml", data, "half", extra="\n[parameters]\nstep_months = 0.5\n")
    sc = sim.load_scenario(path)
    ensemble = sim.run_ensemble(sc, SEEDS[:2])
    series = many_level_series(_cube(ensemble, whole_months=False))
    for r in range(2):
        mine = series[series["run"] == r].drop(columns="run").reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, level_series(ensemble[r].trajectories), check_exact=False, rtol=1e-12)
    frame = many_metrics(_cube(ensemble), targets=targets_of(sc), **_metric_context(sc))
    _assert_metrics_close(frame, [per_run_metrics(ensemble[r].trajectories, sc) for r in range(2)])
    steps = _cube(ensemble, whole_months=False)
    kept = _cube(ensemble).keep_sums(level_sums(steps), steps.rows)  # whole months among every step
    assert kept._sums
    pd.testing.assert_frame_equal(
        many_metrics(kept, targets=targets_of(sc), **_metric_context(sc)), frame, check_exact=True
    )


def test_store_is_the_same_whatever_the_ensemble_size(tmp_path):
    data = small_economy(tmp_path / "economy")
    path = write_scenario(tmp_path / "calm.toml", data, "calm")
    runner = CliRunner()
    stores = {}
    for size in (1, 3):
        out = tmp_path / f"store{size}"
        args = ["batch", str(path), "--runs", "5", "--workers", "1", "--out", str(out), "--ensemble", str(size)]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        stores[size] = load_batch(out)
        assert stores[size].manifest["settings"]["ensemble"] == size
    for table in ("series", "metrics"):
        pd.testing.assert_frame_equal(getattr(stores[1], table), getattr(stores[3], table), check_exact=True)
    bad = runner.invoke(app, ["batch", str(path), "--runs", "2", "--out", str(tmp_path / "x"), "--ensemble", "0"])
    assert bad.exit_code == 2


def test_ensemble_size_fits_memory_and_shares_the_runs(tmp_path):
    sc = sim.load_scenario(write_scenario(tmp_path / "calm.toml", small_economy(tmp_path / "economy"), "calm"))
    # 6 cells x 25 columns x 13 rows of floats (record, kept twice more as tables) is the bulk.
    assert bytes_per_run(sc) >= 3 * 25 * 13 * 6 * 8
    assert bytes_per_run(sc, paired=True) == 2 * bytes_per_run(sc)
    # tiny runs: the cap, evened out: 500 runs a worker in ceil(500 / 64) = 8 ensembles of ceil(500 / 8) = 63
    assert ensemble_size_for(sc, pending=1000, workers=2) == 63
    assert ensemble_size_for(sc, pending=128, workers=1) == MAX_ENSEMBLE
    assert ensemble_size_for(sc, pending=65, workers=1) == 33  # 2 ensembles, not 64 and a run alone
    pairs = sim.world_for(default := sim.load_scenario("scenarios/combined_stress.toml")).network.n_pairs
    assert ensemble_size_for(default, pending=1000, workers=1) <= PAIR_ARRAY_BYTES // (8 * pairs)
    assert ensemble_size_for(sc, pending=5, workers=2) == 3  # every worker gets work
    size = ensemble_size_for(default, pending=1000, workers=1)
    assert 1 <= size < MAX_ENSEMBLE and size * bytes_per_run(default) <= 2**30


def test_batch_with_a_custom_model_runs_alone(tmp_path):
    data = small_economy(tmp_path / "economy")
    path = write_scenario(tmp_path / "calm.toml", data, "calm")
    custom = run_batch([path], 3, tmp_path / "custom", workers=1, model=sim.run)
    ensembles = run_batch([path], 3, tmp_path / "ens", workers=1)
    assert custom.manifest["settings"]["ensemble"] == 1
    pd.testing.assert_frame_equal(custom.metrics, ensembles.metrics, check_exact=False, rtol=1e-9, atol=1e-13)


def test_paired_batch_splits_growth_as_runs_alone_do(tmp_path):
    data = small_economy(tmp_path / "economy")
    shock = '\n[[shock]]\nkind = "demand"\nsectors = ["C"]\nstart = 3\nend = 8\nchange = -0.3\n'
    path = write_scenario(tmp_path / "shock.toml", data, "shock", extra=shock)
    ensembles = run_batch([path], 3, tmp_path / "ens", workers=1, paired=True)
    alone = run_batch([path], 3, tmp_path / "alone", workers=1, paired=True, model=sim.run)
    assert ensembles.manifest["settings"]["ensemble"] == 3
    assert ensembles.metrics["exogenous_share"].notna().all() and (ensembles.metrics["exogenous_share"] != 0).any()
    pd.testing.assert_frame_equal(ensembles.metrics, alone.metrics, check_exact=False, rtol=1e-9, atol=1e-13)
