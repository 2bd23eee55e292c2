"""The five priorities' measures on a hand-worked case, in metrics.json, the summary and the store.

The hand-worked case is the one in docs/metrics.md ("The five priorities"): sectors A (needs,
missing link), B (sensitive, complex export) and C (complex export), one province, months 0-2;
every expected value is worked out by hand from the numbers below.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import sector, write_folder
from typer.testing import CliRunner

import sim
from analysis.cli import app
from analysis.metrics import METRIC_KEYS, analyze_store, run_metrics
from analysis.metrics.priorities import KEYS, MEASURES, PRIORITIES, PriorityTags, priorities, section

ROOT = Path(__file__).resolve().parent.parent


def frame(output, final, unmet, exports, value_added, peak) -> pd.DataFrame:
    """Trajectories of one province: ``{column: {sector: [month 0, 1, 2]}}`` given by sector."""
    rows = []
    for s in "ABC":
        for t in range(3):
            rows.append(
                {
                    "month": t,
                    "province": "P",
                    "sector": s,
                    "output": output[s][t],
                    "final_demand": final[s][t],
                    "unmet_final_demand": unmet[s][t],
                    "exports": exports[s][t],
                    "value_added": value_added[s][t],
                    "peak_output": peak[s],
                }
            )
    return pd.DataFrame(rows)


TAGS = PriorityTags(
    sectors={"needs": ("A",), "sensitive": ("B",), "missing_link": ("A",), "complex_export": ("B", "C")},
    # imported[j, s]: import of good j per unit of output of s; goods A, B, C in rows.
    imported=pd.DataFrame([[0.0, 0.1, 0.2], [0.0, 0.0, 0.0], [0.3, 0.0, 0.0]], index=list("ABC"), columns=list("ABC")),
)
PEAK = {"A": 11.0, "B": 25.0, "C": 5.0}
RUN = frame(
    output={"A": [10, 9, 12], "B": [20, 18, 21], "C": [5, 5, 6]},
    final={"A": [6, 6, 8], "B": [10, 10, 10], "C": [2, 2, 3]},
    unmet={"A": [0, 1, 0.5], "B": [0, 2, 0], "C": [0, 0, 0]},
    exports={"A": [4, 4, 1], "B": [4, 4, 6], "C": [2, 1, 3]},
    value_added={"A": [3, 3, 3], "B": [5, 5, 6], "C": [1, 1, 2]},
    peak=PEAK,
)
PAIR = frame(
    output={"A": [10, 11, 12], "B": [20, 20, 22], "C": [5, 5, 6]},
    final={"A": [6, 6, 8], "B": [10, 10, 10], "C": [2, 2, 3]},
    unmet={"A": [0, 0, 0.5], "B": [0, 0, 0], "C": [0, 0, 0]},
    exports={"A": [4, 4, 1], "B": [4, 4, 6], "C": [2, 1, 3]},
    value_added={"A": [3, 3, 3], "B": [5, 5, 6], "C": [1, 1, 2]},
    peak=PEAK,
)


def test_the_hand_worked_case():
    flat = priorities(RUN, PAIR, TAGS)
    assert set(flat) == set(KEYS)
    # (1) needs: output lost (11 - 9 + 12 - 12) / (11 + 12); unmet (1 + 0.5) / (6 + 8), pair 0.5 / 14.
    assert flat["needs_output_lost"] == pytest.approx(2 / 23, abs=1e-12)
    assert flat["needs_unmet_share"] == pytest.approx(1.5 / 14, abs=1e-12)
    assert flat["needs_unmet_excess"] == pytest.approx(1.0 / 14, abs=1e-12)
    # (2) sensitive (B): lost (2 + 1) / (20 + 22); unmet 2 / 20, the pair none.
    assert flat["sensitive_output_lost"] == pytest.approx(3 / 42, abs=1e-12)
    assert flat["sensitive_unmet_share"] == pytest.approx(0.1, abs=1e-12)
    assert flat["sensitive_unmet_excess"] == pytest.approx(0.1, abs=1e-12)
    # (3) M_A = 0.1 x 20 + 0.2 x 5 = 3; A above its peak of 11: 0 then 1 -> 1 / (2 x 3).
    assert flat["imports_replaced"] == pytest.approx(1 / 6, abs=1e-12)
    # (4) complex exports B + C: 6, 5, 9 out of 10, 9, 10; value added 6, 6, 8.
    assert flat["complex_exports"] == pytest.approx(9.0, abs=1e-12)
    assert flat["complex_exports_growth"] == pytest.approx(1.5**6 - 1, abs=1e-12)
    assert flat["complex_value_added_growth"] == pytest.approx((8 / 6) ** 6 - 1, abs=1e-12)
    assert flat["complex_export_share"] == pytest.approx(0.9, abs=1e-12)
    assert flat["complex_export_share_start"] == pytest.approx(0.6, abs=1e-12)


def test_imports_replaced_is_capped_at_the_imports_of_the_good():
    """Output of A 7 above its peak against imports of 3: 3 counts, and month 1's 0 counts 0."""
    run = RUN.copy()
    run.loc[(run["sector"] == "A") & (run["month"] == 2), "output"] = 18.0
    assert priorities(run, PAIR, TAGS)["imports_replaced"] == pytest.approx(3 / 6, abs=1e-12)


