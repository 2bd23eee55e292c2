"""Every check a data folder can fail: one line naming file, row/column and expectation; exit code 2."""

from __future__ import annotations

import pandas as pd
import pytest
from helpers import sector, write_folder
from typer.testing import CliRunner

from analysis.cli import app


@pytest.fixture
def folder(tmp_path):
    return write_folder(
        tmp_path / "data",
        sectors=[sector("A", import_share=0.1), sector("B", kind="mining", import_share=0.05)],
        coefficients=[("A", "B", 0.2), ("B", "A", 0.3)],
        demand={("P1", "A"): 10.0, ("P1", "B"): 5.0, ("P2", "A"): 3.0},
        provinces=[{"code": "P1", "name": "One", "population": 10}, {"code": "P2", "name": "Two", "population": 5}],
        capacity={("P1", "A"): (1.5, 1.2), ("P1", "B"): (1.0, 1.0), ("P2", "A"): (1.0, 1.0)},
        firms={("P1", "A"): 3, ("P1", "B"): 2, ("P2", "A"): 1, ("P2", "B"): 1},
    )


def _validate(folder):
    scenario = folder.parent / "scenario.toml"
    scenario.write_text(f'name = "t"\nhorizon_months = 12\n[economy]\ndata = "{folder.name}"\n')
    return CliRunner().invoke(app, ["validate", str(scenario)])


def _edit(folder, name, change):
    path = folder / name
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table = change(table)
    table.to_csv(path, index=False)


def test_good_folder_validates(folder):
    result = _validate(folder)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK")


CASES = {
    "missing file": (lambda f: (f / "final_demand.csv").unlink(), "final_demand.csv: file: file is missing"),
    "missing column": (
        lambda f: _edit(f, "sectors.csv", lambda t: t.drop(columns=["kind"])),
        "sectors.csv: column 'kind': column is missing",
    ),
    "unknown province": (
        lambda f: _edit(f, "final_demand.csv", lambda t: t.replace({"province": {"P2": "P9"}})),
        "final_demand.csv: row 3, column 'province': a province code listed in provinces.csv, got 'P9'",
    ),
    "unknown sector": (
        lambda f: _edit(f, "io_coefficients.csv", lambda t: t.replace({"output": {"A": "Z"}})),
        "io_coefficients.csv: row 2, column 'output': a sector code listed in sectors.csv, got 'Z'",
    ),
    "duplicate row": (
        lambda f: _edit(f, "firms.csv", lambda t: pd.concat([t, t.iloc[[0]]])),
        "firms.csv: row 5: a unique (province, sector)",
    ),
    "negative value": (
        lambda f: _edit(f, "final_demand.csv", lambda t: t.assign(demand=["10", "-5", "3"])),
        "final_demand.csv: row 2, column 'demand': expected a number >= 0, got '-5'",
    ),
    "non-numeric value": (
        lambda f: _edit(f, "sectors.csv", lambda t: t.assign(import_share=["0.1", "lots"])),
        "sectors.csv: row 2, column 'import_share': expected a number, got 'lots'",
    ),
    "no value added": (
        lambda f: _edit(f, "io_coefficients.csv", lambda t: t.assign(coefficient=["0.2", "0.95"])),
        "io_coefficients.csv: column sum of output sector A: coefficients + import_share",
    ),
    "peak above installed": (
        lambda f: _edit(f, "capacity.csv", lambda t: t.assign(peak_ratio=["1.6", "1.0", "1.0"])),
        "capacity.csv: peak_ratio of P1/A: at most installed_ratio (1.5), got 1.6",
    ),
    "province without firms": (
        lambda f: (
            _edit(f, "firms.csv", lambda t: t[t.province != "P2"]),
            _edit(f, "capacity.csv", lambda t: t[t.province != "P2"]),
            _edit(f, "final_demand.csv", lambda t: t[t.province != "P2"]),
        ),
        "firms.csv: province P2: at least one firm, got none",
    ),
    "sector without firms": (
        lambda f: (
            _edit(f, "firms.csv", lambda t: t[t.sector != "B"]),
            _edit(f, "capacity.csv", lambda t: t[t.sector != "B"]),
            _edit(f, "final_demand.csv", lambda t: t[t.sector != "B"]),
        ),
        "firms.csv: sector B: at least one firm, got none",
    ),
    "final demand where no firm is": (
        lambda f: _edit(f, "firms.csv", lambda t: t[~((t.province == "P2") & (t.sector == "A"))]),
        "final_demand.csv: province P2, sector A: final demand only where firms.csv has firms",
    ),
    "bad boolean": (
        lambda f: _edit(f, "io_coefficients.csv", lambda t: t.assign(critical=["maybe", "true"])),
        "io_coefficients.csv: row 1, column 'critical': expected true or false, got 'maybe'",
    ),
    "bad kind": (
        lambda f: _edit(f, "sectors.csv", lambda t: t.assign(kind=["factory", "mining"])),
        "sectors.csv: row 1, column 'kind': expected one of mining, manufacturing, got 'factory'",
    ),
    "missing folder": (
        lambda f: [p.unlink() for p in f.iterdir()] and f.rmdir(),
        "[economy] data: an existing data folder",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_gives_one_line_and_exit_code_2(folder, case):
    breaks, message = CASES[case]
    breaks(folder)
    result = _validate(folder)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("error: ")
    assert message in lines[0]
    assert "Traceback" not in result.output
