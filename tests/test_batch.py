"""Monte Carlo batches: seeds, determinism across executors, the store, failures, resume."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from batch_helpers import flaky_model, small_economy, write_scenario

import sim
from analysis.montecarlo import BatchStore, load_batch, run_batch, spawn_seeds
from sim.errors import InputError


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    root = tmp_path_factory.mktemp("batch")
    data = small_economy(root / "economy")
    calm = write_scenario(root / "calm.toml", data, "calm")
    shock = write_scenario(
        root / "shock.toml",
        data,
        "shock",
        extra='\n[[shock]]\nkind = "demand"\nsectors = ["C"]\nstart = 3\nend = 8\nchange = -0.3\n',
    )
    twin = write_scenario(root / "twin.toml", data, "twin")
    return {"root": root, "calm": calm, "shock": shock, "twin": twin}


def _tables(batch):
    return {name: getattr(batch, name) for name in ("series", "metrics", "failures")}


def _assert_same_store(a, b):
    for name, frame in _tables(a).items():
        other = _tables(b)[name]
        pd.testing.assert_frame_equal(frame.reset_index(drop=True), other.reset_index(drop=True), check_exact=True)


def test_seeds_are_the_spawned_children_and_do_not_depend_on_the_run_count():
    children = np.random.SeedSequence(42).spawn(5)
    seeds = spawn_seeds(42, 5)
    for child, seed in zip(children, seeds, strict=True):
        assert seed.entropy == 42 and seed.spawn_key == tuple(child.spawn_key)
        np.testing.assert_array_equal(seed.sequence().generate_state(4), child.generate_state(4))
    assert spawn_seeds(42, 3) == seeds[:3]


def test_scenarios_of_a_batch_share_their_seeds(files, tmp_path):
    """Common random numbers: a scenario and its twin give identical runs; runs differ by seed."""
    batch = run_batch([files["calm"], files["twin"], files["shock"]], 3, tmp_path / "store", seed=7, workers=1)
    metrics = batch.metrics.set_index(["scenario", "run"])
    for name in ("twin", "shock"):
        pd.testing.assert_frame_equal(
            metrics.loc["calm", ["seed_entropy", "seed_spawn_key"]],
            metrics.loc[name, ["seed_entropy", "seed_spawn_key"]],
        )
    national = batch.series.query("level == 'national'").pivot_table(
        index=["run", "month"], columns="scenario", values="output"
    )
    np.testing.assert_array_equal(national["calm"].to_numpy(), national["twin"].to_numpy())
    assert not np.allclose(national["calm"].to_numpy(), national["shock"].to_numpy())
    last = national.xs(12, level="month")["calm"]
    assert last.nunique() == 3, "productivity noise makes runs differ by seed"


def test_stored_runs_equal_direct_runs_and_levels_add_up(files, tmp_path):
    """The cube stored with --detail province-sector is sim.run's trajectories for that seed."""
    batch = run_batch([files["calm"]], 2, tmp_path / "store", seed=3, workers=1, detail="province-sector")
    scenario = sim.load_scenario(files["calm"])
    cells = batch.cells()
    series = batch.series
    for run, seq in enumerate(np.random.SeedSequence(3).spawn(2)):
        direct = sim.run(scenario, seq).trajectories.sort_values(["month", "province", "sector"], ignore_index=True)
        stored = cells[cells["run"] == run].drop(columns=["scenario", "run"]).reset_index(drop=True)
        pd.testing.assert_frame_equal(stored, direct, check_exact=True, check_dtype=False)
        mine = series[series["run"] == run]
        national = mine[mine["level"] == "national"].set_index("month")["value_added"]
        np.testing.assert_allclose(national, direct.groupby("month")["value_added"].sum(), rtol=1e-12)
        for level in ("province", "sector"):
            total = mine[mine["level"] == level].groupby("month")["output"].sum()
            np.testing.assert_allclose(
                total, mine[mine["level"] == "national"].set_index("month")["output"], rtol=1e-12
            )
        made = mine[[c for c in mine.columns if c.startswith("output_bound_by_")]].sum(axis=1)
        np.testing.assert_allclose(made, mine["output"], rtol=1e-12)


