"""The interactive page: step a scenario in the browser and watch the economy (Mesa SolaraViz).

``growthsim viz SCENARIO`` serves this module with ``solara run``; the scenario file and seed
come in through the environment variables ``GROWTHSIM_VIZ_SCENARIO`` and ``GROWTHSIM_VIZ_SEED``.

SolaraViz re-creates the model as ``model.__class__(**params)`` when the user presses *Reset*,
with ``params`` the fixed values and the sliders' current values, and its plots read
``model.datacollector``. So :class:`VizModel` is a :class:`sim.GrowthModel` whose constructor
takes keyword arguments only: the scenario file, the seed, and one value per lever in
:data:`LEVERS`. A lever changes the scenario before the model is built:

- ``recovery_speed``: ``[parameters] recovery_speed``, the share of the idle-capacity gap brought
  back per month;
- ``demand_change``: a permanent ``demand`` shock on every province and sector from month 1,
  ``f = f0 (1 + change)``;
- ``capacity_loss``: a ``capacity`` shock on every cell in months 1-12 (clipped to the horizon),
  the capacity back from month 13;
- ``rationing``: ``[policy] rationing``, proportional or by priority class.

A lever at its neutral value (0 for a shock) leaves the scenario as written. Adding a lever is one
line in :data:`LEVERS`, as ``import_availability`` is.

The charts read the data collector every :class:`sim.GrowthModel` has (national output, value
added, idle capacity, employment at month 0 and after every step): four panels, each with its own
axis and unit, over calendar months (month 0 is the initial state, so the first frame shows it).
Two province panels show the change of output since month 0 and the share of each province's
initial idle capacity recovered, as a tile-grid map (:mod:`analysis.tilegrid`) when the provinces
are Iran's 31. A panel lists the levers' values of the model on screen.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

import sim
from sim.economy.calendar import month_labels
from sim.scenario import Scenario, load_scenario, scenario_from_dict

SCENARIO_ENV = "GROWTHSIM_VIZ_SCENARIO"
SEED_ENV = "GROWTHSIM_VIZ_SEED"
DEFAULT_SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "baseline.toml"


@dataclass(frozen=True)
class Lever:
    """A control on the page that changes the scenario.

    Attributes:
        name: Keyword of :class:`VizModel` and key of the control.
        label: Text beside the control.
        apply: ``apply(data, value)`` changes the scenario dictionary ``data`` in place.
        read: ``read(scenario)`` gives the control's starting value.
        control: Mesa user-parameter spec without its value (``type``, ``min``, ``max``, ...).
    """

    name: str
    label: str
    apply: object
    read: object
    control: dict = field(default_factory=dict)


def _set_parameter(data: dict, value: float, *, name: str) -> None:
    data.setdefault("parameters", {})[name] = value


def _read_parameter(scenario: Scenario, *, name: str) -> float:
    return getattr(scenario.parameters, name)


def _set_policy(data: dict, value: str, *, name: str) -> None:
    data.setdefault("policy", {})[name] = value


def _read_policy(scenario: Scenario, *, name: str) -> str:
    return getattr(scenario.policy, name)


def _add_shock(data: dict, value: float, *, kind: str, key: str, neutral: float, fixed: dict) -> None:
    if value == neutral:
        return
    horizon = int(data.get("horizon_months", 60))
    shock = {"kind": kind, key: value, **fixed}
    for month in ("start", "end"):
        if shock.get(month) is not None:
            shock[month] = min(int(shock[month]), horizon)
    data.setdefault("shock", []).append(shock)


def _read_neutral(scenario: Scenario, *, neutral: float) -> float:
    return neutral


def parameter_lever(name: str, label: str, low: float, high: float, step: float) -> Lever:
    """A slider over a ``[parameters]`` value; it starts at the scenario's value."""
    return Lever(
        name,
        label,
        partial(_set_parameter, name=name),
        partial(_read_parameter, name=name),
        {"type": "SliderFloat", "min": low, "max": high, "step": step},
    )


def policy_lever(name: str, label: str, choices: tuple[str, ...]) -> Lever:
    """A choice over a ``[policy]`` value; it starts at the scenario's value."""
    return Lever(
        name,
        label,
        partial(_set_policy, name=name),
        partial(_read_policy, name=name),
        {"type": "Select", "values": list(choices)},
    )


def shock_lever(
    name: str, label: str, low: float, high: float, step: float, *, kind: str, key: str, neutral: float = 0.0, **fixed
) -> Lever:
    """A slider adding a shock ``{kind, key: value, **fixed}`` on every cell (none at ``neutral``)."""
    return Lever(
        name,
        label,
        partial(_add_shock, kind=kind, key=key, neutral=neutral, fixed=fixed),
        partial(_read_neutral, neutral=neutral),
        {"type": "SliderFloat", "min": low, "max": high, "step": step},
    )


