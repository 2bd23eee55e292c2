"""Recorded history and its replays: edge cases worked by hand (from the mutation run of
analysis/history/, docs/testing.md). tests/test_history.py has the main cases."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import one_sector_folder, scenario, sector, write_folder

from analysis.history.episodes import (
    SCENARIO_DIR,
    _twin_key,
    annual_value_added,
    episode_scenario,
    pair_tasks,
    replay,
    simulate_swings,
    swings_from_levels,
    twin_of,
)
from analysis.history.records import (
    Episode,
    episodes,
    facts_table,
    growth_statistics,
    growth_table,
    provincial_targets,
    recorded_range,
    recorded_swings,
)
from sim.errors import InputError

# --- records ---------------------------------------------------------------------------------


def _write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, encoding="utf-8")


def test_tables_are_read_from_the_given_folder_as_recorded(tmp_path):
    """Every reader takes the folder it is given; values stay as the file writes them (text where
    the docstring says so), and an empty cell is an empty string, not NaN."""
    _write(tmp_path, "growth.csv", "series,year_gregorian,growth_pct,source\nA,2010,1.5,s\nA,2011,-2.25,s\n")
    facts = "series,year_or_date,value,unit,source,note\nsteel,2018,1.50,Mt,s,\nfx,2019,2,x,s,NA\n"
    _write(tmp_path, "facts.csv", facts)
    _write(tmp_path, "provincial_targets.csv", "province,name,target_pct,source\nP1,One,9.60,s\nP2,Two,,s\n")
    episode_rows = 'episode,scenario,first_year,measures,description\ne1,e1.toml,2011,A B,"one line"\n'
    _write(tmp_path, "episodes.csv", episode_rows)

    growth = growth_table(tmp_path)
    assert list(growth["series"]) == ["A", "A"]
    assert pd.api.types.is_integer_dtype(growth["year_gregorian"]) and list(growth["year_gregorian"]) == [2010, 2011]
    assert list(growth["growth_pct"]) == [1.5, -2.25]

    facts = facts_table(tmp_path)
    assert list(facts["value"]) == ["1.50", "2"]  # as written, not the numbers 1.5 and 2.0
    assert list(facts["year_or_date"]) == ["2018", "2019"]
    assert list(facts["note"]) == ["", "NA"]  # neither is NaN

    targets = provincial_targets(tmp_path)
    assert targets["target_pct"].iloc[0] == 9.6 and np.isnan(targets["target_pct"].iloc[1])

    assert episodes(tmp_path) == [Episode("e1", "e1.toml", 2011, ("A", "B"), "one line")]


def test_every_packaged_episode_has_a_description():
    assert all(isinstance(e.description, str) and e.description.strip() for e in episodes())


GROWTH = pd.DataFrame(
    {
        "series": ["A", "A", "A", "A", "B"],
        "year_gregorian": [2010, 2011, 2012, 2013, 2010],
        "growth_pct": [2.0, -3.0, 1.0, 4.0, 7.0],
    }
)


def test_recorded_swings_are_years_one_to_n_with_named_columns():
    episode = Episode("e", "e.toml", 2011, ("A", "B"), "")
    swings = recorded_swings(episode, GROWTH)  # two years by default
    assert list(swings.columns) == ["episode", "measure", "year", "growth_pct", "before_pct", "swing"]
    assert list(swings["episode"]) == ["e"] * 4
    assert list(zip(swings["measure"], swings["year"], strict=True)) == [("A", 1), ("A", 2), ("B", 1), ("B", 2)]
    a = swings[swings["measure"] == "A"]
    assert list(a["growth_pct"]) == [-3.0, 1.0] and list(a["before_pct"]) == [2.0, 2.0]
    b = swings[swings["measure"] == "B"]  # B's year before (2010) is recorded, its years 1-2 are not
    assert list(b["before_pct"]) == [7.0, 7.0] and b["swing"].isna().all()
    three = recorded_swings(episode, GROWTH, years=3)
    assert list(three.loc[three["measure"] == "A", "swing"]) == [-5.0, -1.0, 2.0]  # -3, 1, 4 less 2


def test_recorded_range_without_any_recorded_measure():
    low, high, count = recorded_range(Episode("e", "e.toml", 2031, ("A", "B"), ""), 1, GROWTH)
    assert np.isnan(low) and np.isnan(high) and count == 0


def test_growth_statistics_on_short_and_gappy_series():
    growth = pd.DataFrame(
        {
            "series": ["C", "C", "C", "D", "D", "D", "E", "E", "F"],
            # C: 2010, 2011 and 2013 (one consecutive pair); D out of file order; F one year
            "year_gregorian": [2010, 2011, 2013, 2012, 2010, 2011, 2010, 2012, 2015],
            "growth_pct": [0.0, 0.5, -1.0, 4.0, 1.0, 2.0, 1.0, 3.0, -2.0],
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the guards give NaN without numpy's warnings
        c = growth_statistics("C", growth)
        d = growth_statistics("D", growth)
        e = growth_statistics("E", growth)
        f = growth_statistics("F", growth)
        none = growth_statistics("Z", growth)
    # C: mean -1/6, squared deviations 1/36 + 16/36 + 25/36 = 42/36, over n - 1 = 2: 7/12
    assert c["sd"] == pytest.approx(np.sqrt(7 / 12))
    assert c["contraction_share"] == pytest.approx(1 / 3)  # a year at exactly 0 is no contraction
    assert np.isnan(c["autocorr"]) and c["years"] == 3
    # D: two consecutive pairs (1, 2) and (2, 4) would correlate perfectly; three are needed
    assert np.isnan(d["autocorr"]) and d["contraction_share"] == 0.0
    assert e["sd"] == pytest.approx(np.sqrt(2.0))  # 1 and 3: deviations of 1, over n - 1 = 1
    assert np.isnan(f["sd"]) and f["contraction_share"] == 1.0 and f["years"] == 1
    assert np.isnan(none["sd"]) and np.isnan(none["autocorr"]) and np.isnan(none["contraction_share"])
    assert none["years"] == 0


def test_growth_statistics_reads_the_packaged_table_by_default():
    series = "industry_and_mining_value_added"
    assert growth_statistics(series) == growth_statistics(series, growth_table())


# --- simulated swings ------------------------------------------------------------------------


def test_annual_sums_take_the_first_years_only_and_name_a_short_series():
    monthly = np.arange(37.0)  # month m holds m; months 25-36 are not wanted
    np.testing.assert_allclose(annual_value_added(monthly, 2), [78.0, 222.0])  # 1 + .. + 12, 13 + .. + 24
    with pytest.raises(ValueError, match=re.escape("2 years need 24 months after month 0, got 23")):
        annual_value_added(np.arange(24.0), 2)


def test_swings_over_three_years_by_hand():
    # ratios 0.8, 0.9, 0.72: -20 points, then 0.9 / 0.8 - 1 = +12.5, then 0.72 / 0.9 - 1 = -20
    np.testing.assert_allclose(swings_from_levels([80.0, 90.0, 72.0], [100.0, 100.0, 100.0]), [-20.0, 12.5, -20.0])


def _noisy(tmp_path, **tables):
    """One sector at its capacity (output 100 = capacity), three firms with productivity noise and
    outages, so that a run depends on its seed."""
    data = write_folder(
        tmp_path / "noisy",
        sectors=[sector("N")],
        coefficients=[],
        demand={("P1", "N"): 100.0},
        capacity={("P1", "N"): (1.0, 1.0)},
        firms={("P1", "N"): 3},
    )
    stochastic = {"productivity_sigma": 0.05, "outage_rate": 0.2, "outage_months": 1, "outage_loss": 0.5}
    return scenario(data, horizon=24, stochastic=stochastic, **tables)


def test_an_episode_and_its_twin_draw_the_same_random_numbers(tmp_path):
    """Without scheduled shocks the episode is its twin, random shocks and all: every swing is 0
    only if both runs of a pair use the seed ``SeedSequence(seed).spawn(runs)[i]``."""
    swings = simulate_swings(_noisy(tmp_path), runs=2, seed=4, years=2)
    assert list(swings.index) == [0, 1, 2, 3]
    assert list(swings["run"]) == [0, 1, 0, 1] and list(swings["year"]) == [1, 1, 2, 2]
    np.testing.assert_array_equal(swings["swing"], 0.0)


def test_seeds_of_the_pairs_and_the_defaults(tmp_path):
    base = _noisy(tmp_path)
    tasks = pair_tasks(base, 3, 7, 2)
    expected = [(i, s.entropy, s.spawn_key) for i, s in enumerate(np.random.SeedSequence(7).spawn(3))]
    assert [(t.run, t.entropy, t.spawn_key) for t in tasks] == expected
    assert all(t.years == 2 and t.lead_years == 0 and t.scenario == base for t in tasks)

    shocked = base.with_changes(shock=[{"kind": "demand", "start": 1, "end": 6, "change": -0.05}])
    default = simulate_swings(shocked)  # 8 runs from master seed 0, two years
    assert list(default["run"]) == list(range(8)) * 2
    pd.testing.assert_frame_equal(default, simulate_swings(shocked, runs=8, seed=0, years=2))
    assert not simulate_swings(shocked, runs=8, seed=1)["swing"].equals(default["swing"])  # the seed matters

    class Reversed:
        """An executor handing results back in reverse order."""

        used = False

        def map_unordered(self, fn, tasks):
            Reversed.used = True
            return [fn(t) for t in reversed(list(tasks))]

    in_reverse = simulate_swings(shocked, runs=3, executor=Reversed())
    pd.testing.assert_frame_equal(in_reverse, simulate_swings(shocked, runs=3))
    assert Reversed.used


def test_twin_drops_the_scheduled_shocks_only_and_is_shared(tmp_path):
    one = _noisy(tmp_path, shock=[{"kind": "demand", "start": 1, "end": 6, "change": -0.05}])
    twin = twin_of(one)
    assert twin.name == "test (shock-free twin)" and twin.shock == [] and twin.stochastic == one.stochastic
    other = one.with_changes(
        name="other", description="another episode", shock=[{"kind": "demand", "start": 3, "end": 4, "change": -0.5}]
    )
    assert _twin_key(one) == _twin_key(other)  # one twin for episodes differing only in name and shocks
    assert _twin_key(one) != _twin_key(one.with_changes(horizon_months=36))


def _episode_file(folder: Path, name: str, shocks: str, horizon: int = 24, parameters: str = "") -> None:
    text = f'name = "{name}"\ndescription = "{name} here"\nhorizon_months = {horizon}\nfirst_calendar_month = 4\n'
    text += f'[economy]\ndata = "{folder / "data"}"\n{parameters}{shocks}'
    (folder / f"{name}.toml").write_text(text)


def _demand(start: int, end: int | None, change: float) -> str:
    return (
        f'[[shock]]\nkind = "demand"\nstart = {start}\n'
        + ("" if end is None else f"end = {end}\n")
        + (f"change = {change}\n")
    )


def _data(folder: Path) -> None:
    one_sector_folder(folder / "data")


def test_parameter_changes_reach_the_episode_and_its_replay(tmp_path):
    _data(tmp_path)
    _episode_file(tmp_path, "e", _demand(1, 12, -0.1), parameters="[parameters]\nbacklog_months = 3.0\n")
    changed = episode_scenario("e.toml", tmp_path, {"recovery_speed": 0.5})
    assert changed.parameters.recovery_speed == 0.5 and changed.parameters.backlog_months == 3.0
    assert episode_scenario("e.toml", tmp_path).parameters.recovery_speed != 0.5  # not the default
    catalogue = [Episode("e", "e.toml", 2021, ("A",), ""), Episode("d", "e.toml", 2020, ("A",), "")]
    replayed = replay(catalogue[0], tmp_path, {"recovery_speed": 0.5}, catalogue=catalogue)
    assert replayed.lead_years == 1  # a lender, so the scenario is rebuilt
    assert replayed.scenario.parameters.recovery_speed == 0.5 and replayed.scenario.parameters.backlog_months == 3.0


def test_lent_shocks_at_the_edges_of_the_span_and_the_horizon(tmp_path):
    """``mid`` (first year 2021, horizon 24, no year-before lender: nothing moves) borrows from
    ``next`` (2022, offset 12): a shock starting in month 13 is not of its first year; one from
    month 6 without an end ends at 12 and lands on months 18-24; one in month 12 lands on month 24,
    the horizon itself. Episodes two years before or after are outside the span ``2020 .. 2022``
    of two years judged; over three years the run goes on to month 36 and one two years after
    lends its first year to months 25-36."""
    _data(tmp_path)
    _episode_file(tmp_path, "mid", _demand(2, None, -0.1))
    _episode_file(tmp_path, "next", _demand(13, 13, -0.5) + _demand(6, None, -0.2) + _demand(12, 12, -0.3))
    _episode_file(tmp_path, "third", _demand(1, 12, -0.4))
    catalogue = [
        Episode("mid", "mid.toml", 2021, ("A",), ""),
        Episode("next", "next.toml", 2022, ("A",), ""),
        Episode("two_before", "absent.toml", 2019, ("A",), ""),
        Episode("two_after", "absent.toml", 2023, ("A",), ""),
    ]
    mid = replay(catalogue[0], tmp_path, catalogue=catalogue)
    assert (mid.lead_years, mid.lenders, mid.scenario.horizon_months) == (0, ("next",), 24)
    shocks = [(s.start, s.end, s.change) for s in mid.scenario.shock]
    assert shocks == [(2, None, -0.1), (18, 24, -0.2), (24, 24, -0.3)]
    third = Episode("third", "third.toml", 2023, ("A",), "")
    three = replay(catalogue[0], tmp_path, years=3, catalogue=[catalogue[0], third])
    assert (three.lead_years, three.lenders, three.scenario.horizon_months) == (0, ("third",), 36)
    assert [(s.start, s.end) for s in three.scenario.shock] == [(2, None), (25, 36)]


def test_a_year_before_lender_moves_the_episode_and_the_packaged_file_is_the_fallback(tmp_path):
    """``late`` (2021) borrows from ``early`` (2020, offset 0 with a year 0) and from the packaged
    summer-cuts file named for 2022 (offset 24), which the folder does not hold. Its own shock
    without an end moves a year later and stays without one; a lent shock over months 12-14 is cut
    at month 12."""
    _data(tmp_path)
    _episode_file(tmp_path, "late", _demand(3, None, -0.1))
    _episode_file(tmp_path, "early", _demand(12, 14, -0.2))
    summer = "2021_summer_power_cuts.toml"
    assert not (tmp_path / summer).exists()
    catalogue = [
        Episode("late", "late.toml", 2021, ("A",), ""),
        Episode("early", "early.toml", 2020, ("A",), ""),
        Episode("summer", summer, 2022, ("A",), ""),
    ]
    late = replay(catalogue[0], tmp_path, catalogue=catalogue)
    assert (late.lead_years, late.lenders, late.scenario.horizon_months) == (1, ("early", "summer"), 36)
    packaged = [(s.start + 24, min(s.end, 12) + 24) for s in episode_scenario(summer).shock]
    assert packaged  # the packaged file carries shocks within its first year
    moved = [(s.start, s.end) for s in late.scenario.shock]
    assert moved == [(15, None), (12, 12), *packaged]


def test_a_missing_lender_file_names_itself(tmp_path):
    _data(tmp_path)
    _episode_file(tmp_path, "after", _demand(1, 12, -0.1))
    catalogue = [Episode("after", "after.toml", 2021, ("A",), ""), Episode("ghost", "ghost.toml", 2020, ("A",), "")]
    with pytest.raises(InputError) as error:
        replay(catalogue[0], tmp_path, catalogue=catalogue)
    assert str(error.value) == f"{SCENARIO_DIR / 'ghost.toml'}: episodes.csv: the scenario file of episode ghost"


def test_a_replay_keeps_a_horizon_longer_than_the_years_judged(tmp_path):
    """25 months cover two years judged (24): kept; three years need 36: run on to month 36."""
    _data(tmp_path)
    _episode_file(tmp_path, "long", _demand(1, 12, -0.1), horizon=25)
    episode = Episode("long", "long.toml", 2021, ("A",), "")
    assert replay(episode, tmp_path, catalogue=[episode]).scenario.horizon_months == 25
    assert replay(episode, tmp_path, years=3, catalogue=[episode]).scenario.horizon_months == 36
