"""``growthsim batch`` from the command line: a killed batch resumed, failures and exit codes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from batch_helpers import small_economy, write_scenario
from typer.testing import CliRunner

import sim
from analysis.cli import app
from analysis.montecarlo import load_batch, run_batch

ROOT = Path(__file__).resolve().parent.parent


def test_a_batch_killed_half_way_and_resumed_equals_an_uninterrupted_batch(tmp_path):
    """SIGKILL the whole batch (parent and pool workers) once some parts are stored, then resume.

    The resume uses one worker instead of two: where the runs execute does not matter.
    """
    data = small_economy(tmp_path / "economy")
    slump = '[[shock]]\nkind = "demand"\nsectors = ["B"]\nstart = 2\nchange = -0.3\n'
    scenarios = [
        write_scenario(tmp_path / "base.toml", data, "base", horizon=120),
        write_scenario(tmp_path / "slump.toml", data, "slump", horizon=120, extra=slump),
    ]
    runs, out = 10, tmp_path / "killed"
    command = [sys.executable, "-m", "analysis.cli", "batch", *map(str, scenarios)]
    command += ["--runs", str(runs), "--seed", "9", "--workers", "2", "--chunk-size", "1", "--out", str(out)]
    proc = subprocess.Popen(command, cwd=ROOT, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            if len(list((out / "metrics").glob("part-*.parquet"))) >= 5:
                os.killpg(proc.pid, signal.SIGKILL)
                break
            time.sleep(0.01)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
    assert proc.returncode == -signal.SIGKILL, "the batch finished before it could be killed"
    killed = load_batch(out)
    assert killed.manifest["status"]["state"] == "running"
    stored_before = len(killed.metrics)
    assert 5 <= stored_before < 2 * runs

    resume_command = [*command, "--resume", "--workers", "1"]
    resume = subprocess.run(resume_command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert resume.returncode == 0, resume.stderr
    assert f"{2 * runs - stored_before} run now" in resume.stdout

    resumed = load_batch(out)
    fresh = run_batch(scenarios, runs, tmp_path / "fresh", seed=9, workers=1)
    for table in ("series", "metrics", "failures"):
        pd.testing.assert_frame_equal(getattr(resumed, table), getattr(fresh, table), check_exact=True)
    assert len(resumed.metrics) == 2 * runs
    assert not resumed.metrics.duplicated(["scenario", "run"]).any()
    assert resumed.manifest["status"]["state"] == "complete"


@pytest.fixture
def calm(tmp_path):
    return write_scenario(tmp_path / "calm.toml", small_economy(tmp_path / "economy"), "calm")


def test_failed_runs_give_a_summary_and_exit_code_1(calm, tmp_path, monkeypatch):
    """An ensemble holding a broken run is run again run by run: the failure is run 2's, the others stored."""
    real_run = sim.run_ensemble

    def broken_run_2(scenario, seeds, **kwargs):
        if any(tuple(seed.spawn_key) == (2,) for seed in seeds):
            raise ValueError("run 2 broke")
        return real_run(scenario, seeds, **kwargs)

    monkeypatch.setattr(sim, "run_ensemble", broken_run_2)
    out = tmp_path / "store"
    result = CliRunner().invoke(app, ["batch", str(calm), "--runs", "4", "--workers", "1", "--out", str(out)])
    assert result.exit_code == 1
    assert "4/4 runs stored" in result.stdout and "1 failed" in result.stdout
    assert "calm run 2 (seed 0/2): ValueError: run 2 broke" in result.stderr
    assert sorted(load_batch(out).metrics["run"]) == [0, 1, 3]


def test_user_mistakes_are_one_line_and_exit_code_2(calm, tmp_path):
    runner = CliRunner()
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "bad"\nhorizon_months = 0\n', encoding="utf-8")
    result = runner.invoke(app, ["batch", str(bad), "--runs", "2", "--out", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0 and "horizon_months" in result.stderr
    assert not (tmp_path / "x").exists(), "nothing is written for a user mistake"
    twice = runner.invoke(app, ["batch", str(calm), str(calm), "--runs", "2", "--out", str(tmp_path / "y")])
    assert twice.exit_code == 2 and "name" in twice.stderr
    detail = runner.invoke(app, ["batch", str(calm), "--runs", "1", "--out", str(tmp_path / "z"), "--detail", "firms"])
    assert detail.exit_code == 2 and "detail" in detail.stderr


def test_an_explicit_ensemble_too_large_for_memory_is_refused(calm, tmp_path, monkeypatch):
    """--ensemble R: R runs of the scenario (bytes_per_run each) must fit the memory available: exit 2, one line."""
    from analysis.montecarlo import ensembles

    per_run = ensembles.bytes_per_run(sim.load_scenario(calm))
    monkeypatch.setattr(ensembles, "available_memory", lambda: 3 * per_run + per_run // 2)  # room for 3 runs
    runner, out = CliRunner(), tmp_path / "store"
    refused = runner.invoke(
        app, ["batch", str(calm), "--runs", "4", "--ensemble", "4", "--workers", "1", "--out", str(out)]
    )
    assert refused.exit_code == 2
    assert refused.stderr.strip().count("\n") == 0
    assert "ensemble: at most 3 run(s) an ensemble" in refused.stderr and "got 4" in refused.stderr
    assert not out.exists(), "nothing is written for a user mistake"
    fits = runner.invoke(
        app, ["batch", str(calm), "--runs", "4", "--ensemble", "3", "--workers", "1", "--out", str(out)]
    )
    assert fits.exit_code == 0, fits.stderr
    assert load_batch(out).manifest["settings"]["ensemble"] == 3
    # two workers hold two ensembles at once: 2 x 2 runs do not fit the room of 3
    two = runner.invoke(
        app, ["batch", str(calm), "--runs", "4", "--ensemble", "2", "--workers", "2", "--out", str(tmp_path / "two")]
    )
    assert two.exit_code == 2 and "at most 1 run(s) an ensemble: 2 worker(s)" in two.stderr
