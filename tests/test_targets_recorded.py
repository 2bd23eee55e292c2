"""The default economy's targets against the recorded 1401 provincial targets (docs/validation.md).

The recorded order is read from ``sim/data/history/provincial_targets.csv``: provinces with a value
are ordered by it, and the provinces the source names "among the lowest" (no value given) are below
every province with a value. Each recorded pair ``(higher, lower)`` is reproduced when the model's
target of ``higher`` is above that of ``lower``. The ranking is **not** fully reproduced; these
tests pin exactly which pairs are and are not, as docs/validation.md reports them, so that a change
of data or method that moves any of them fails here and the page is brought up to date.
"""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import pandas as pd
import pytest

from analysis.targets import ministry_targets
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
RECORDED = ROOT / "sim" / "data" / "history" / "provincial_targets.csv"
BASELINE = ROOT / "scenarios" / "baseline.toml"


def recorded_pairs() -> tuple[list[tuple[str, str]], pd.DataFrame]:
    """Pairs ``(higher, lower)`` of province codes in the recorded order, and the table itself."""
    table = pd.read_csv(RECORDED, dtype={"province": str})
    table = table[table["province"] != "nation"]
    valued = table.dropna(subset=["target_pct"]).sort_values("target_pct", ascending=False)
    ordered = zip(valued["province"], valued["target_pct"], strict=True)
    pairs = [(a, b) for (a, va), (b, vb) in combinations(ordered, 2) if va > vb]
    lowest = table.loc[table["rank_note"].fillna("").str.contains("among the lowest"), "province"]
    pairs += [(a, b) for a in valued["province"] for b in lowest]
    return pairs, table


def missed(targets: pd.Series) -> set[tuple[str, str]]:
    pairs, _ = recorded_pairs()
    return {(a, b) for a, b in pairs if not targets[a] > targets[b]}


@pytest.fixture(scope="module")
def default_run():
    return ministry_targets(load_scenario(BASELINE))


@pytest.fixture(scope="module")
def year_two():
    return ministry_targets(load_scenario(BASELINE), year=2)


def test_recorded_order_has_fourteen_pairs():
    pairs, table = recorded_pairs()
    assert len(table) == 6 and len(pairs) == 6 + 4 * 2  # four valued provinces, two "among the lowest"
    assert ("IR-18", "IR-06") in pairs and ("IR-23", "IR-22") in pairs


def test_default_command_misses_five_of_fourteen_pairs(default_run):
    """`growthsim targets` (60 months): Khuzestan above Bushehr; Ilam and Tehran below both of the
    provinces recorded among the lowest (Hormozgan, Lorestan)."""
    targets = default_run.provinces.set_index("province")["target"]
    lows = {("IR-16", "IR-22"), ("IR-16", "IR-15"), ("IR-23", "IR-22"), ("IR-23", "IR-15")}
    assert missed(targets) == {("IR-18", "IR-06")} | lows


def test_year_1401_reproduces_the_order_of_the_four_valued_provinces(year_two):
    """`growthsim targets --year 2` (1401 alone): Bushehr, Khuzestan, Ilam, Tehran in the recorded
    order (Bushehr above Khuzestan by 0.03 point, a tie within the data's precision); the four pairs
    with the provinces recorded among the lowest are still missed."""
    targets = year_two.provinces.set_index("province")["target"]
    assert missed(targets) == {("IR-16", "IR-22"), ("IR-16", "IR-15"), ("IR-23", "IR-22"), ("IR-23", "IR-15")}
    assert 0 < targets["IR-18"] - targets["IR-06"] < 0.0005


def test_sides_of_the_national_target(default_run, year_two):
    """Recorded: Bushehr, Khuzestan and Ilam above the national 8%, Tehran below. The model puts
    Bushehr and Khuzestan above its national mean and Tehran below, but Ilam below too."""
    _, table = recorded_pairs()
    national = pd.read_csv(RECORDED, dtype={"province": str}).set_index("province").loc["nation", "target_pct"]
    recorded_above = set(table.loc[table["target_pct"] > national, "province"])
    recorded_below = set(table.loc[table["target_pct"] < national, "province"])
    assert recorded_above == {"IR-18", "IR-06", "IR-16"} and recorded_below == {"IR-23"}
    for run in (default_run, year_two):
        targets = run.provinces.set_index("province")["target"]
        nation = run.national.loc["nation", "target"]
        assert {p for p in recorded_above | recorded_below if targets[p] > nation} == {"IR-18", "IR-06"}
