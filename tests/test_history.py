"""Recorded history: the packaged tables, the recorded swings and the simulated ones."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import one_sector_folder, scenario

from analysis.history.episodes import (
    SCENARIO_DIR,
    annual_value_added,
    band,
    episode_scenario,
    replay,
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


def test_swings_against_a_shocked_year_before_by_hand():
    # twin 100, 110, 121; episode at 98%, 98%, 104% of it. Year 0 lost 2 points of growth; year 1
    # grew as the twin did (0.98 / 0.98 - 1 = 0), 2 points more than year 0: +2.0; year 2 grew
    # 1.04 / 0.98 - 1 = 6.1224 points above the twin, 8.1224 more than year 0.
    swings = swings_from_levels([98.0, 107.8, 125.84], [100.0, 110.0, 121.0], lead_years=1)
    np.testing.assert_allclose(swings, [2.0, 100 * (1.04 / 0.98 - 0.98)])
    assert pytest.approx(8.12245, abs=1e-5) == 100 * (1.04 / 0.98 - 0.98)
    with pytest.raises(ValueError, match="lead_years"):
        swings_from_levels([1.0], [1.0], lead_years=2)


def _episode_file(folder: Path, name: str, data: Path, shocks: str, first_calendar_month: int = 4) -> None:
    text = f'name = "{name}"\nhorizon_months = 24\nfirst_calendar_month = {first_calendar_month}\n'
    text += f'[economy]\ndata = "{data}"\n{shocks}'
    (folder / f"{name}.toml").write_text(text)


def _demand(start: int, end: int, change: float) -> str:
    return f'[[shock]]\nkind = "demand"\nstart = {start}\nend = {end}\nchange = {change}\n'


def test_an_episode_after_a_recorded_year_is_replayed_with_it(tmp_path):
    """Year before: demand -20% all year; the episode: -10% in its year 1 and a month 14 cut that
    belongs to no first year. Output follows demand (one sector, no inputs, spare capacity)."""
    data = _one_sector(tmp_path)
    folder = tmp_path / "episodes"
    folder.mkdir()
    _episode_file(folder, "before", data, _demand(1, 12, -0.2) + _demand(13, 13, -0.5))
    _episode_file(folder, "after", data, _demand(1, 12, -0.1))
    _episode_file(folder, "far", data, _demand(1, 12, -0.3))
    catalogue = [
        Episode("before", "before.toml", 2020, ("A",), ""),
        Episode("after", "after.toml", 2021, ("A",), ""),
        Episode("far", "far.toml", 2024, ("A",), ""),  # outside both spans: never lent
    ]
    after = replay(catalogue[1], folder, catalogue=catalogue)
    assert (after.lead_years, after.lenders, after.scenario.horizon_months) == (1, ("before",), 36)
    # the lender's first twelve months only (its month-13 cut is the episode's year, not its own)
    assert sorted((s.start, s.end, s.change) for s in after.scenario.shock) == [(1, 12, -0.2), (13, 24, -0.1)]
    swings = simulate_swings(after.scenario, runs=1, years=2, lead_years=after.lead_years)
    by_year = swings.groupby("year")["swing"].mean()
    # year 0 at 0.8 of the twin, year 1 at 0.9, year 2 at 1: growth minus year 0's (-20 points)
    assert by_year[1] == pytest.approx(100 * (0.9 / 0.8 - 0.8), abs=0.5)  # +32.5
    assert by_year[2] == pytest.approx(100 * (1 / 0.9 - 0.8), abs=0.5)  # +31.1
    before = replay(catalogue[0], folder, catalogue=catalogue)
    assert (before.lead_years, before.lenders, before.scenario.horizon_months) == (0, ("after",), 24)
    assert sorted((s.start, s.end, s.change) for s in before.scenario.shock) == [
        (1, 12, -0.2),
        (13, 13, -0.5),
        (13, 24, -0.1),
    ]
    alone = replay(catalogue[2], folder, catalogue=catalogue)
    assert (alone.lead_years, alone.lenders) == (0, ())


def test_a_lender_in_another_calendar_is_refused(tmp_path):
    from sim.errors import InputError

    data = _one_sector(tmp_path)
    _episode_file(tmp_path, "before", data, _demand(1, 12, -0.2), first_calendar_month=1)
    _episode_file(tmp_path, "after", data, _demand(1, 12, -0.1))
    catalogue = [Episode("before", "before.toml", 2020, ("A",), ""), Episode("after", "after.toml", 2021, ("A",), "")]
    with pytest.raises(InputError, match="first_calendar_month") as error:
        replay(catalogue[1], tmp_path, catalogue=catalogue)
    expected = "first_calendar_month: 4, as in after.toml (its shocks are replayed there)"
    assert str(error.value) == f"{tmp_path / 'before.toml'}: {expected}"


def test_packaged_winter_episode_is_replayed_after_the_summer_of_1400():
    by_name = {e.name: e for e in episodes()}
    winter = replay(by_name["2022_23_winter_gas_cuts"])
    assert (winter.lead_years, winter.lenders, winter.scenario.horizon_months) == (1, ("2021_summer_power_cuts",), 36)
    # 1400's July-August cuts in months 4-5, January 2023 in month 12 + 10
    assert sorted({(s.start, s.end) for s in winter.scenario.shock}) == [(4, 5), (22, 22)]
    summer = replay(by_name["2021_summer_power_cuts"])
    assert (summer.lead_years, summer.scenario.horizon_months) == (0, 24)
    assert sorted({(s.start, s.end) for s in summer.scenario.shock}) == [(4, 5), (22, 22)]
    currency = replay(by_name["2012_currency_sanctions"])
    assert currency.lenders == () and currency.scenario == episode_scenario(by_name["2012_currency_sanctions"].scenario)


def _one_sector(tmp_path):
    return one_sector_folder(tmp_path / "one")


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


def test_independent_episode_files_each_replay_as_one_episode():
    from sim.scenario import load_scenario

    folders = sorted(p for p in (SCENARIO_DIR / "independent").iterdir() if p.is_dir())
    names = {e.scenario for e in episodes()}
    assert len(folders) == 8
    readme = (SCENARIO_DIR / "independent" / "README.md").read_text()
    for folder in folders:
        files = list(folder.glob("*.toml"))
        assert len(files) == 1 and files[0].name in names, folder
        assert f"`{folder.name}`" in readme
        assert load_scenario(files[0]).shock  # every file carries its recorded shocks
