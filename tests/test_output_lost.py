"""Output lost to each constraint, from the trajectories to the report, against a hand-worked case.

Sector H (energy-intensive) makes 100 a month on 100 of installed capacity and sells it all; L makes
50. Electricity for H falls to 60% in months 3..12: H makes 60, its potential output (the least of
its plan, 100, and installed capacity, 100) stays 100, so 40 a month is lost to energy: 400 over
the ten months, against potential output of 12 x (100 + 50) = 1,800 over months 1..12. Catch-up
is off (``catch_up_share = 0``): with it H would run extra shifts against its backlog within the
cut too, and tests/test_catch_up.py works that rule by hand.
"""

from __future__ import annotations

import re

import pytest
from test_shocks import energy_economy
from typer.testing import CliRunner

from analysis.cli import app
from analysis.report import narrative
from analysis.report import quantities as q
from analysis.report.source import load_source

SCENARIO = """
name = "power_cut"
horizon_months = 12
[economy]
data = "{data}"
[[shock]]
kind = "energy"
carrier = "electricity"
sectors = ["H"]
start = 3
end = 12
availability = 0.6
[parameters]
investment_response = 0.0
recovery_speed = 1.0
catch_up_share = 0.0
"""


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    root = tmp_path_factory.mktemp("lost")
    data = energy_economy(root)
    path = root / "s.toml"
    path.write_text(SCENARIO.format(data=data.name))
    out = root / "run"
    result = CliRunner().invoke(app, ["run", str(path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return load_source(out, pair=False)


def test_output_lost_by_constraint_nationally(source):
    lost = q.output_lost(source, "national").iloc[0]
    assert lost["energy"] == pytest.approx(400.0)
    assert lost["potential"] == pytest.approx(1800.0)
    assert lost["share_energy"] == pytest.approx(400.0 / 1800.0)
    assert lost["readiness"] == lost["inputs"] == lost["imports"] == 0.0


def test_output_made_bound_by_energy_is_not_output_lost(source):
    # H's output of months 3..12 (60 a month) was made bound by energy: 600 of 1,400 made over months 1..12.
    made = q.held_back(source, "national").iloc[0]
    assert made["energy"] == pytest.approx(600.0 / (2 * 100.0 + 10 * 60.0 + 12 * 50.0))


def test_the_report_quotes_the_output_lost(source):
    text = narrative.value_chain_text(source)
    quoted = re.search(r'data-key="output_lost_to_energy" data-source="power_cut" data-value="([^"]+)"', text)
    assert quoted is not None and float(quoted.group(1)) == pytest.approx(400.0)
    assert ">400</span> (22.22%)" in text
