"""Recorded history: the packaged tables, the recorded swings and the simulated ones."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from helpers import scenario, sector, write_folder

from analysis.history.episodes import (
    SCENARIO_DIR,
    annual_value_added,
    band,
    episode_scenario,
    simulate_swings,
    swings_from_levels,
)
from analysis.history.records import (
    Episode,
    episodes,
    facts_table,
    growth_statistics,
    growth_table,
    history_dir,
    provincial_targets,
    recorded_range,
    recorded_swings,
)

GROWTH = pd.DataFrame(
    {
        "series": ["A", "A", "A", "A", "B", "B"],
        "year_gregorian": [2010, 2011, 2012, 2013, 2011, 2012],
        "growth_pct": [2.0, -3.0, 1.0, 4.0, -6.0, 0.5],
    }
)


def test_swing_is_growth_minus_growth_of_the_year_before():
    episode = Episode("e", "e.toml", 2011, ("A", "B"), "")
    swings = recorded_swings(episode, GROWTH).set_index(["measure", "year"])["swing"]
    assert swings[("A", 1)] == pytest.approx(-5.0)  # -3 - 2
    assert swings[("A", 2)] == pytest.approx(-1.0)  # 1 - 2
    assert np.isnan(swings[("B", 1)])  # B has no 2010: missing, not filled
    assert recorded_range(episode, 1, GROWTH) == (pytest.approx(-5.0), pytest.approx(-5.0), 1)
    later = Episode("f", "f.toml", 2012, ("A", "B"), "")
    low, high, count = recorded_range(later, 1, GROWTH)
    assert (low, high, count) == (pytest.approx(4.0), pytest.approx(6.5), 2)  # A: 1 - (-3); B: 0.5 - (-6)


def test_growth_statistics_by_hand():
    stats = growth_statistics("A", GROWTH)
    g = np.array([2.0, -3.0, 1.0, 4.0])
    assert stats["sd"] == pytest.approx(np.sqrt(((g - 1.0) ** 2).sum() / 3))
    assert stats["contraction_share"] == pytest.approx(0.25)
    assert stats["autocorr"] == pytest.approx(np.corrcoef([2.0, -3.0, 1.0], [-3.0, 1.0, 4.0])[0, 1])
    assert stats["years"] == 4


def test_packaged_tables_name_a_source_for_every_row():
    for table in (growth_table(), facts_table(), provincial_targets()):
        assert len(table) > 0
        assert (table["source"].str.strip() != "").all()
        assert (table["where_seen"].str.strip() != "").all()
    projects = pd.read_csv(history_dir().parent / "projects.csv", dtype=str, keep_default_na=False)
    assert (projects["source"].str.strip() != "").all() and (projects["where_seen"].str.strip() != "").all()


def test_recorded_figures_from_the_sources():
    """Spot checks against the cited figures (CBI 1390-1391, SCI 1400, budget bill 1401)."""
    growth = growth_table()
    im = growth[growth["series"] == "industry_and_mining_value_added"].set_index("year_gregorian")["growth_pct"]
    assert (im[2011], im[2012]) == (3.7, -9.5)
    targets = provincial_targets().set_index("name")["target_pct"]
    assert targets["Bushehr"] == 10.2 and targets["Khuzestan"] == 10.0 and targets["Ilam"] == 9.6
    assert targets["Tehran"] == 7.1 and targets["Iran"] == 8.0
    assert np.isnan(targets["Hormozgan"])  # ranked lowest, value not given: left missing


def test_every_episode_has_its_scenario_and_a_recorded_year_one():
    for episode in episodes():
        loaded = episode_scenario(episode.scenario)
        assert loaded.horizon_months >= 24
        assert loaded.first_calendar_month == 4
        assert recorded_range(episode, 1)[2] >= 1
        text = (SCENARIO_DIR / episode.scenario).read_text(encoding="utf-8")
        assert "Source" in text or "source" in text or "(" in text


def test_annual_sums_and_swings_by_hand():
    monthly = np.concatenate([[99.0], np.full(12, 10.0), np.full(12, 20.0)])
    np.testing.assert_allclose(annual_value_added(monthly, 2), [120.0, 240.0])
    with pytest.raises(ValueError):
        annual_value_added(monthly, 3)
    # year 1 at 80% of the twin, year 2 at 90%: -20 points, then growth 0.9 / 0.8 - 1 = +12.5 points above it
    np.testing.assert_allclose(swings_from_levels([80.0, 90.0], [100.0, 100.0]), [-20.0, 12.5])


def _one_sector(tmp_path):
    return write_folder(
        tmp_path / "one",
        sectors=[sector("N")],
        coefficients=[],
        demand={("P1", "N"): 100.0},
        capacity={("P1", "N"): (2.0, 1.0)},
    )


def test_a_one_year_demand_cut_swings_down_then_back(tmp_path):
    """Final demand -20% in months 1-12, no inputs, spare capacity: output follows demand."""
    shock = [{"kind": "demand", "start": 1, "end": 12, "change": -0.2}]
    swings = simulate_swings(scenario(_one_sector(tmp_path), horizon=24, shock=shock), runs=2, years=2)
    by_year = swings.groupby("year")["swing"].mean()
    assert by_year[1] == pytest.approx(-20.0, abs=0.5)
    assert by_year[2] == pytest.approx(25.0, abs=0.5)  # back to the twin: 1 / 0.8 - 1


def test_without_shocks_the_twin_is_the_run(tmp_path):
    swings = simulate_swings(scenario(_one_sector(tmp_path), horizon=24), runs=2, years=2)
    np.testing.assert_allclose(swings["swing"], 0.0, atol=1e-9)
    summary = band(swings)
    assert list(summary["runs"]) == [2, 2]


def test_history_command_prints_every_episode(tmp_path):
    from typer.testing import CliRunner

    from analysis.cli import app

    out = tmp_path / "history.csv"
    result = CliRunner().invoke(app, ["history", "--runs", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    for episode in episodes():
        assert episode.name in result.output
    table = pd.read_csv(out)
    assert set(table["year"]) == {1, 2} and len(table) == 2 * len(episodes())
    bad = CliRunner().invoke(app, ["history", "--scenarios", str(tmp_path / "nowhere")])
    assert bad.exit_code == 2 and "--scenarios" in bad.output
    empty = CliRunner().invoke(app, ["history", "--scenarios", str(tmp_path)])
    assert empty.exit_code == 2 and "at least one episode file" in empty.output


def test_history_replays_a_folder_holding_some_episodes_only():
    from typer.testing import CliRunner

    from analysis.cli import app

    result = CliRunner().invoke(app, ["history", "--runs", "1", "--scenarios", "scenarios/history/readings/highs"])
    assert result.exit_code == 0, result.output
    assert "2012_currency_sanctions" in result.output and "2018_sanctions" in result.output
    assert "2021_summer_power_cuts" not in result.output
