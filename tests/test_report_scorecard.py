"""The report's priorities scorecard, scenario against scenario, on a small paired batch.

The scorecard's numbers are checked against the store's per-run metrics: the mean of each measure
over a scenario's runs, and the mean and standard error of the run-by-run difference.
"""

from __future__ import annotations

import html
import re

import numpy as np
import pytest
from helpers import sector, write_folder

from analysis.metrics.priorities import MEASURES, PRIORITIES
from analysis.montecarlo import load_batch, run_batch
from analysis.report import make_report
from analysis.report.scorecard import scorecard
from analysis.report.source import load_source

RUNS = 3
BASE = """name = "base"
horizon_months = 12
[economy]
data = "econ"
[stochastic]
productivity_sigma = 0.03
[[shock]]
kind = "capacity"
sectors = ["A", "B"]
start = 3
end = 5
loss = 0.8
"""
EXPORTS = BASE.replace('name = "base"', 'name = "exports"') + (
    "[[policy.export_development]]\ndemand_growth = 0.5\nguarantee = 0.5\nlearning_rate = 0.05\n"
)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    root = tmp_path_factory.mktemp("scorecard")
    provinces = [
        {"code": "P1", "name": "One", "population": 100, "region": "a"},
        {"code": "P2", "name": "Two", "population": 300, "region": "b"},
    ]
    cells = [(p["code"], s) for p in provinces for s in "ABCM"]
    write_folder(
        root / "econ",
        [
            sector("A", needs="true", import_share=0.05, labour_per_output=0.2),
            sector("B", sensitive="true", missing_link="true", labour_per_output=0.1),
            sector("C", complex_export="true", export_share=0.4, labour_per_output=0.1),
            sector("M", kind="mining", labour_per_output=0.3),
        ],
        [("A", "C", 0.1, True), ("B", "C", 0.2, True), ("B", "A", 0.05, False, 0.05), ("M", "B", 0.2, True)],
        {cell: 10.0 + 3 * i for i, cell in enumerate(cells)},
        provinces=provinces,
        capacity={cell: (2.5, 1.1 + 0.05 * i) for i, cell in enumerate(cells)},
        firms=dict.fromkeys(cells, 2),
    )
    (root / "base.toml").write_text(BASE)
    (root / "exports.toml").write_text(EXPORTS)
    out = root / "store"
    run_batch([root / "base.toml", root / "exports.toml"], RUNS, out, seed=5, workers=1, paired=True)
    return out


def test_the_scorecard_is_the_stores_priority_measures(store):
    report = make_report(store, compare_with="exports")
    table = report.scorecard.set_index("key")
    assert list(table.index) == list(MEASURES)
    assert list(dict.fromkeys(table["priority"])) == [f"({p.rank}) {p.title}" for p in PRIORITIES]
    metrics = load_batch(store).metrics
    base = metrics[metrics["scenario"] == "base"].set_index("run")
    other = metrics[metrics["scenario"] == "exports"].set_index("run")
    for key in MEASURES:
        assert table.loc[key, "base"] == pytest.approx(base[key].mean(), rel=1e-12), key
        assert table.loc[key, "exports"] == pytest.approx(other[key].mean(), rel=1e-12), key
        d = (other[key] - base[key]).to_numpy(float)
        assert table.loc[key, "difference"] == pytest.approx(d.mean(), rel=1e-12, abs=1e-15), key
        assert table.loc[key, "std. error"] == pytest.approx(d.std(ddof=1) / np.sqrt(RUNS), rel=1e-9, abs=1e-15), key
    # The lever raises complex exports run by run; the shock costs the needs sector output in both.
    assert (other["complex_exports"] > base["complex_exports"]).all()
    assert (base["needs_output_lost"] > 0.01).all()
    page = html.unescape(report.html)
    assert '<section id="priorities"><h2>Priorities scorecard</h2>' in report.html
    assert "The difference is exports minus base" in page
    label = re.escape("exports at the end, per month")
    row = re.search(rf"<tr><td[^>]*>\(4\) Complex products[^<]*</td><td[^>]*>{label}</td>(.*?)</tr>", page)
    shown = re.findall(r"<td>([^<]*)</td>", row.group(1))
    assert shown[:2] == [f"{base['complex_exports'].mean():,.0f}", f"{other['complex_exports'].mean():,.0f}"]


def test_one_source_has_one_column(store):
    source = load_source(store, "base")
    table = scorecard([source])
    assert "difference" not in table and "base" in table
    assert table.set_index("key").loc["theil", "base"] == pytest.approx(source.metrics["theil"].mean(), rel=1e-12)