def test_same_seed_same_store_with_one_worker_two_workers_and_dask(files, tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    paths = [files["calm"], files["shock"]]
    one = run_batch(paths, 4, tmp_path / "one", seed=11, workers=1)
    two = run_batch(paths, 4, tmp_path / "two", seed=11, workers=2, chunk_size=1)
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
    ):
        dask = run_batch(paths, 4, tmp_path / "dask", seed=11, scheduler=cluster.scheduler_address, chunk_size=3)
    assert len(one.metrics) == 8 and one.failures.empty
    _assert_same_store(one, two)
    _assert_same_store(one, dask)
    assert dask.manifest["settings"]["executor"]["executor"] == "dask"


def test_a_failing_run_is_recorded_and_the_others_kept(files, tmp_path):
    batch = run_batch([files["calm"], files["shock"]], 4, tmp_path / "store", seed=5, workers=1, model=flaky_model)
    failures = batch.failures
    assert sorted(failures["scenario"]) == ["calm", "shock"] and set(failures["run"]) == {1}
    assert failures["error"].str.contains("injected failure of run 1").all()
    assert (failures["seed_entropy"] == 5).all() and (failures["seed_spawn_key"] == "1").all()
    assert sorted(batch.metrics["run"].unique()) == [0, 2, 3]
    assert set(batch.series["run"]) == {0, 2, 3}
    assert batch.manifest["status"] == {"state": "complete", "runs_total": 8, "runs_stored": 8, "runs_failed": 2}
    # A resume does not repeat a failed run: it is stored (as a failure) already.
    again = run_batch([files["calm"], files["shock"]], 4, tmp_path / "store", seed=5, workers=1, resume=True)
    assert again.summary.done == 0 and again.summary.skipped == 8


def test_resume_extends_a_batch_and_refuses_other_settings(files, tmp_path):
    out = tmp_path / "store"
    run_batch([files["calm"]], 2, out, seed=1, workers=1)
    with pytest.raises(InputError, match="out"):
        run_batch([files["calm"]], 2, out, seed=1, workers=1)
    with pytest.raises(InputError, match="settings.seed"):
        run_batch([files["calm"]], 2, out, seed=2, workers=1, resume=True)
    with pytest.raises(InputError, match="scenarios"):
        run_batch([files["shock"]], 2, out, seed=1, workers=1, resume=True)
    extended = run_batch([files["calm"]], 4, out, seed=1, workers=1, resume=True)
    assert extended.summary.done == 2 and extended.summary.skipped == 2
    _assert_same_store(extended, run_batch([files["calm"]], 4, tmp_path / "fresh", seed=1, workers=1))


def test_uncommitted_parts_are_removed_before_a_resume(files, tmp_path):
    """A kill between a part's files leaves an orphan series file: it is neither read nor kept."""
    out = tmp_path / "store"
    run_batch([files["calm"]], 2, out, seed=1, workers=1, chunk_size=1)
    store = BatchStore(out)
    metrics_part = sorted((out / "metrics").glob("part-*.parquet"))[-1]
    metrics_part.unlink()  # as if killed after writing the series file, before the metrics file
    (out / "series" / ".part-x.parquet.tmp").write_bytes(b"partial")
    assert store.stored_runs() == {("calm", 0)}
    assert set(store.read("series")["run"]) == {0}
    resumed = run_batch([files["calm"]], 2, out, seed=1, workers=1, resume=True)
    assert resumed.summary.done == 1
    assert not list((out / "series").glob(".*.tmp"))
    _assert_same_store(resumed, run_batch([files["calm"]], 2, tmp_path / "fresh", seed=1, workers=1))


def test_load_batch_reads_a_store_and_rejects_other_folders(files, tmp_path):
    run_batch([files["calm"]], 1, tmp_path / "store", seed=0, workers=1)
    batch = load_batch(tmp_path / "store")
    assert batch.scenarios == ["calm"] and batch.manifest["kind"] == "batch"
    assert batch.seeds.to_dict("records") == [{"run": 0, "entropy": 0, "spawn_key": [0]}]
    with pytest.raises(InputError, match="manifest.json"):
        load_batch(tmp_path)
