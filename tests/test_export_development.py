"""``[[policy.export_development]]``: validation, the compiled schedule, the run, the library scenario.

Expected values are worked out from the lever's equations (sim/engine/export_development.py):
market access ``A = min(ceiling, (1 + g) ** (e / 12))``, the guarantee floor on the export-demand
shock while the lever acts, learning ``L = (1 + l) ** (e / 12)``, with ``e`` the months acted.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import sector, write_folder
from typer.testing import CliRunner

import sim
from analysis.cli import app
from sim.engine.export_development import compile_export_development, months_acted
from sim.scenario.export_development import ExportDevelopment

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
COMPLEX = ["20", "26", "27", "28", "29", "30"]


def lever(**keys) -> ExportDevelopment:
    return ExportDevelopment.model_validate(keys)


@pytest.fixture(scope="module")
def economy(tmp_path_factory):
    """Two provinces x two sectors; X tagged complex_export, Y not; no inputs, ample capacity."""
    folder = tmp_path_factory.mktemp("exports") / "econ"
    write_folder(
        folder,
        [sector("X", complex_export="true", export_share=0.5), sector("Y", export_share=0.2)],
        [("Y", "X", 0.1, False)],
        {("P1", "X"): 40.0, ("P2", "X"): 60.0, ("P1", "Y"): 30.0, ("P2", "Y"): 20.0},
        provinces=[{"code": "P1", "name": "One", "population": 10}, {"code": "P2", "name": "Two", "population": 20}],
        capacity={(p, s): (4.0, 1.0) for p in ("P1", "P2") for s in "XY"},
    )
    return folder


def test_months_acted():
    month = np.arange(9.0)
    np.testing.assert_array_equal(months_acted(month, 3, 6), [0, 0, 0, 1, 2, 3, 4, 4, 4])
    np.testing.assert_array_equal(months_acted(month, 2, None), [0, 0, 1, 2, 3, 4, 5, 6, 7])


def test_the_compiled_schedule_by_hand(economy):
    """Lever 1: the tagged sector X (default), months 3-6; lever 2: X and Y in P2 from month 1."""
    econ = sim.load_economy(economy)
    month = np.arange(9.0)
    levers = [
        lever(start=3, end=6, demand_growth=0.2, ceiling=1.04, guarantee=0.7, learning_rate=0.1),
        lever(sectors=["X", "Y"], provinces=["P2"], demand_growth=0.1),
    ]
    access, floor, learning = compile_export_development(levers, econ, month)
    e1 = np.array([0, 0, 0, 1, 2, 3, 4, 4, 4], float)
    a1 = np.minimum(1.04, 1.2 ** (e1 / 12))  # 1.2^(3/12) = 1.0466 and 1.2^(4/12) = 1.0627: capped at 1.04
    assert a1[5] == 1.04 and a1[4] < 1.04
    a2 = 1.1 ** (month / 12)
    n_p = 2  # cells are sector-major: cell = sector * n_provinces + province
    x1, x2, y1, y2 = 0 * n_p + 0, 0 * n_p + 1, 1 * n_p + 0, 1 * n_p + 1
    np.testing.assert_allclose(access[:, x1], a1, rtol=1e-15)
    np.testing.assert_allclose(access[:, x2], a1 * a2, rtol=1e-15)
    np.testing.assert_allclose(access[:, y1], 1.0)
    np.testing.assert_allclose(access[:, y2], a2, rtol=1e-15)
    expected_floor = np.where((month >= 3) & (month <= 6), 0.7, 0.0)
    np.testing.assert_array_equal(floor[:, x1], expected_floor)
    np.testing.assert_array_equal(floor[:, x2], expected_floor)
    np.testing.assert_array_equal(floor[:, y2], 0.0)
    np.testing.assert_allclose(learning[:, x2], 1.1 ** (e1 / 12), rtol=1e-15)
    np.testing.assert_array_equal(learning[:, y2], 1.0)


def _run(economy: Path, seed: int = 0, **tables) -> pd.DataFrame:
    scenario = sim.scenario_from_dict({"name": "t", "horizon_months": 10, "economy": {"data": str(economy)}, **tables})
    return sim.run(scenario, seed).trajectories.set_index(["month", "province", "sector"])


EXPORT_CUT = [{"kind": "demand", "channel": "export", "sectors": ["X"], "start": 2, "end": 6, "change": -0.5}]
LEVER = {"start": 1, "end": 4, "demand_growth": 0.3, "guarantee": 0.8, "learning_rate": 0.05}


def test_a_run_gets_the_export_demand_and_learning_of_the_lever(economy):
    """X in P1 (final demand 40, half exported) under an export cut of months 2-6 and the lever of months 1-4."""
    lever_run = _run(economy, shock=EXPORT_CUT, policy={"export_development": [LEVER]})
    months = np.arange(11.0)
    acted = np.minimum(months, 4.0)
    access = 1.3 ** (acted / 12)
    cut = np.where((months >= 2) & (months <= 6), 0.5, 1.0)
    shock = np.where(months <= 4, np.maximum(cut, 0.8), cut)  # the guarantee acts in months 1-4 only
    export_demand = 20.0 * access * shock
    x = lever_run.xs(("P1", "X"), level=("province", "sector"))
    np.testing.assert_allclose(x["final_demand"], 20.0 + export_demand, rtol=1e-12)
    # Proportional rationing: exports are export demand at the fill 1 - unmet final / final demand.
    fill = 1.0 - x["unmet_final_demand"] / x["final_demand"]
    np.testing.assert_allclose(x["exports"], export_demand * fill, rtol=1e-12)
    np.testing.assert_allclose(x["productivity"], 1.05 ** (acted / 12), rtol=1e-12)
    y = lever_run.xs(("P1", "Y"), level=("province", "sector"))
    np.testing.assert_allclose(y["productivity"], 1.0)
    assert (y["final_demand"] == y["final_demand"].iloc[0]).all()


def test_learning_multiplies_the_noise_without_compounding(economy):
    """With productivity noise on, the lever's run has exactly L_t times the noise of the run without it."""
    noise = {"productivity_sigma": 0.05, "productivity_rho": 0.7}
    plain = _run(economy, seed=4, stochastic=noise)
    learned = _run(economy, seed=4, stochastic=noise, policy={"export_development": [{"learning_rate": 0.1}]})
    months = np.arange(11.0)
    ratio = (learned["productivity"] / plain["productivity"]).xs(("P2", "X"), level=("province", "sector"))
    np.testing.assert_allclose(ratio, 1.1 ** (months / 12), rtol=1e-12)
    assert plain.xs(("P2", "X"), level=("province", "sector"))["productivity"].std() > 0.01


