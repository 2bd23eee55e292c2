"""Scenario files: strict validation, one-line errors naming the key, exit code 2."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from analysis.cli import app
from sim.scenario import load_scenario

GOOD = """
name = "t"
description = "a test"
horizon_months = 24
[economy]
data = "default"
[[shock]]
kind = "demand"
sectors = ["10"]
start = 3
end = 6
change = -0.1
"""


def _write(tmp_path, text):
    path = tmp_path / "s.toml"
    path.write_text(text)
    return path


def test_good_scenario_loads(tmp_path):
    scenario = load_scenario(_write(tmp_path, GOOD))
    assert scenario.horizon_months == 24
    assert scenario.shock[0].change == -0.1
    assert scenario.shock[0].provinces is None


CASES = {
    "unknown key": (GOOD + "colour = 'red'\n", "colour: not a known key"),
    "unknown key in a shock": (
        GOOD.replace("change = -0.1", "change = -0.1\nsize = 3"),
        "shock[0].size: not a known key",
    ),
    "wrong type": (GOOD.replace("horizon_months = 24", "horizon_months = 'long'"), "horizon_months: "),
    "month outside the horizon": (GOOD.replace("end = 6", "end = 30"), "shock[0].end: a month within the horizon"),
    "start after end": (GOOD.replace("start = 3", "start = 9"), "end (6) must not be before start (9)"),
    "unknown sector": (GOOD.replace('["10"]', '["99"]'), "shock[0].sectors: a sector code of the economy, got '99'"),
    "unknown kind": (GOOD.replace('kind = "demand"', 'kind = "meteor"'), "shock[0]: kind must be one of"),
    "bad TOML": ("name = ", "TOML: valid TOML"),
    "missing data folder": (GOOD.replace('"default"', '"nowhere"'), "[economy] data: an existing data folder"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_scenario_errors(tmp_path, case):
    text, message = CASES[case]
    result = CliRunner().invoke(app, ["validate", str(_write(tmp_path, text))])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    assert message in lines[0], lines[0]


def test_run_rejects_bad_scenario_without_writing(tmp_path):
    out = tmp_path / "out"
    path = _write(tmp_path, GOOD + "colour = 'red'\n")
    result = CliRunner().invoke(app, ["run", str(path), "--out", str(out)])
    assert result.exit_code == 2
    assert not out.exists()


def test_missing_optional_package_is_one_line_naming_the_extra(monkeypatch):
    """A command that needs an optional package not installed says which extra to install."""
    import typer

    from analysis.cli_support import user_errors

    @user_errors
    def needs_matplotlib():
        raise ModuleNotFoundError("No module named 'matplotlib'", name="matplotlib")

    with pytest.raises(typer.Exit) as exit_info:
        needs_matplotlib()
    assert exit_info.value.exit_code == 2

    @user_errors
    def broken_import():
        raise ModuleNotFoundError("No module named 'nonsense'", name="nonsense")

    with pytest.raises(ModuleNotFoundError):  # a real bug is not dressed up as a user mistake
        broken_import()