LEVERS: tuple[Lever, ...] = (
    parameter_lever("recovery_speed", "Recovery speed", 0.0, 0.2, 0.005),
    shock_lever("demand_change", "Demand change", -0.5, 0.5, 0.05, kind="demand", key="change"),
    shock_lever("capacity_loss", "Capacity lost, months 1-12", 0.0, 0.9, 0.05, kind="capacity", key="loss", end=12),
    shock_lever(
        "import_availability", "Imports available", 0.0, 1.0, 0.05, kind="import", key="availability", neutral=1.0
    ),
    policy_lever("rationing", "Rationing", ("proportional", "priority")),
)


def scenario_with_levers(scenario: Scenario, values: dict) -> Scenario:
    """The scenario with the levers' values applied (validated again).

    Raises:
        TypeError: On a value for an unknown lever.
        InputError: If the changed scenario is not valid.
    """
    known = {lever.name: lever for lever in LEVERS}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise TypeError(f"unknown lever(s): {', '.join(unknown)}; known: {', '.join(known)}")
    data = scenario.model_dump(mode="json")
    for name, value in values.items():
        known[name].apply(data, value)
    return scenario_from_dict(data, source=scenario.path or "<viz>")


# The national panels: data-collector column, title, unit, scale of the unit.
NATIONAL_PANELS = (
    ("output", "Gross output", "billion rials a month", 1.0),
    ("value_added", "Value added", "billion rials a month", 1.0),
    ("idle_capacity", "Idle capacity (10-year peak minus output)", "billion rials a month", 1.0),
    ("employment", "Employment", "thousand workers", 1e-3),
)


class VizModel(sim.GrowthModel):
    """A :class:`sim.GrowthModel` built from keyword arguments (its data collector feeds the charts).

    Args:
        scenario_file: The scenario (TOML); default ``scenarios/baseline.toml``.
        seed: Seed of the run's generator.
        **kwargs: One value per lever of :data:`LEVERS`, by lever name (absent: the scenario's own
            value). Mesa's SolaraViz accepts parameters outside the signature only under the name
            ``kwargs``.
    """

    def __init__(self, *, scenario_file: str | Path | None = None, seed: int = 0, **kwargs) -> None:
        self.scenario_file = str(scenario_file or DEFAULT_SCENARIO)
        scenario = scenario_with_levers(load_scenario(self.scenario_file), kwargs)
        super().__init__(scenario, sim.world_for(scenario), int(seed), agents=False)
        self.levers = dict(kwargs)
        self._province_index = self.world.firms.province
        self.output0_by_province = self.by_province(self.state.output)
        self.idle0_by_province = self.by_province(np.maximum(0.0, self.state.peak - self.state.output))

    def calendar(self, months) -> list[str]:
        """Calendar labels (``Mar 2021``) of simulated months."""
        return month_labels(months, self.world.economy.history_months, self.scenario.first_calendar_month)

    def by_province(self, values: np.ndarray) -> pd.Series:
        """A firm array summed by province, indexed by province code."""
        economy = self.world.economy
        sums = np.bincount(self._province_index, weights=values, minlength=economy.n_provinces)
        return pd.Series(sums, index=economy.province_codes)

    def idle_recovered_by_province(self) -> pd.Series:
        """Share of each province's initial idle capacity recovered: ``1 - idle_t / idle_0``."""
        idle = self.by_province(np.maximum(0.0, self.state.peak - self.state.output))
        with np.errstate(divide="ignore", invalid="ignore"):
            return (1.0 - idle / self.idle0_by_province).where(self.idle0_by_province > 0)


def model_params(scenario_file: str | Path | None = None, seed: int = 0) -> dict:
    """SolaraViz's ``model_params``: the fixed scenario file, the seed and the levers' controls."""
    scenario = load_scenario(scenario_file or DEFAULT_SCENARIO)
    params: dict = {
        "scenario_file": str(scenario_file or DEFAULT_SCENARIO),
        "seed": {"type": "SliderInt", "label": "Seed", "value": int(seed), "min": 0, "max": 999, "step": 1},
    }
    for lever in LEVERS:
        params[lever.name] = {"label": lever.label, "value": lever.read(scenario), **lever.control}
    return params


# ---- The page ------------------------------------------------------------------------------------
# Solara and Mesa's visualisation are imported here, not at the top, so that the model above can
# be built and tested where the viz extra is missing.


def _figure(height: float = 3.6):
    from matplotlib.figure import Figure

    return Figure(figsize=(6.0, height), layout="constrained")