def test_complex_exports_scenario_raises_complex_exports_against_baseline():
    """The library pair on the default economy (seed 0): more complex exports and value added, a larger share."""
    base = sim.run(SCENARIOS / "baseline.toml", 0).trajectories
    policy = sim.run(SCENARIOS / "complex_exports.toml", 0).trajectories

    def by_month(frame: pd.DataFrame, column: str, sectors: list[str] | None = None) -> pd.Series:
        rows = frame if sectors is None else frame[frame["sector"].isin(sectors)]
        return rows.groupby("month")[column].sum()

    exports_base, exports_policy = by_month(base, "exports", COMPLEX), by_month(policy, "exports", COMPLEX)
    assert exports_policy.loc[0] == pytest.approx(exports_base.loc[0], rel=1e-12)
    assert (exports_policy.loc[6:] > 1.02 * exports_base.loc[6:]).all()
    assert exports_policy.loc[60] > 1.3 * exports_base.loc[60]
    assert by_month(policy, "value_added", COMPLEX).loc[60] > by_month(base, "value_added", COMPLEX).loc[60]
    share_base = exports_base / by_month(base, "exports")
    share_policy = exports_policy / by_month(policy, "exports")
    assert share_policy.loc[60] > share_base.loc[60] + 0.05
    other = [s for s in base["sector"].unique() if s not in COMPLEX]
    assert by_month(policy, "exports", other).loc[60] == pytest.approx(
        by_month(base, "exports", other).loc[60], rel=0.02
    )


GOOD = """
name = "t"
horizon_months = 24
[economy]
data = "default"
[[policy.export_development]]
demand_growth = 0.1
"""

MALFORMED = {
    "growth above 1": (
        GOOD.replace("demand_growth = 0.1", "demand_growth = 1.5"),
        "policy.export_development[0].demand_growth: Input should be less than or equal to 1",
    ),
    "negative guarantee": (
        GOOD + "guarantee = -0.1\n",
        "policy.export_development[0].guarantee: Input should be greater than or equal to 0",
    ),
    "learning above 0.2": (
        GOOD + "learning_rate = 0.5\n",
        "policy.export_development[0].learning_rate: Input should be less than or equal to 0.2",
    ),
    "ceiling below 1": (
        GOOD + "ceiling = 0.5\n",
        "policy.export_development[0].ceiling: Input should be greater than or equal to 1",
    ),
    "does nothing": (
        GOOD.replace("demand_growth = 0.1", "ceiling = 2"),
        "policy.export_development[0]: set at least one of demand_growth, guarantee, learning_rate above 0",
    ),
    "unknown key": (GOOD + "subsidy = 1\n", "policy.export_development[0].subsidy: not a known key"),
    "text for a number": (
        GOOD.replace("demand_growth = 0.1", 'demand_growth = "0.1"'),
        "policy.export_development[0].demand_growth: Input should be a valid number",
    ),
    "nan": (
        GOOD.replace("demand_growth = 0.1", "demand_growth = nan"),
        "policy.export_development[0].demand_growth: Input should be a finite number",
    ),
    "unknown sector": (
        GOOD + 'sectors = ["06"]\n',
        "policy.export_development[0].sectors: a sector code of the economy, got '06'",
    ),
    "end past the horizon": (
        GOOD + "end = 30\n",
        "policy.export_development[0].end: a month within the horizon (1..24), got 30",
    ),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_lever_is_one_line_exit_2(tmp_path, case):
    text, message = MALFORMED[case]
    path = tmp_path / "bad.toml"
    path.write_text(text)
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    assert message in lines[0], lines[0]


def test_default_sectors_need_a_tagged_sector(tmp_path):
    """Left to default, the lever covers the complex_export sectors; an economy without any is an error."""
    write_folder(tmp_path / "econ", [sector("A")], [], {("P1", "A"): 10.0})
    path = tmp_path / "s.toml"
    path.write_text(GOOD.replace('data = "default"', 'data = "econ"'))
    for command in (["validate", str(path)], ["run", str(path), "--out", str(tmp_path / "run")]):
        result = CliRunner().invoke(app, command)
        assert result.exit_code == 2, result.output
        assert result.output.strip().splitlines() == [
            f"error: {path}: policy.export_development[0].sectors: sector codes, since no sector of the "
            "economy is tagged complex_export in sectors.csv"
        ]
    assert not (tmp_path / "run").exists()
