"""The results table README.md and docs/metrics.md document is what the code gives.

README: ``growthsim run scenarios/baseline.toml --seed 1 --out rb && growthsim analyze rb``, and
the same for ``scenarios/combined_stress.toml``. The test runs exactly that (a run folder, then
``growthsim analyze`` with its shock-free pair) and compares every row of both documents'
tables that is a flat metric, as printed (so a change in the model or the metrics that moves a documented figure fails
here until the docs are updated).

docs/priorities.md, the same commands: both tables (two more runs and their pairs,
``scenarios/complex_exports.toml`` and ``scenarios/priority_rationing.toml``), and the sentence on
national growth below the first.
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


def _analysed_metrics(root, names) -> dict:
    """``growthsim analyze`` of each named library scenario run with seed 1: its metrics."""
    metrics = {}
    for name in names:
        out = root / name
        sim.run(ROOT / "scenarios" / f"{name}.toml", seed=1).write(out)
        result = CliRunner().invoke(app, ["analyze", str(out)])
        assert result.exit_code == 0, result.output
        metrics[name] = json.loads((out / "metrics.json").read_text(encoding="utf-8"))["metrics"]
    return metrics


@pytest.fixture(scope="module")
def analysed(tmp_path_factory):
    return _analysed_metrics(tmp_path_factory.mktemp("documented"), SCENARIOS)


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


PRIORITIES = ROOT / "docs" / "priorities.md"


def _pct(key):
    return lambda m: f"{m[key]:.2%}"


def _signed(key):
    return lambda m: f"{m[key]:+.2%}"


def _unmet(group):
    return lambda m: f"{m[group + '_unmet_share']:.2%} ({100 * m[group + '_unmet_excess']:.2f} pp)"


# (priority, measure) of docs/priorities.md's tables -> the cell as printed from metrics.json.
PRIORITY_ROWS = {
    ("(1) needs", "unmet final demand, share"): _pct("needs_unmet_share"),
    ("(2) sensitive", "unmet final demand, share"): _pct("sensitive_unmet_share"),
    ("(3) missing links", "value chains with a binding bottleneck"): _pct("bottleneck_share"),
    ("(3) missing links", "imports of missing-link goods replaced"): _pct("imports_replaced"),
    ("(4) complex exports", "exports at month 60, billion rials a month"): lambda m: f"{m['complex_exports']:,.0f}",
    ("(4) complex exports", "growth of their exports, a year"): _signed("complex_exports_growth"),
    ("(4) complex exports", "growth of their value added, a year"): _signed("complex_value_added_growth"),
    ("(4) complex exports", "share of all exports at month 60"): _pct("complex_export_share"),
    ("(5) inclusive", "Theil T of value added per head, month 60"): lambda m: f"{m['theil']:.4f}",
    ("(1) needs", "output lost to the shocks"): _pct("needs_output_lost"),
    ("(1) needs", "unmet final demand, share (excess over the pair)"): _unmet("needs"),
    ("(2) sensitive", "output lost to the shocks"): _pct("sensitive_output_lost"),
    ("(2) sensitive", "unmet final demand, share (excess over the pair)"): _unmet("sensitive"),
    ("(5) inclusive", "Theil T at month 60"): lambda m: f"{m['theil']:.4f}",
}
# Month-0 figures the labels quote: (label start, key, format).
STARTS = {"share of all exports": ("complex_export_share_start", "{:.2%}"), "Theil T of": ("theil_start", "{:.4f}")}


def priority_rows(header: str) -> list[tuple[str, str, list[str]]]:
    """``(priority, measure, cells)`` of the table after ``header``, the priority carried down."""
    group = ""
    rows = []
    text = PRIORITIES.read_text(encoding="utf-8")
    for line in text[text.index(header) :].splitlines()[2:]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        group = cells[0] or group
        rows.append((group, cells[1], cells[2:]))
    return rows


def _measure(group: str, label: str):
    """The printer of a row; a label's closing ``(X at month 0)`` is checked apart."""
    key = (group, re.sub(r" \([^()]* at month 0\)$", "", label))
    assert key in PRIORITY_ROWS, key
    return PRIORITY_ROWS[key]


@pytest.fixture(scope="module")
def variants(tmp_path_factory):
    root = tmp_path_factory.mktemp("documented_priorities")
    return _analysed_metrics(root, ("complex_exports", "priority_rationing"))


def test_priorities_complex_exports_table_is_what_the_code_gives(analysed, variants):
    complex_exports = variants["complex_exports"]
    sources = (analysed["baseline"], complex_exports)
    rows = priority_rows("| priority | measure | baseline | complex_exports |")
    assert len(rows) == 9, rows
    for group, label, cells in rows:
        printed = _measure(group, label)
        assert [printed(m) for m in sources] == cells, (group, label)
        for start, (key, form) in STARTS.items():
            if label.startswith(start):
                assert f"({form.format(sources[0][key])} at month 0)" in label, label
    sentence = (
        f"National value added grows {complex_exports['path_growth_national']:.2%} a year instead of "
        f"{analysed['baseline']['path_growth_national']:.2%}"
    )
    assert sentence in " ".join(PRIORITIES.read_text(encoding="utf-8").split())


def test_priorities_rationing_table_is_what_the_code_gives(analysed, variants):
    sources = (analysed["combined_stress"], variants["priority_rationing"])
    rows = priority_rows("| priority | measure | combined_stress (proportional) | priority_rationing |")
    assert len(rows) == 6, rows
    for group, label, cells in rows:
        printed = _measure(group, label)
        assert [printed(m) for m in sources] == cells, (group, label)
