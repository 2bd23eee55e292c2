"""growthsim report: every figure is in the page and beside it, and its numbers are the store's."""

from __future__ import annotations

import base64
import re

import numpy as np
import pandas as pd
import pytest
from report_helpers import HORIZON, RUNS, files, paired_store

import sim
from analysis.metrics.run_dir import analyze_run
from analysis.montecarlo import load_batch
from analysis.report import make_report, write_report
from analysis.report.build import FIGURE_ORDER as FIGURES
from analysis.report.build import files_dir

COMPARISON = ("difference_value_added", "difference_map_growth")
NUMBER = re.compile(r'data-key="([^"]+)" data-source="([^"]*)" data-value="([^"]+)"')


def quoted(page: str) -> dict[tuple[str, str], float]:
    """The exact values behind the numbers the text quotes, by (key, source)."""
    return {(key, source): float(value) for key, source, value in NUMBER.findall(page)}


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("report")
    paths = files(root)
    store = paired_store(root, [paths["base"], paths["stress"]])
    report = make_report(store, compare_with="stress")
    (root / "out").mkdir()
    out = write_report(report, root / "out" / "report.html")
    stored = load_batch(store)
    targets = pd.read_csv(paths["targets"], dtype={"sector": str})
    return {"report": report, "out": out, "batch": stored, "targets": targets, "paths": paths, "root": root}


def national_index(series: pd.DataFrame, scenario: str, sectors: list[str] | None = None) -> pd.DataFrame:
    """Runs x months: 100 V_t / V_0, from the stored national (or summed sector) series."""
    rows = series[series["scenario"] == scenario]
    if sectors is None:
        rows = rows[rows["level"] == "national"]
    else:
        rows = rows[(rows["level"] == "sector") & rows["code"].isin(sectors)]
    values = rows.pivot_table(index="run", columns="month", values="value_added", aggfunc="sum")
    return 100 * values.div(values[0], axis=0)


def metric(batch, scenario: str, key: str) -> pd.Series:
    metrics = batch.metrics
    return metrics[metrics["scenario"] == scenario].set_index("run")[key]


def test_every_figure_is_in_the_page_and_written_beside_it(batch):
    report, out = batch["report"], batch["out"]
    page = out.read_text(encoding="utf-8")
    assert [f.name for f in report.figures] == [*FIGURES, *COMPARISON]
    for fig in report.figures:
        png = files_dir(out) / f"{fig.name}.png"
        assert png.read_bytes() == fig.png and fig.png.startswith(b"\x89PNG\r\n\x1a\n")
        assert (
            f'id="img-{fig.name}" alt="{fig.title}" src="data:image/png;base64,{base64.b64encode(fig.png).decode()}"'
            in page
        )
    # Self-contained: nothing fetched from elsewhere, no scripts.
    assert "<script" not in page and "<link" not in page and not re.search(r'(src|href)="(https?:)?//', page)
    assert not list(out.parent.glob(".report.html-*")), "no temporary folder is left behind"


def test_the_text_quotes_the_store_metrics(batch):
    numbers = quoted(batch["out"].read_text(encoding="utf-8"))
    for scenario in ("base", "stress"):
        for key in (
            "reached_national",
            "reached_industry",
            "reached_mining",
            "reached_provinces",
            "reached_cells",
            "bottleneck_share",
            "endogenous_share",
            "idle_recovered_share",
            "exogenous_share",
        ):
            assert numbers[(key, scenario)] == pytest.approx(metric(batch["batch"], scenario, key).mean(), abs=1e-12)
        for key in ("growth_national", "target_national", "max_drawdown", "volatility_annual", "theil", "gini"):
            assert numbers[(key, scenario)] == pytest.approx(metric(batch["batch"], scenario, key).median(), abs=1e-12)
    # The stress scenario misses the national target more often than the base one (0 of 4 against 2 of 4).
    assert numbers[("reached_national", "stress")] < numbers[("reached_national", "base")]


def test_the_fan_chart_is_the_stored_national_series_against_the_target_path(batch):
    fig, series = batch["report"].figure("fan_charts"), batch["batch"].series
    for scenario in ("base", "stress"):
        index = national_index(series, scenario)
        table = fig.data["national"][scenario]
        np.testing.assert_allclose(table["q0.5"], index.median(), rtol=1e-12)
        np.testing.assert_allclose(table["q0.05"], index.quantile(0.05), rtol=1e-12)
        target = metric(batch["batch"], scenario, "target_national").iloc[0]
        assert table["target"].iloc[-1] == pytest.approx(100 * (1 + target) ** (HORIZON / 12), rel=1e-12)
        # A run ends on or above the compounded target path exactly when it ends above the path's end,
        # and reaches the year-1 target when its index at month 12 is on or above 100 (1 + t).
        reached = (index[HORIZON] >= table["target"].iloc[-1]).astype(float)
        path = metric(batch["batch"], scenario, "path_reached_national")
        pd.testing.assert_series_equal(reached, path, check_names=False)
        first = (index[12] >= table["target"].loc[12]).astype(float)
        pd.testing.assert_series_equal(first, metric(batch["batch"], scenario, "reached_national"), check_names=False)
        industry = national_index(series, scenario, ["24", "29"])
        np.testing.assert_allclose(fig.data["industry"][scenario]["q0.5"], industry.median(), rtol=1e-12)


