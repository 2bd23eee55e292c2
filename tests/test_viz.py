"""The SolaraViz page, driven headless: the Step button advances the model, levers change it."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from helpers import sector, write_folder
from typer.testing import CliRunner

import sim
from analysis import viz
from analysis.cli import app

# Mesa 3.3.1's ComponentsView breaks a rule of hooks that solara warns about; not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore:.*found despite early return:UserWarning")

PROVINCES = [
    {"code": "IR-23", "name": "Tehran", "population": 1000, "lat": 35.5, "lon": 51.8},
    {"code": "IR-10", "name": "Isfahan", "population": 500, "lat": 33.2, "lon": 52.5},
]


@pytest.fixture
def scenario_file(tmp_path):
    """Two provinces, two sectors, idle capacity to recover; a scenario file of 6 months."""
    folder = write_folder(
        tmp_path / "econ",
        sectors=[sector("24", labour_per_output=0.01), sector("29")],
        coefficients=[("24", "29", 0.3)],
        demand={("IR-23", "24"): 50.0, ("IR-23", "29"): 100.0, ("IR-10", "24"): 80.0, ("IR-10", "29"): 40.0},
        provinces=PROVINCES,
        capacity={(p, s): (1.5, 1.3) for p in ("IR-23", "IR-10") for s in ("24", "29")},
    )
    path = tmp_path / "small.toml"
    path.write_text(f'name = "small"\nhorizon_months = 6\n[economy]\ndata = "{folder}"\n', encoding="utf-8")
    return path


def collected(model):
    return model.datacollector.get_model_vars_dataframe()


def test_data_collector_matches_the_pure_run(scenario_file):
    model = viz.VizModel(scenario_file=scenario_file, seed=3)
    for _ in range(3):
        model.step()
    frame = collected(model)
    assert len(frame) == 4  # month 0 and after each step
    results = sim.run(sim.load_scenario(scenario_file), seed=3)
    for name in ("output", "value_added", "employment", "idle_capacity"):
        np.testing.assert_allclose(frame[name].to_numpy(), results.national(name).iloc[:4].to_numpy(), rtol=1e-12)
    assert frame["idle_capacity"].iloc[-1] < frame["idle_capacity"].iloc[0]  # idle capacity is being recovered
    # Named reporters, no lambdas: the model pickles (a lambda would not).
    clone = pickle.loads(pickle.dumps(model))
    assert clone.state.step == 3 and len(collected(clone)) == 4


def test_no_row_after_the_horizon(scenario_file):
    model = viz.VizModel(scenario_file=scenario_file)
    for _ in range(8):
        model.step()
    assert len(collected(model)) == 7 and not model.running


def test_levers_change_the_scenario(scenario_file):
    base = viz.VizModel(scenario_file=scenario_file)
    model = viz.VizModel(
        scenario_file=scenario_file, demand_change=-0.2, capacity_loss=0.5, recovery_speed=0.1, rationing="priority"
    )
    demand, capacity = model.scenario.shock
    assert (demand.kind, demand.change, demand.start, demand.end) == ("demand", -0.2, 1, None)
    assert (capacity.kind, capacity.loss, capacity.start, capacity.end) == ("capacity", 0.5, 1, 6)  # clipped
    assert model.scenario.parameters.recovery_speed == 0.1 and model.scenario.policy.rationing == "priority"
    model.step()
    base.step()
    # Final demand is 0.8 of the base in month 1; installed capacity available is half.
    assert model.state.final_demand.sum() == pytest.approx(0.8 * base.state.final_demand.sum(), rel=1e-12)
    np.testing.assert_allclose(model.state.capacity_factor, 0.5)
    # Neutral values leave the scenario as written.
    assert viz.VizModel(scenario_file=scenario_file, demand_change=0.0, capacity_loss=0.0).scenario.shock == []
    with pytest.raises(TypeError, match="unknown lever"):
        viz.VizModel(scenario_file=scenario_file, no_such_lever=1.0)


def test_province_panels(scenario_file):
    model = viz.VizModel(scenario_file=scenario_file, recovery_speed=0.2)
    assert model.idle_recovered_by_province().to_numpy() == pytest.approx([0.0, 0.0])
    for _ in range(6):
        model.step()
    recovered = model.idle_recovered_by_province()
    idle = np.maximum(0.0, model.state.peak - model.state.output)
    by_hand = 1.0 - np.bincount(model.world.firms.province, weights=idle) / model.idle0_by_province.to_numpy()
    np.testing.assert_allclose(recovered.to_numpy(), by_hand)
    assert (recovered > 0).all()


def test_model_params_fit_the_model_signature(scenario_file):
    pytest.importorskip("solara", reason="the viz extra (solara) is not installed")
    from mesa.visualization.solara_viz import _check_model_params

    params = viz.model_params(scenario_file, seed=4)
    _check_model_params(viz.VizModel.__init__, params)
    assert params["seed"]["value"] == 4 and params["recovery_speed"]["value"] == 0.025
    assert params["rationing"]["value"] == "proportional" and params["demand_change"]["value"] == 0.0


def test_page_step_button_advances_the_model(scenario_file):
    solara = pytest.importorskip("solara", reason="the viz extra (solara) is not installed")
    v = pytest.importorskip("ipyvuetify", reason="the viz extra (ipyvuetify) is not installed")

    model = viz.VizModel(scenario_file=scenario_file)
    reactive = solara.reactive(model)

    @solara.component
    def App():
        with solara.AppLayout():  # as under ``solara run``: the controls live in the sidebar
            viz.page(reactive)

    _, rc = solara.render(App(), handle_error=False)
    rc.find(v.Btn, children=["Step"]).widget.click()
    assert model.steps == 1 and model.month == 1 and len(collected(model)) == 2
    rc.find(v.Btn, children=["Step"]).widget.click()
    assert model.month == 2 and len(collected(model)) == 3

    # A lever, then Reset: a new model from the controls, at month 0, with the lever applied.
    slider = rc.find(v.Slider, label="Demand change").widget
    slider.v_model = -0.3
    rc.find(v.Btn, children=["Reset"]).widget.click()
    fresh = reactive.value
    assert fresh is not model and fresh.month == 0 and len(collected(fresh)) == 1
    assert fresh.levers["demand_change"] == -0.3 and fresh.scenario.shock[0].change == -0.3
    rc.find(v.Btn, children=["Step"]).widget.click()
    assert fresh.state.final_demand.sum() == pytest.approx(0.7 * model.world.final_demand.sum(), rel=1e-12)


def test_cli_errors_are_one_line(tmp_path, monkeypatch):
    runner = CliRunner()
    bad = tmp_path / "bad.toml"
    bad.write_text("horizon_months = 0\n", encoding="utf-8")
    result = runner.invoke(app, ["viz", str(bad)])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"error: {bad}: horizon_months: Input should be greater than or equal to 1, got 0"
    ]

    from analysis.commands import viz as command

    monkeypatch.setattr(command, "REQUIRED", (*command.REQUIRED, "no_such_module_growthsim"))
    result = runner.invoke(app, ["viz", str(bad)])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "error: growthsim viz: viz extra: no_such_module_growthsim (pip install 'growthsim[viz]')"
    ]
    # The asset package has no module of its own: a missing one is named too (the page would stay white).
    monkeypatch.setattr(command, "REQUIRED", command.REQUIRED[:-1])
    monkeypatch.setattr(command, "ASSETS", ("no-such-assets-growthsim",))
    result = runner.invoke(app, ["viz", str(bad)])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "error: growthsim viz: viz extra: no-such-assets-growthsim (pip install 'growthsim[viz]')"
    ]


def test_the_extra_is_complete_here():
    from analysis.commands import viz as command

    assert command.missing_extra() == []  # the dev extra installs all of viz, assets included


def test_national_panels_at_month_zero(scenario_file):
    pytest.importorskip("solara", reason="the viz extra (solara) is not installed")
    model = viz.VizModel(scenario_file=scenario_file, demand_change=-0.2)
    figure = viz.national_charts(model).args[0]
    axes = figure.get_axes()
    assert [ax.get_title() for ax in axes] == [title for _, title, _, _ in viz.NATIONAL_PANELS]
    assert [ax.get_ylabel() for ax in axes] == [unit for _, _, unit, _ in viz.NATIONAL_PANELS]
    # The first frame already shows month 0: one point on every panel.
    assert all(len(ax.lines[0].get_xdata()) == 1 and ax.lines[0].get_xdata()[0] == 0 for ax in axes)
    # Calendar months on the month axis: no dated history here, so month 1 is April of year 1.
    labels = [t.get_text() for t in axes[-1].get_xticklabels()]
    assert labels[0] == "Mar y0" and all(" y" in label for label in labels)
    text = viz.lever_values(model).args[0]
    assert "**Demand change**: -0.2" in text and "**Rationing**: proportional" in text and "**Seed**: 0" in text


def test_cli_serves_the_page_module(scenario_file, monkeypatch):
    from analysis.commands import viz as command

    calls = []

    class Done:
        returncode = 0

    def fake_run(cmd, env, check):
        calls.append((cmd, env))
        return Done()

    monkeypatch.setattr(command.subprocess, "run", fake_run)
    result = CliRunner().invoke(app, ["viz", str(scenario_file), "--seed", "5", "--port", "9001"])
    assert result.exit_code == 0, result.output
    ((cmd, env),) = calls
    assert cmd[1:5] == ["-m", "solara", "run", "analysis.viz"] and cmd[cmd.index("--port") + 1] == "9001"
    assert env["GROWTHSIM_VIZ_SCENARIO"] == str(scenario_file.resolve()) and env["GROWTHSIM_VIZ_SEED"] == "5"
    monkeypatch.setenv("GROWTHSIM_VIZ_SCENARIO", env["GROWTHSIM_VIZ_SCENARIO"])
    monkeypatch.setenv("GROWTHSIM_VIZ_SEED", "5")
    model = viz.model_from_environment()
    assert model.scenario.name == "small" and model.seed == 5
