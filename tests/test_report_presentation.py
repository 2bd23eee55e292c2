"""How the report reads: Jinja2 page, wording of a single run, names and units, province order,
calendar months, legends on every panel, colour bars that say where they clip."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from report_helpers import files

import sim
from analysis.report.build import make_report
from analysis.report.figure import province_order
from analysis.report.page import METRIC_NAMES


@pytest.fixture(scope="module")
def single_runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("presentation")
    paths = files(root)
    sim.run(paths["base"], seed=5).write(root / "run_base")
    sim.run(paths["stress"], seed=5).write(root / "run_stress")
    return make_report(root / "run_base", compare_with=root / "run_stress", pair=False)


def text_of(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def test_a_single_run_is_not_described_as_a_batch(single_runs):
    text = text_of(single_runs.html)
    for batch_phrase in ("median run", "of runs between", "mean over runs", "a probability of", "of runs are"):
        assert batch_phrase not in text, batch_phrase
    assert "the target was reached" in text or "the target was not reached" in text
    assert "(month 0 = 100)" in text


def test_the_comparison_table_has_names_and_units(single_runs):
    table = single_runs.html.split('id="comparison"')[1].split("</table>")[0]
    assert "value-added growth a year: nation</td>" in table and "percentage points</td>" in table
    assert "growth_national" not in table and "max_drawdown" not in table
    # The difference is in percentage points: 100 x the difference of the growth fractions.
    growth = single_runs.differences.loc["growth_national", "mean"]
    assert f"{100 * growth:+.2f}" in table
    assert all(unit for _, unit, _ in METRIC_NAMES.values())


def test_provinces_by_region_then_population():
    provinces = pd.DataFrame(
        {"region": ["b", "a", "b", "a"], "population": [10.0, 5.0, 30.0, 7.0]}, index=["P1", "P2", "P3", "P4"]
    )
    assert province_order(provinces) == ["P4", "P2", "P3", "P1"]


def test_the_page_lists_provinces_by_region_and_names_sectors(single_runs):
    table = single_runs.html.split('id="provinces"')[1]
    # report_helpers' regions: centre (Isfahan), north (Tehran), south (Khuzestan).
    assert table.index("Isfahan") < table.index("Tehran") < table.index("Khuzestan")
    assert "Sector 24" in single_runs.html  # sector names, not codes alone
    assert "billion rials" in single_runs.html and "economy's units" not in single_runs.html


def test_the_page_is_rendered_by_jinja2_with_every_section(single_runs):
    html = single_runs.html
    assert html.startswith("<!DOCTYPE html>") and "{{" not in html and "{%" not in html
    assert html.count("<figure>") == len(single_runs.figures)
    for anchor in ("summary", "fan_charts", "comparison", "provinces"):
        assert f'id="{anchor}"' in html


def test_fan_panels_have_legends_calendar_months_and_one_line_for_one_run(single_runs, monkeypatch):
    from analysis.report.figure import new_figure
    from analysis.report.figures import draw_fan

    months = pd.Index(np.arange(25.0))
    spread = pd.DataFrame(
        {c: np.linspace(100, 110 + k, 25) for k, c in enumerate(("q0.05", "q0.25", "q0.5", "q0.75", "q0.95"))},
        index=months,
    )
    one = pd.DataFrame(
        {c: np.linspace(100, 110, 25) for c in ("q0.05", "q0.25", "q0.5", "q0.75", "q0.95")}, index=months
    )
    fig = new_figure(6, 3)
    left, right = fig.subplots(1, 2)
    draw_fan(left, spread.assign(target=np.linspace(100, 120, 25)), "#1f77b4")
    draw_fan(right, one.assign(target=np.linspace(100, 120, 25)), "#1f77b4")
    assert left.get_legend_handles_labels()[1] == ["5-95% of runs", "25-75%", "median", "target path"]
    assert right.get_legend_handles_labels()[1] == ["the run", "target path"]
    # In the report every panel carries its legend (not the first alone), over calendar months.
    from analysis.report import figures

    drawn = []
    monkeypatch.setattr(figures, "to_png", lambda fig: drawn.append(fig) or b"")
    figures.fan_charts(single_runs.sources)
    (fig,) = drawn
    assert len(fig.axes) == 6 and all(ax.get_legend() is not None for ax in fig.axes)
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert ticks[0] == "Mar y0" and ticks[1] == "Sep y1"  # no dated history: month 1 is April of year 1


def test_colour_bars_say_where_they_clip():
    from analysis.report.figure import new_figure
    from analysis.tilegrid import TILES, draw_tile_map

    values = pd.Series(0.2, index=list(TILES))
    values.iloc[0], values.iloc[1] = -3.35, 1.4
    fig = new_figure(8, 6)
    bar = draw_tile_map(fig.add_subplot(), values, vmin=-1, vmax=1, value_format="{:.0%}", colorbar_label="share")
    assert bar.extend == "both"
    label = bar.ax.get_ylabel()
    assert "below -100% (lowest -335%)" in label and "above 100% (highest 140%)" in label
    inside = draw_tile_map(fig.add_subplot(), values.clip(-1, 1), vmin=-1, vmax=1, colorbar_label="share")
    assert inside.extend == "neither" and inside.ax.get_ylabel() == "share"
