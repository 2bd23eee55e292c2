"""growthsim report: a user mistake is one line on stderr, exit code 2, and nothing written."""

from __future__ import annotations

import pytest
from batch_helpers import small_economy, write_scenario
from typer.testing import CliRunner

import sim
from analysis.cli import app
from analysis.montecarlo import run_batch


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("report_cli")
    calm = write_scenario(root / "calm.toml", small_economy(root / "economy"), "calm")
    run_batch([calm], 1, root / "store", seed=1, workers=1)
    sim.run(calm, seed=1).write(root / "run")
    (root / "empty").mkdir()
    (root / "out").mkdir()
    return root


@pytest.mark.parametrize(
    ("arguments", "names"),
    [
        (["{root}/missing", "--out", "{root}/out/r.html"], ("missing", "folder")),
        (["{root}/empty", "--out", "{root}/out/r.html"], ("empty", "manifest.json", "run folder")),
        (["{root}/run", "--out", "{root}/nowhere/r.html"], ("nowhere", "out", "existing folder")),
        (["{root}/store", "--scenario", "storm", "--out", "{root}/out/r.html"], ("scenario", "calm", "storm")),
        (["{root}/store", "--compare", "storm", "--out", "{root}/out/r.html"], ("storm", "compare")),
        (["{root}/run", "--scenario", "calm", "--out", "{root}/out/r.html"], ("scenario", "batch store")),
        (["{root}/run", "--labels", "de", "--out", "{root}/out/r.html"], ("labels", "'en' or 'fa'")),
    ],
)
def test_mistakes_are_one_line_and_exit_code_2(folders, arguments, names):
    result = CliRunner().invoke(app, ["report", *[a.format(root=folders) for a in arguments]])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: ") and result.stderr.strip().count("\n") == 0
    assert all(name in result.stderr for name in names), result.stderr
    assert list((folders / "out").iterdir()) == [], "nothing is written for a user mistake"