def _province_growth(series: pd.DataFrame, scenario: str) -> pd.DataFrame:
    rows = series[(series["scenario"] == scenario) & (series["level"] == "province")]
    values = rows.pivot_table(index="run", columns=["code", "month"], values="value_added")
    start, end = values.xs(0, level="month", axis=1), values.xs(12, level="month", axis=1)  # the first year
    return pd.DataFrame(end.to_numpy() / start.to_numpy() - 1, index=start.index, columns=start.columns)


def test_the_maps_show_the_share_of_runs_reaching_each_target_and_idle_capacity_recovered(batch):
    cells, targets, series = batch["batch"].cells(), batch["targets"], batch["batch"].series
    start = cells[(cells["scenario"] == "base") & (cells["run"] == 0) & (cells["month"] == 0)]
    table = start.merge(targets, on=["province", "sector"])
    province_target = (table["value_added"] * table["target"]).groupby(table["province"]).sum() / table.groupby(
        "province"
    )["value_added"].sum()
    for scenario in ("base", "stress"):
        growth = _province_growth(series, scenario)
        expected = (growth >= province_target.reindex(growth.columns)).mean()
        shown = batch["report"].figure("map_probability").data[scenario]
        pd.testing.assert_series_equal(shown.sort_index(), expected.sort_index(), check_names=False)
        # Averaged over provinces, it is the mean share of provinces reaching their targets.
        assert shown.mean() == pytest.approx(metric(batch["batch"], scenario, "reached_provinces").mean(), abs=1e-12)
        rows = series[(series["scenario"] == scenario) & (series["level"] == "province")]
        idle = rows.pivot_table(index="run", columns=["code", "month"], values="idle_capacity")
        recovered = 1 - idle.xs(HORIZON, level="month", axis=1) / idle.xs(0, level="month", axis=1)
        np.testing.assert_allclose(
            batch["report"].figure("map_idle_recovered").data[scenario].sort_index(), recovered.median().sort_index()
        )
    shown = batch["report"].figure("map_probability").data
    assert any(0 < shown[s].sum() < 3 for s in ("base", "stress")), "the maps are not all 0 or all 1"


def test_the_heat_map_is_the_attainment_of_the_stored_cells(batch):
    cube, targets = batch["batch"].cells(), batch["targets"].set_index(["province", "sector"])["target"]
    for scenario in ("base", "stress"):
        rows = cube[cube["scenario"] == scenario]
        values = rows.pivot_table(index=["province", "sector"], columns=["run", "month"], values="value_added")
        start, end = values.xs(0, level="month", axis=1), values.xs(12, level="month", axis=1)
        # Each cell's attainment in each run, in the first year: (V_12 / V_0 - 1) / target; the
        # median over runs.
        ratio = (end / start - 1).div(targets.reindex(start.index), axis=0)
        expected = ratio.median(axis=1).unstack("sector")
        expected.index, expected.columns = expected.index.astype(str), expected.columns.astype(str)
        shown = batch["report"].figure("heatmap_attainment").data[scenario]
        pd.testing.assert_frame_equal(
            shown.loc[expected.index, expected.columns],
            expected,
            check_names=False,
            rtol=1e-12,
        )