def national_charts(model: VizModel):
    """Four panels, one axis each: output, value added, idle capacity, employment over calendar months."""
    import solara

    frame = model.datacollector.get_model_vars_dataframe()
    months = frame["month"].to_numpy()
    fig = _figure(height=5.2)
    axes = fig.subplots(2, 2, sharex=True).ravel()
    for ax, (column, title, unit, scale) in zip(axes, NATIONAL_PANELS, strict=True):
        ax.plot(months, frame[column].to_numpy() * scale, marker="o", markersize=3, color="tab:blue")
        ax.set_title(title, fontsize=9)
        ax.set_ylabel(unit, fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
    horizon = max(model.n_steps * model.plan.rates.dt, 1.0)
    ticks = np.unique(np.linspace(0, horizon, 5).round())
    for ax in axes[2:]:
        ax.set_xlim(-0.5, horizon + 0.5)
        ax.set_xticks(ticks, model.calendar(ticks), rotation=30, fontsize=7)
        ax.set_xlabel("month (0 = initial state)", fontsize=8)
    fig.suptitle(f"{model.scenario.name}: {model.calendar([model.month])[0]} (month {model.month:g})", fontsize=10)
    return solara.FigureMatplotlib(fig, format="png")


def lever_values(model: VizModel):
    """The values this model was built with (the sliders show theirs only while dragged)."""
    import solara

    lines = [f"- **Seed**: {model.seed}"]
    for lever in LEVERS:
        value = model.levers.get(lever.name, lever.read(model.scenario))
        lines.append(f"- **{lever.label}**: {value:g}" if isinstance(value, float) else f"- **{lever.label}**: {value}")
    return solara.Markdown("**This run's levers** (move a slider, then *Reset*)\n\n" + "\n".join(lines))


def province_output_chart(model: VizModel):
    """Bars: change of each province's output since month 0, in percent."""
    import solara

    from analysis.tilegrid import SHORT_EN

    change = 100.0 * (model.by_province(model.state.output) / model.output0_by_province - 1.0)
    change = change.rename(index=SHORT_EN).sort_values()
    fig = _figure(height=5.0)
    ax = fig.add_subplot()
    ax.barh(change.index, change.to_numpy(), color=np.where(change.to_numpy() >= 0, "tab:green", "tab:red"))
    ax.axvline(0.0, color="black", lw=0.8)
    ax.set_xlabel(f"output change since month 0, % ({model.calendar([model.month])[0]}, month {model.month:g})")
    ax.tick_params(axis="y", labelsize=6)
    return solara.FigureMatplotlib(fig, format="png")


def idle_recovered_map(model: VizModel):
    """Tile-grid map: share of each province's initial idle capacity recovered."""
    import solara

    from analysis.tilegrid import TILES, draw_tile_map

    recovered = model.idle_recovered_by_province()
    if not set(recovered.index) <= set(TILES):
        return solara.Markdown("The tile map needs Iran's 31 provinces (ISO 3166-2:IR codes).")
    fig = _figure(height=4.2)
    draw_tile_map(
        fig.add_subplot(),
        recovered,
        cmap="RdYlGn",
        vmin=-1.0,
        vmax=1.0,
        labels="en",
        value_format="{:.0%}",
        title=f"Idle capacity recovered since month 0 ({model.calendar([model.month])[0]})",
    )
    return solara.FigureMatplotlib(fig, format="png")


def components() -> list:
    """The page's panels: national series (from the data collector) and the province panels."""
    return [
        (national_charts, 0),
        (lever_values, 0),
        (idle_recovered_map, 0),
        (province_output_chart, 0),
    ]


def page(model):
    """The SolaraViz element for a model (its *Reset* rebuilds the model from the controls).

    Args:
        model: A :class:`VizModel`, or a ``solara.Reactive`` holding one (then it holds the new
            model after *Reset*).
    """
    from mesa.visualization import SolaraViz

    current = getattr(model, "value", model)
    return SolaraViz(
        model,
        components=components(),
        model_params=model_params(current.scenario_file, current.seed),
        name=f"growthsim: {current.scenario.name}",
    )


def model_from_environment() -> VizModel:
    """The model ``growthsim viz`` asked for (scenario and seed from the environment)."""
    return VizModel(scenario_file=os.environ.get(SCENARIO_ENV) or None, seed=int(os.environ.get(SEED_ENV, "0")))


def _make_page():
    import solara

    @solara.component
    def Page():
        model = solara.use_memo(model_from_environment, [])
        solara.Title(f"growthsim: {model.scenario.name}")  # the browser tab's title
        return page(model)

    return Page


try:  # ``solara run analysis.viz`` looks for ``Page``.
    Page = _make_page()
except ImportError:  # the viz extra is missing: the model above still works
    Page = None