def test_without_the_pair_or_the_tags():
    flat = priorities(RUN, None, TAGS)
    for key in ("needs_output_lost", "needs_unmet_excess", "sensitive_output_lost", "sensitive_unmet_excess"):
        assert np.isnan(flat[key])
    assert flat["needs_unmet_share"] == pytest.approx(1.5 / 14, abs=1e-12)
    assert all(np.isnan(v) for v in priorities(RUN, PAIR, None).values())
    untagged = PriorityTags({tag: () for tag in TAGS.sectors}, TAGS.imported)
    assert all(np.isnan(v) for v in priorities(RUN, PAIR, untagged).values())


def test_trajectories_without_exports_give_nan_for_what_needs_them():
    """A run recorded before the exports columns: the measures that need them are NaN, the rest stand."""
    flat = priorities(RUN.drop(columns=["exports", "unmet_final_demand"]), PAIR, TAGS)
    for key in ("needs_unmet_share", "needs_unmet_excess", "complex_exports", "complex_export_share"):
        assert np.isnan(flat[key]), key
    assert flat["needs_output_lost"] == pytest.approx(2 / 23, abs=1e-12)
    assert flat["imports_replaced"] == pytest.approx(1 / 6, abs=1e-12)


def test_section_has_five_entries_with_their_measures():
    flat = {**priorities(RUN, PAIR, TAGS), "bottleneck_share": 0.25, "theil": 0.1, "theil_start": 0.2}
    entries = section(flat, TAGS)
    assert list(entries) == ["needs", "sensitive", "missing_links", "complex_exports", "inclusive"]
    assert [e["rank"] for e in entries.values()] == [1, 2, 3, 4, 5]
    assert entries["missing_links"]["measures"] == {"bottleneck_share": 0.25, "imports_replaced": pytest.approx(1 / 6)}
    assert entries["complex_exports"]["sectors"] == ["B", "C"]
    assert entries["inclusive"]["measures"] == {"theil": 0.1, "theil_start": 0.2}
    assert set(KEYS) <= set(METRIC_KEYS)


def test_the_docs_table_of_tags_is_the_default_data():
    """docs/priorities.md lists, for each tag, exactly the divisions sectors.csv tags."""
    economy = sim.load_economy("default")
    text = (ROOT / "docs" / "priorities.md").read_text(encoding="utf-8")
    for tag in ("needs", "sensitive", "missing_link", "complex_export"):
        row = re.search(rf"^\| [^|]+ \| `{tag}` \| ([^|]+) \|", text, re.M)
        assert row is not None, tag
        listed = sorted(re.findall(r"\b(\d\d)\b", row.group(1)))
        tagged = sorted(c for c, flag in zip(economy.sector_codes, economy.tag(tag), strict=True) if flag)
        assert listed == tagged, tag


SCENARIO = """
name = "needs_cut"
horizon_months = 12
[economy]
data = "econ"
[[shock]]
kind = "capacity"
sectors = ["A"]
start = 3
end = 5
loss = 0.8
"""