def test_decomposition_volatility_inclusiveness_and_value_chain_are_the_run_metrics(batch):
    report, stored = batch["report"], batch["batch"]
    for scenario in ("base", "stress"):
        shares = report.figure("decomposition").data[scenario]
        for key in ("idle_recovered_share", "new_capacity_share", "exogenous_share"):
            assert shares.loc[key, "mean"] == pytest.approx(metric(stored, scenario, key).mean(), abs=1e-12)
        volatility = report.figure("volatility").data
        np.testing.assert_array_equal(volatility["max_drawdown"][scenario], metric(stored, scenario, "max_drawdown"))
        pooled = volatility["annual_growth"][scenario].reshape(RUNS, HORIZON - 11)
        np.testing.assert_allclose(pooled.std(axis=1), metric(stored, scenario, "volatility_annual"), rtol=1e-12)
        index = national_index(stored.series, scenario)
        year_on_year = index.to_numpy()[:, 12:] / index.to_numpy()[:, :-12] - 1  # V_t / V_{t-12} - 1
        np.testing.assert_allclose(pooled, year_on_year, rtol=1e-9)
        theil = report.figure("inclusiveness").data["theil"][scenario]
        assert theil["q0.5"].iloc[-1] == pytest.approx(metric(stored, scenario, "theil").median(), rel=1e-12)
        assert theil["q0.5"].iloc[0] == pytest.approx(metric(stored, scenario, "theil_start").median(), rel=1e-12)
        chain = report.figure("value_chain").data["sector"][scenario]
        assert chain["binding"].mean() == pytest.approx(metric(stored, scenario, "bottleneck_share").mean(), abs=1e-12)
    # Under the stress, capacity lost in mining (07) holds back its buyers 24 and 29 by inputs.
    stress = report.figure("value_chain").data["sector"]["stress"]
    assert set(stress.index[:2]) == {"24", "29"} and stress.loc["29", "inputs"] > 0.1


def test_the_comparison_is_paired_run_by_run(batch):
    report, stored = batch["report"], batch["batch"]
    keys = ["growth_national", "max_drawdown", "theil", "endogenous_share"]
    by_run = stored.metrics.set_index(["scenario", "run"])[keys]
    expected = by_run.loc["stress"] - by_run.loc["base"]  # the same run index is the same seed
    for key in keys:
        row = report.differences.loc[key]
        assert row["paired"] and row["n"] == RUNS
        assert row["mean"] == pytest.approx(expected[key].mean(), abs=1e-12)
        assert row["q0.5"] == pytest.approx(expected[key].median(), abs=1e-12)
        assert row["se"] == pytest.approx(expected[key].std(ddof=1) / np.sqrt(RUNS), abs=1e-12)
    diff = national_index(stored.series, "stress") - national_index(stored.series, "base")
    fan = report.figure("difference_value_added").data["national"]
    np.testing.assert_allclose(fan["q0.5"], diff.median(), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(fan["q0.95"], diff.quantile(0.95), rtol=1e-9, atol=1e-9)
    growth = _province_growth(stored.series, "stress") - _province_growth(stored.series, "base")
    shown = report.figure("difference_map_growth").data["growth"]
    np.testing.assert_allclose(shown["median"].sort_index(), growth.median().sort_index(), rtol=1e-12)
    assert "run by run over the runs that share a seed" in report.html


def test_a_single_run_folder_is_a_batch_of_one(batch):
    root, paths = batch["root"], batch["paths"]
    sim.run(paths["base"], seed=5).write(root / "run_base")
    sim.run(paths["stress"], seed=5).write(root / "run_stress")
    report = make_report(root / "run_base", compare_with=root / "run_stress", labels="fa")
    assert [f.name for f in report.figures] == [*FIGURES, *COMPARISON]
    table = report.figure("fan_charts").data["national"]["base"]
    np.testing.assert_array_equal(table["q0.05"], table["q0.95"])  # the bands collapse to the run's line
    assert set(report.figure("map_probability").data["base"].dropna()) <= {0.0, 1.0}
    numbers = quoted(report.html)
    analysed = analyze_run(root / "run_base")["metrics"]
    for key in ("reached_national", "growth_national", "endogenous_share"):
        assert numbers[(key, "base")] == pytest.approx(analysed[key], abs=1e-12)
    assert "a single run" in report.html and "every probability is 0 or 1" in report.html
    # Same seed in both folders: the difference is paired, and with one run its band is a line.
    assert report.differences["paired"].all() and (report.differences["n"] == 1).all()
    fan = report.figure("difference_value_added").data["national"]
    np.testing.assert_array_equal(fan["q0.05"], fan["q0.95"])
    # Persian names, marked right-to-left in the page.
    assert '<td class="text" lang="fa" dir="rtl">تهران</td>' in report.html


def test_a_summary_store_without_pairs_says_what_is_missing(tmp_path):
    from batch_helpers import small_economy, write_scenario

    from analysis.montecarlo import run_batch

    calm = write_scenario(tmp_path / "calm.toml", small_economy(tmp_path / "economy"), "calm")
    run_batch([calm], 2, tmp_path / "store", seed=1, workers=1)
    report = make_report(tmp_path / "store")
    names = [f.name for f in report.figures]
    assert "heatmap_attainment" not in names and report.missing == ["heatmap_attainment"]
    assert "--detail province-sector" in report.html and "growthsim batch --paired" in report.html
    assert report.figure("decomposition").notes == ["calm: no split (the shock-free pairs were not run)"]
    # Provinces without tiles (P1, P2) are drawn as bars with the same values.
    assert set(report.figure("map_probability").data["calm"].index) == {"P1", "P2"}
