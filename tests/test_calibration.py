"""growthsim calibrate: spec checks, a small fit end to end, resume, and the volatility moments."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from analysis.calibration.spec import load_spec
from analysis.calibration.volatility import annual_growth, firm_annual_output, firm_growth_moments, growth_moments
from analysis.cli import app
from sim.engine.stochastic import StochasticRates
from sim.scenario import StochasticSpec

runner = CliRunner()

SMALL = """
algorithm = "scipy_neldermead"
max_evaluations = 3
runs = 1
episodes = ["2012_currency_sanctions"]
years = 1
[parameters.fx_working_capital]
start = 1.5
lower = 1.0
upper = 4.0
"""


def test_small_calibration_writes_its_outputs_and_resumes(tmp_path):
    spec = tmp_path / "spec.toml"
    spec.write_text(SMALL)
    out = tmp_path / "fit"
    first = runner.invoke(app, ["calibrate", str(spec), "--out", str(out), "--no-standard-errors"])
    assert first.exit_code == 0, first.output
    for name in ("fitted.json", "loss_history.csv", "convergence.png", "evaluations.jsonl"):
        assert (out / name).is_file()
    fitted = json.loads((out / "fitted.json").read_text())
    value = fitted["parameters"]["fx_working_capital"]["value"]
    assert 1.0 <= value <= 4.0
    history = pd.read_csv(out / "loss_history.csv")
    assert history["loss"].min() == pytest.approx(min(history["loss"]))
    assert fitted["loss"] <= history["loss"].iloc[0] + 1e-9  # no worse than the start
    again = runner.invoke(app, ["calibrate", str(spec), "--out", str(out), "--no-standard-errors"])
    assert again.exit_code == 0, again.output
    refit = json.loads((out / "fitted.json").read_text())
    assert refit["simulated_evaluations"] == 0  # every evaluation reused from the log
    assert refit["parameters"]["fx_working_capital"]["value"] == pytest.approx(value)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("[parameters.no_such]\nstart = 1\nlower = 0\nupper = 2\n", "parameters.no_such"),
        ("[parameters.recovery_speed]\nstart = 3\nlower = 0\nupper = 2\n", "parameters.recovery_speed"),
        ("[parameters.recovery_speed]\nstart = 0.5\nlower = 0\nupper = 2\n", "parameters.recovery_speed"),
        ('algorithm = "bfgs"\n[parameters.recovery_speed]\nstart = 0.1\nlower = 0\nupper = 1\n', "algorithm"),
    ],
)
def test_bad_spec_is_one_line_and_exit_2(tmp_path, text, key):
    spec = tmp_path / "bad.toml"
    spec.write_text(text)
    result = runner.invoke(app, ["calibrate", str(spec), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert key in result.output and "Traceback" not in result.output
    assert not (tmp_path / "o").exists()


def test_packaged_specs_load():
    episodes = load_spec("calibration/episodes.toml")
    # The fit of the packaged defaults: the parameters sim/scenario/parameters.py records.
    import sim.scenario.parameters as record

    for name in episodes.parameters:
        key = f"[imports] {name.removeprefix('imports.')}" if name.startswith("imports.") else name
        assert f"``{key}``" in record.__doc__, name
    assert episodes.max_evaluations >= 200
    loo = load_spec("calibration/loo.toml")
    assert loo.parameters.keys() == episodes.parameters.keys()
    assert loo.readings == episodes.readings and all(f.is_dir() for f in episodes.reading_folders())
    assert load_spec("calibration/volatility.toml").volatility_scenario().is_file()


def test_annual_growth_moments_by_hand():
    years = [100.0, 110.0, 99.0, 99.0]  # growth +10, -10, 0
    monthly = np.concatenate([[1.0], np.repeat(np.array(years) / 12, 12)])
    np.testing.assert_allclose(annual_growth(monthly), [10.0, -10.0, 0.0])
    moments = growth_moments(monthly)
    assert moments["sd"] == pytest.approx(10.0)
    assert moments["contraction_share"] == pytest.approx(1 / 3)


def test_firm_moments_recover_a_laplace_shape_and_a_size_power_law():
    """Synthetic firms: Laplace growth has excess kurtosis 3, a normal 0; sd proportional to size^-0.2."""
    rng = np.random.default_rng(7)
    size = np.exp(rng.uniform(0, 8, 40_000))
    laplace = np.column_stack([size, size * np.exp(rng.laplace(0.0, 0.05, size.size))])
    assert firm_growth_moments(laplace)["excess_kurtosis"] == pytest.approx(3.0, abs=0.4)
    normal = np.column_stack([size, size * np.exp(rng.normal(0.0, 0.1, size.size))])
    flat = firm_growth_moments(normal)
    assert abs(flat["excess_kurtosis"]) < 0.15 and abs(flat["size_slope"]) < 0.03
    scaled = np.column_stack([size, size * np.exp(rng.normal(0.0, 0.3 * size**-0.2))])
    assert firm_growth_moments(scaled, bins=10)["size_slope"] == pytest.approx(-0.2, abs=0.02)


def test_firm_annual_output_sums_months():
    """Month 0 is left out; months 1-12 and 13-24 are the two years."""
    months = np.tile(np.arange(0, 25), 2)
    firms = pd.DataFrame({"month": months, "firm": np.repeat([0, 1], 25), "output": np.where(months > 12, 2.0, 1.0)})
    firms.loc[firms["month"] == 0, "output"] = 99.0
    np.testing.assert_allclose(firm_annual_output(firms), [[12.0, 24.0], [12.0, 24.0]])


def test_productivity_noise_scales_with_size():
    """sigma_k = sigma (x_k / x_med)^(-beta): sizes 1, 4, 16 with beta 0.5 scale by 2, 1, 1/2."""
    spec = StochasticSpec(productivity_sigma=0.1, productivity_size_elasticity=0.5)
    rates = StochasticRates.from_spec(spec, 1.0, np.array([1.0, 4.0, 16.0]))
    np.testing.assert_allclose(rates.size_scale, [2.0, 1.0, 0.5])
    assert StochasticRates.from_spec(StochasticSpec(productivity_sigma=0.1), 1.0, np.ones(3)).size_scale is None


def test_leave_one_out_fits_without_the_held_episode(tmp_path):
    spec = tmp_path / "loo.toml"
    spec.write_text(
        'max_evaluations = 2\nruns = 1\nyears = 1\nepisodes = ["2021_summer_power_cuts", "2022_23_winter_gas_cuts"]\n'
        "[parameters.recovery_speed]\nstart = 0.025\nlower = 0.005\nupper = 0.2\n"
    )
    out = tmp_path / "loo"
    result = runner.invoke(app, ["calibrate", str(spec), "--out", str(out), "--leave-one-out", "--runs", "2"])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "leave_one_out.csv")
    assert list(table["episode"].unique()) == ["2021_summer_power_cuts", "2022_23_winter_gas_cuts"]
    assert set(table["year"]) == {1, 2}  # both years predicted, whatever the fit used
    held = table.drop_duplicates("episode").set_index("episode")["fitted_on"]
    assert held["2021_summer_power_cuts"] == "2022_23_winter_gas_cuts"
    assert held["2022_23_winter_gas_cuts"] == "2021_summer_power_cuts"
    fitted = json.loads((out / "2021_summer_power_cuts" / "fitted.json").read_text())
    assert [m["moment"] for m in fitted["moments"]] == ["2022_23_winter_gas_cuts:year1"]
    assert (out / "leave_one_out.png").is_file()


def test_readings_add_the_same_recorded_swings_as_moments_of_their_own(tmp_path):
    # A folder with another reading of one episode (2012 only): its year-1 moment repeats the
    # packaged one's target and standard error under its own name; 2018, absent there, is not repeated.
    from analysis.calibration.msm import target_moments

    readings = tmp_path / "alt"
    readings.mkdir()
    (readings / "2012_currency_sanctions.toml").write_text("# another reading\n")
    spec_file = tmp_path / "spec.toml"
    both = 'episodes = ["2012_currency_sanctions", "2018_sanctions"]'
    text = SMALL.replace('episodes = ["2012_currency_sanctions"]', both)
    spec_file.write_text(text.replace("years = 1", 'years = 1\nreadings = ["alt"]'))
    moments = {m.name: m for m in target_moments(load_spec(spec_file))}
    assert set(moments) == {
        "2012_currency_sanctions:year1",
        "2018_sanctions:year1",
        "2012_currency_sanctions@alt:year1",
    }
    packaged, other = moments["2012_currency_sanctions:year1"], moments["2012_currency_sanctions@alt:year1"]
    # 1391: the range over industry-and-mining value added (-13.2) and two GDP vintages (-6.4).
    assert other.empirical == packaged.empirical == pytest.approx((-13.2 - 6.4) / 2, abs=0.06)
    assert other.se == packaged.se and other.folder == readings and packaged.folder is None
    assert other.run_key == "2012_currency_sanctions@alt" and packaged.run_key == "2012_currency_sanctions"


def test_a_missing_readings_folder_is_one_line_and_exit_2(tmp_path):
    spec = tmp_path / "spec.toml"
    spec.write_text(SMALL.replace("years = 1", 'years = 1\nreadings = ["nowhere"]'))
    result = runner.invoke(app, ["calibrate", str(spec), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "readings[0]" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "o").exists()
