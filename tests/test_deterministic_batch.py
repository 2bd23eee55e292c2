"""A scenario that draws no random number is found from its compiled form and run once in a batch."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from batch_helpers import small_economy, write_scenario
from typer.testing import CliRunner

import sim
from analysis.cli import app
from analysis.montecarlo import load_batch
from sim.engine.stochastic import draws_random_numbers

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = sorted((ROOT / "scenarios").glob("*.toml"))
SHORT = 4  # months: enough for every random part to draw


@pytest.mark.parametrize("path", LIBRARY, ids=[p.stem for p in LIBRARY])
def test_the_detection_agrees_with_running_two_seeds(path):
    """Deterministic exactly when the run's generator is never drawn from; then seeds do not matter."""
    scenario = sim.load_scenario(path)
    world = sim.world_for(scenario)
    records, untouched = [], []
    for seed in (1, 2):
        model = sim.GrowthModel(scenario, world, seed=seed, agents=False)
        before = model.rng.bit_generator.state  # after Mesa's own set-up draws
        for _ in range(SHORT):
            model.step()
        records.append(model.recorder.store[:, : SHORT + 1].copy())
        untouched.append(model.rng.bit_generator.state == before)
        model.release()
    deterministic = not draws_random_numbers(scenario)
    assert untouched == [deterministic, deterministic]
    if deterministic:
        assert np.array_equal(records[0], records[1])


@pytest.mark.parametrize(
    ("table", "draws"),
    [
        ("", False),
        ("productivity_sigma = 0.0\noutage_rate = 0.0\n", False),
        ("productivity_sigma = 0.01\n", True),
        ("correlated_sigma = 0.01\n", True),
        ("outage_rate = 0.1\n", True),
        ("regime_enter = 0.05\n", True),
    ],
)
def test_each_random_part_counts(tmp_path, table, draws):
    path = tmp_path / "s.toml"
    path.write_text(f'name = "s"\nhorizon_months = 2\n[economy]\ndata = "default"\n[stochastic]\n{table}')
    assert draws_random_numbers(sim.load_scenario(path)) is draws


@pytest.fixture
def scenarios(tmp_path):
    data = small_economy(tmp_path / "economy")
    fixed = tmp_path / "fixed.toml"
    fixed.write_text(f'name = "fixed"\nhorizon_months = 12\n[economy]\ndata = "{data}"\n', encoding="utf-8")
    noisy = write_scenario(tmp_path / "noisy.toml", data, "noisy")
    return fixed, noisy


def test_a_deterministic_scenario_runs_once_and_says_so(scenarios, tmp_path):
    fixed, noisy = scenarios
    out = tmp_path / "store"
    runner = CliRunner()
    result = runner.invoke(app, ["batch", str(fixed), str(noisy), "--runs", "5", "--workers", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "fixed: deterministic: every run would be identical" in result.stdout
    assert "noisy: deterministic" not in result.stdout
    batch = load_batch(out)
    counts = batch.metrics.groupby("scenario")["run"].count()
    assert counts["fixed"] == 1 and counts["noisy"] == 5
    assert batch.manifest["settings"]["deterministic"] == ["fixed"]
    assert batch.manifest["status"]["state"] == "complete" and batch.manifest["status"]["runs_total"] == 6
    analysis = runner.invoke(app, ["analyze", str(out)])
    assert analysis.exit_code == 0, analysis.output
    assert "deterministic: every run would be identical" in analysis.stdout
    # Printed as the single-run summary is: percentages, no float noise, hints where a section is empty.
    assert "growth +" in analysis.stdout and "% (one run)" in analysis.stdout
    assert not re.search(r"\de-\d", analysis.stdout), "no scientific notation"
    assert "run the batch with --paired" in analysis.stdout
    assert "run the batch with --detail province-sector" in analysis.stdout
    assert "P(reach the target in year 1) = " in analysis.stdout and "95% interval" in analysis.stdout
    summary = json.loads((out / "metrics_summary.json").read_text())
    assert summary["scenarios"]["fixed"]["deterministic"] is True
    # The one run of "fixed" is compared with each of the five runs of "noisy".
    assert summary["comparison"]["noisy"]["growth_national"]["n"] == 5


def test_repeat_identical_runs_them_all_and_they_are_identical(scenarios, tmp_path):
    fixed, _ = scenarios
    out = tmp_path / "store"
    command = ["batch", str(fixed), "--runs", "3", "--workers", "1", "--out", str(out), "--repeat-identical"]
    result = CliRunner().invoke(app, command)
    assert result.exit_code == 0, result.output
    assert "ran it 3 times as asked" in result.stdout
    series = load_batch(out).series
    paths = [rows.drop(columns="run").reset_index(drop=True) for _, rows in series.groupby("run")]
    assert len(paths) == 3
    for other in paths[1:]:
        pd.testing.assert_frame_equal(paths[0], other, check_exact=True)
