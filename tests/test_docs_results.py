"""The results table README.md and docs/metrics.md document is what the code gives.

README: ``growthsim run scenarios/baseline.toml --seed 1 --out rb && growthsim analyze rb``, and
the same for ``scenarios/combined_stress.toml``. The test runs exactly that (a run folder, then
``growthsim analyze`` with its shock-free pair) and compares every row of both documents'
tables that is a flat metric, as printed (so a change in the model or the metrics that moves a documented figure fails
here until the docs are updated).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import sim
from analysis.cli import app

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ("baseline", "combined_stress")
# Row label (start of the first cell) in each document -> (metric key, format).
ROWS = {
    "value-added growth in the first year": ("growth_national", "{:+.2%}"),
    "growth of value added in the first year": ("growth_national", "{:+.2%}"),
    "attainment in the first year": ("attainment_national", "{:.2f}"),
    "value-added growth a year over the five years": ("path_growth_national", "{:+.2%}"),
    "growth of value added over the run": ("path_growth_national", "{:+.2%}"),
    "path": ("path_attainment_national", "{:.2f}"),
    "endogenous share of the change in value added": ("endogenous_share", "{:.2f}"),
    "volatility of year-on-year growth": ("volatility_annual", "{:.2%}"),
    "maximum drawdown": ("max_drawdown", "{:.1%}"),
    "Theil T of value added per head": ("theil", "{:.3f}"),
}
# Rows read from other sections of metrics.json (issue 14's by-year growth and output lost to
# each constraint) are not compared here.
NOT_FLAT = ("growth by year", "output lost to")


def documented_table(path: Path, header: str) -> dict[str, list[str]]:
    """``{row label: [baseline cell, combined_stress cell]}`` of the table after ``header``."""
    text = path.read_text(encoding="utf-8")
    block = text[text.index(header) :]
    rows = {}
    for line in block.splitlines()[1:]:
        if not line.startswith("|"):
            if rows:
                break
            continue
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if cells[0] and not set(cells[1]) <= set("-: "):
            rows[cells[0]] = cells[1:]
    return rows


@pytest.fixture(scope="module")
def analysed(tmp_path_factory):
    root = tmp_path_factory.mktemp("documented")
    metrics = {}
    for name in SCENARIOS:
        out = root / name
        sim.run(ROOT / "scenarios" / f"{name}.toml", seed=1).write(out)
        result = CliRunner().invoke(app, ["analyze", str(out)])
        assert result.exit_code == 0, result.output
        metrics[name] = json.loads((out / "metrics.json").read_text(encoding="utf-8"))["metrics"]
    return metrics


@pytest.mark.parametrize(
    ("doc", "header"),
    [("README.md", "| | baseline | combined_stress |"), ("docs/metrics.md", "| metric | baseline | combined_stress |")],
)
def test_documented_results_table_is_what_the_code_gives(analysed, doc, header):
    table = documented_table(ROOT / doc, header)
    flat = {label: cells for label, cells in table.items() if not label.startswith(NOT_FLAT)}
    assert len(flat) == 8, table
    for label, cells in flat.items():
        key, form = next(value for start, value in ROWS.items() if label.startswith(start))
        got = [form.format(analysed[name][key]).replace("-0.0%", "0.0%") for name in SCENARIOS]
        assert got == cells, f"{doc}: {label}"
        if key == "attainment_national":
            target = re.search(r"(\d+\.\d+)%", label)
            assert target and f"{analysed['baseline']['target_national']:.2%}" == f"{target.group(1)}%"
