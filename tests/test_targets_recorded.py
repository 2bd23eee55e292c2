"""The default economy's targets against the recorded 1401 provincial targets (docs/validation.md).

The recorded order is read from ``sim/data/history/provincial_targets.csv`` scope by scope
(:mod:`analysis.history.recorded_targets`): provinces with a value are ordered by it, and the
provinces the source names "among the lowest" (no value given) are below every province with a
value. Each recorded pair ``(higher, lower)`` is reproduced when the model's target of ``higher``
is above that of ``lower``. The ranking is **not** fully reproduced; these
tests pin exactly which pairs are and are not, as docs/validation.md reports them, so that a change
of data or method that moves any of them fails here and the page is brought up to date.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.history.recorded_targets import compare_targets, recorded_pairs
from analysis.history.records import provincial_targets
from analysis.targets import ministry_targets
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.toml"
FIRST_SIX = {"IR-18", "IR-06", "IR-16", "IR-23", "IR-22", "IR-15"}  # the budget bill's list (mpob.ir)
LOWS = {("IR-16", "IR-22"), ("IR-16", "IR-15"), ("IR-23", "IR-22"), ("IR-23", "IR-15")}


def missed(comparison, scope: str = "economy", among: set[str] | None = None) -> set[tuple[str, str]]:
    pairs = comparison.pairs[(comparison.pairs["scope"] == scope) & ~comparison.pairs["reproduced"]]
    found = set(zip(pairs["higher"], pairs["lower"], strict=True))
    return found if among is None else {(a, b) for a, b in found if a in among and b in among}


@pytest.fixture(scope="module")
def default_table():
    return ministry_targets(load_scenario(BASELINE))


@pytest.fixture(scope="module")
def year_two_table():
    return ministry_targets(load_scenario(BASELINE), year=2)


@pytest.fixture(scope="module")
def default_run(default_table):
    return compare_targets(default_table.cells)


@pytest.fixture(scope="module")
def year_two(year_two_table):
    return compare_targets(year_two_table.cells)


def test_recorded_pairs_by_scope():
    recorded = provincial_targets()
    # economy: eight provinces with eight different values (28 pairs) and two "among the lowest"
    # below each of them (16); industry and mining: three provinces each (3 pairs)
    assert len(recorded_pairs(recorded, "economy")) == 28 + 16
    assert len(recorded_pairs(recorded, "industry")) == 3 and len(recorded_pairs(recorded, "mining")) == 3
    assert ("IR-18", "IR-06") in recorded_pairs(recorded, "economy")  # Bushehr 10.2 above Khuzestan 10.0
    assert recorded_pairs(recorded, "industry")[0] == ("IR-11", "IR-30")  # Sistan 11.08 above Alborz 9.1


def test_default_command_reproduces_29_of_44_whole_economy_pairs(default_run):
    """`growthsim targets --recorded` (60 months). Among the budget bill's six: Khuzestan above
    Bushehr; Ilam and Tehran below both of the provinces recorded among the lowest."""
    counts = default_run.reproduced()
    assert counts.loc["economy"].tolist() == [44, 29]
    assert counts.loc["industry"].tolist() == [3, 2] and counts.loc["mining"].tolist() == [3, 1]
    assert missed(default_run, among=FIRST_SIX) == {("IR-18", "IR-06")} | LOWS
    assert missed(default_run, "industry") == {("IR-11", "IR-30")}  # Sistan's 11.08 below Alborz's 9.1
    assert missed(default_run, "mining") == {("IR-11", "IR-30"), ("IR-25", "IR-30")}  # Alborz's mining too high


def test_year_1401_reproduces_32_of_44_and_the_order_of_the_first_four(year_two):
    """`growthsim targets --year 2 --recorded` (1401 alone): Bushehr, Khuzestan, Ilam, Tehran in the
    recorded order (Bushehr above Khuzestan by 0.03 point, a tie within the data's precision); the
    four pairs with the provinces recorded among the lowest are still missed."""
    counts = year_two.reproduced()
    assert counts.loc["economy"].tolist() == [44, 32]
    assert counts.loc["industry"].tolist() == [3, 2] and counts.loc["mining"].tolist() == [3, 1]
    assert missed(year_two, among=FIRST_SIX) == LOWS
    targets = year_two.provinces.set_index(["province", "scope"])["model_pct"]
    assert 0 < targets[("IR-18", "economy")] - targets[("IR-06", "economy")] < 0.05


def test_sides_of_the_national_target(default_table, year_two_table, default_run, year_two):
    """Recorded: Bushehr, Khuzestan, Ilam, Sistan and Baluchestan and Yazd above the national 8%;
    Gilan, Qom and Tehran below. The model puts Bushehr and Khuzestan above its national mean
    (7.84% in both readings) and Gilan too; the others below."""
    recorded = provincial_targets()
    national = recorded.set_index("province").loc["nation", "target_pct"]
    economy = recorded[(recorded["scope"] == "economy") & (recorded["province"] != "nation")]
    above = set(economy.loc[economy["target_pct"] > national, "province"])
    below = set(economy.loc[economy["target_pct"] < national, "province"])
    assert above == {"IR-18", "IR-06", "IR-16", "IR-11", "IR-21"} and below == {"IR-01", "IR-25", "IR-23"}
    for table, run in ((default_table, default_run), (year_two_table, year_two)):
        nation = 100 * table.national.loc["nation", "target"]  # each reading's own national mean
        assert nation == pytest.approx(7.84, abs=5e-3)  # as docs/validation.md quotes it
        model = run.provinces[run.provinces["scope"] == "economy"].set_index("province")["model_pct"]
        assert {p for p in above | below if model[p] > nation} == {"IR-18", "IR-06", "IR-01"}


def test_the_validation_page_quotes_these_figures(default_run, year_two):
    """docs/validation.md's table of the further recorded targets: each model figure and rank as run."""
    text = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    block = text.split("| scope | province | recorded | `--year 2` | default (60 months) |")[1].split("\n\n")[0]
    rows = [line.strip("|").split("|") for line in block.strip().splitlines()[1:]]
    assert len(rows) == 10
    for scope, name, _, *readings in (map(str.strip, row) for row in rows):
        for run, quoted in zip((year_two, default_run), readings, strict=True):
            hit = run.provinces[(run.provinces["scope"] == scope) & (run.provinces["name"] == name)].iloc[0]
            assert quoted == f"{hit.model_pct:.2f}% ({int(hit.model_rank)})", (scope, name)