def test_analyze_writes_the_priorities_section(tmp_path):
    """On a run folder: five entries; the shock to the needs sector A shows as its output lost."""
    write_folder(
        tmp_path / "econ",
        [
            sector("A", needs="true", labour_per_output=0.1),
            sector("B", sensitive="true", complex_export="true", export_share=0.5, import_share=0.05),
            sector("C", missing_link="true", complex_export="true", export_share=0.2),
        ],
        [("A", "B", 0.2, True), ("B", "C", 0.1, False), ("C", "B", 0.1, True, 0.05)],
        {("P1", "A"): 100.0, ("P1", "B"): 80.0, ("P1", "C"): 40.0},
        capacity={("P1", s): (2.0, 1.2) for s in "ABC"},
    )
    (tmp_path / "s.toml").write_text(SCENARIO)
    out = tmp_path / "run"
    runner = CliRunner()
    assert runner.invoke(app, ["run", str(tmp_path / "s.toml"), "--seed", "2", "--out", str(out)]).exit_code == 0
    result = runner.invoke(app, ["analyze", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads((out / "metrics.json").read_text())
    entries = data["priorities"]
    assert list(entries) == [p.key for p in PRIORITIES]
    assert entries["needs"]["sectors"] == ["A"] and entries["complex_exports"]["sectors"] == ["B", "C"]
    assert entries["needs"]["measures"]["needs_output_lost"] > 0.01
    assert entries["missing_links"]["measures"]["bottleneck_share"] == data["inclusiveness"]["bottleneck_share"]
    assert entries["inclusive"]["measures"]["theil"] == data["inclusiveness"]["theil"]
    trajectories = pd.read_parquet(out / "trajectories.parquet")
    exports = trajectories[trajectories["sector"].isin(["B", "C"])].groupby("month")["exports"].sum()
    assert entries["complex_exports"]["measures"]["complex_exports"] == pytest.approx(exports.iloc[-1], rel=1e-12)
    assert "The ministry's five priorities" in result.output
    assert "(4) Complex products, for export development (sectors B, C)" in result.output


def test_the_store_has_priorities_and_their_paired_differences(tmp_path):
    """Two scenarios, three runs each: distributions by priority and differences run by run."""
    store = tmp_path / "store"
    (store / "metrics").mkdir(parents=True)
    (store / "manifest.json").write_text(json.dumps({"kind": "batch"}))
    base = {"complex_exports": [10.0, 12.0, 14.0], "needs_output_lost": [0.0, 0.1, 0.2]}
    other = {"complex_exports": [13.0, 12.0, 20.0], "needs_output_lost": [0.1, 0.1, 0.1]}
    rows = []
    for name, values in (("base", base), ("exports", other)):
        for run in range(3):
            row = dict.fromkeys(METRIC_KEYS, 0.5)
            row.update({"scenario": name, "run": run, **{k: v[run] for k, v in values.items()}})
            rows.append(row)
    pd.DataFrame(rows).to_parquet(store / "metrics" / "part-0.parquet")
    result = analyze_store(store)
    entry = result["scenarios"]["exports"]["priorities"]
    assert list(entry) == [p.key for p in PRIORITIES]
    assert entry["complex_exports"]["complex_exports"]["mean"] == pytest.approx(15.0)
    differences = result["priority_comparison"]["exports"]
    assert differences["versus"] == "base"
    assert set(MEASURES) <= set(differences)
    # Run by run: 3, 0, 6 -> mean 3, sd 3, se 3 / sqrt(3); needs: 0.1, 0, -0.1 -> mean 0.
    assert differences["complex_exports"]["mean"] == pytest.approx(3.0)
    assert differences["complex_exports"]["se"] == pytest.approx(3.0 / np.sqrt(3))
    assert differences["needs_output_lost"]["mean"] == pytest.approx(0.0, abs=1e-12)
    text = CliRunner().invoke(app, ["analyze", str(store)]).output
    assert "== priorities: exports minus base, run by run" in text
    assert "exports at the end, per month" in text


def test_run_metrics_takes_the_tags(tmp_path):
    """run_metrics with tags fills the priority keys; without, they are NaN (the flat keys stay fixed)."""
    write_folder(
        tmp_path / "econ",
        [sector("A", needs="true"), sector("B", complex_export="true", export_share=0.4)],
        [("A", "B", 0.2, True)],
        {("P1", "A"): 100.0, ("P1", "B"): 80.0},
    )
    scenario = sim.scenario_from_dict({"name": "t", "horizon_months": 3, "economy": {"data": str(tmp_path / "econ")}})
    results = sim.run(scenario, seed=1)
    tags = PriorityTags.from_economy(sim.world_for(scenario).economy)
    with_tags = run_metrics(results.trajectories, tags=tags)
    without = run_metrics(results.trajectories)
    assert list(with_tags) == list(without) == list(METRIC_KEYS)
    assert with_tags["complex_export_share"] == pytest.approx(1.0)
    assert np.isnan(without["complex_export_share"])
