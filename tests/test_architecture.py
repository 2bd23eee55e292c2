"""The structure the engine promises: a registry entry per shock kind, a world cache keyed by every
world parameter, a run plan no phase writes, and input-line arithmetic equal to its formulas."""

from __future__ import annotations

import typing
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

import sim
from sim.economy.network import SupplyNetwork
from sim.economy.world import WorldParameters
from sim.engine import plan as run_plan
from sim.engine.record import Recorder
from sim.engine.state import State
from sim.engine.step import advance
from sim.engine.stochastic import StochasticState
from sim.kernels.lines import InputLines
from sim.scenario import ModelParameters, Scenario
from sim.shocks import FIELDS, KINDS, Shock, ShockSchedule, cell_mask

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


# --- shock registry ---------------------------------------------------------------------------


def test_every_registered_kind_is_its_specs_kind_and_in_the_scenario_union():
    union = typing.get_args(typing.get_args(Shock)[0])
    assert tuple(kind.spec for kind in KINDS.values()) == union
    for name, kind in KINDS.items():
        assert typing.get_args(kind.spec.model_fields["kind"].annotation) == (name,)


EXAMPLES = {
    "demand": {"kind": "demand", "change": -0.5, "channel": "export", "start": 2, "end": 3},
    "capacity": {"kind": "capacity", "loss": 0.5, "start": 2, "end": 3},
    "import": {"kind": "import", "availability": 0.5, "start": 2, "end": 3},
    "energy": {"kind": "energy", "availability": 0.5, "start": 2, "end": 3},
    "fx": {
        "kind": "fx",
        "path": [2.0],
        "pass_through": 1.0,
        "working_capital": 1.0,
        "adjustment_months": 2.0,
        "start": 2,
        "end": 3,
    },
}


@pytest.mark.parametrize("name", list(KINDS))
def test_each_kind_compiles_into_its_own_fields_only(name):
    """A shock of one kind on one sector halves its fields there in months 2-3 and nothing else."""
    assert set(EXAMPLES) == set(KINDS), "a new kind needs an example here"
    economy = sim.load_economy("default")
    shock = KINDS[name].spec.model_validate({**EXAMPLES[name], "sectors": ["24"]})
    fields = KINDS[name].fields(shock)
    assert fields and set(fields) <= FIELDS
    schedule = ShockSchedule.neutral(5, economy.n_provinces * economy.n_sectors, 1.0, 1, frozenset(fields))
    mask = cell_mask(economy, ["24"], None)
    KINDS[name].compile(shock, schedule, mask, 1.0, economy)
    for field in FIELDS:
        values = getattr(schedule, field)
        if field not in fields:
            np.testing.assert_array_equal(values, 1.0)
            continue
        # fx: p = 1 + 1 * (2 - 1) = 2: share W / p = 1 / 2 = 0.5 in step 2, then working capital
        # catches up half the gap (tau = 2 months): W = 1 + (2 - 1) / 2 = 1.5, share 0.75 in step 3;
        # the others halve directly.
        expected = [0.5, 0.75] if name == "fx" else [0.5, 0.5]
        np.testing.assert_array_equal(values[2:4][:, mask], np.array(expected)[:, None] * np.ones((1, mask.sum())))
        np.testing.assert_array_equal(values[:, ~mask], 1.0)
        np.testing.assert_array_equal(values[[0, 1, 4, 5]], 1.0)


# --- world cache ------------------------------------------------------------------------------


def test_world_cache_keys_on_every_world_parameter_and_only_those():
    base = sim.load_scenario(SCENARIOS / "baseline.toml")
    world = sim.world_for(base)
    other_dynamics = base.with_changes(parameters=ModelParameters(recovery_speed=0.5))
    assert sim.world_for(other_dynamics) is world  # not a world parameter: the same world
    for name, value in [("size_sigma", 0.7), ("latent_demand_share", 0.5), ("max_suppliers", 1)]:
        changed = base.with_changes(parameters=ModelParameters(**{name: value}))
        assert sim.world_for(changed) is not world, name
    assert set(WorldParameters.model_fields) <= set(ModelParameters.model_fields)


def test_build_world_reads_only_world_parameters():
    params = WorldParameters.of(ModelParameters(size_sigma=0.5, recovery_speed=0.9))
    assert params == WorldParameters(size_sigma=0.5)
    assert not hasattr(params, "recovery_speed")


# --- the run plan is read only ----------------------------------------------------------------


def _freeze(value: object, seen: set[int]) -> None:
    """Make every numpy array reachable from ``value`` read-only (attributes, tuples, matrices)."""
    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, np.ndarray):
        value.setflags(write=False)
        return
    if sp.issparse(value):
        for part in (value.data, value.indices, value.indptr):
            _freeze(part, seen)
        return
    if isinstance(value, list | tuple):
        for item in value:
            _freeze(item, seen)
        return
    attributes = getattr(value, "__dict__", None) or {
        name: getattr(value, name) for name in getattr(type(value), "__slots__", ()) if hasattr(value, name)
    }
    if attributes and not isinstance(value, (Scenario, type)) and type(value).__module__.startswith("sim."):
        for item in attributes.values():
            _freeze(item, seen)


@pytest.mark.parametrize("name", ["combined_stress", "priority_rationing", "guided_investment", "missing_links_closed"])
def test_no_phase_writes_into_the_plan(name):
    """Every array of the plan (and the world it holds) read-only: two years of shocks and levers still run."""
    scenario = sim.load_scenario(SCENARIOS / f"{name}.toml")
    world = sim.build_world(sim.load_economy(scenario.data_dir), scenario.parameters, seed=scenario.economy.seed)
    plan = run_plan.compile(scenario, world)
    rng = np.random.default_rng(3)
    random = StochasticState.initial(scenario.stochastic, world.n_firms, world.economy.n_provinces)
    state = State.initial(world, plan.rates.dt, plan.rates.gestation_steps, random, plan.imports_vary, rng)
    _freeze(plan, set())
    assert not plan.schedule.imports.flags.writeable and not plan.world.network.pair_coef.flags.writeable
    recorder = Recorder(world, plan.n_steps, plan.rates.dt)
    for _ in range(24):
        advance(state, plan)
        recorder.update_peak(state)
        recorder.record(state)
    assert state.step == 24
    with pytest.raises(AttributeError):
        plan.rates = None  # frozen


# --- input lines ------------------------------------------------------------------------------


def _network() -> SupplyNetwork:
    """Firms 0..3; firm 0 buys two inputs (lines 0, 1), firm 1 none, firm 2 one (line 2), firm 3 one (line 3).

    Line 0 buys 0.25 from firm 1 and 0.75 from firm 2; line 1 all from firm 3; line 2 all from
    firm 0; line 3 half from firm 0, half from firm 1.
    """
    m = np.array(
        [
            [0.0, 0.0, 1.0, 0.5],
            [0.25, 0.0, 0.0, 0.5],
            [0.75, 0.0, 0.0, 0.0],
            [0.0, 1.0, 0.0, 0.0],
        ]
    )
    return SupplyNetwork(
        pair_buyer=np.array([0, 0, 2, 3], dtype=np.int32),
        pair_sector=np.array([1, 2, 0, 0], dtype=np.int16),
        pair_coef=np.array([0.1, 0.2, 0.3, 0.4]),
        pair_critical=np.array([True, False, True, False]),
        supplier_of_pair=sp.csr_matrix(m),
    )


@pytest.mark.parametrize("blocked", [False, True])
@pytest.mark.parametrize("pairs_per_block", [None, 1, 2])
def test_input_lines_by_hand(blocked, pairs_per_block):
    lines = InputLines(_network(), blocked=blocked, pairs_per_block=pairs_per_block)
    firm = np.array([10.0, 20.0, 30.0, 40.0])
    np.testing.assert_array_equal(lines.spread(firm), [10.0, 10.0, 30.0, 40.0])
    line_values = np.array([5.0, 2.0, 7.0, 1.0])
    mins = lines.min_over_inputs(lambda block: block.of(line_values) * block.spread(np.ones(4)))
    np.testing.assert_array_equal(mins, [2.0, np.inf, 7.0, 1.0])  # firm 1 has no lines
    out = np.full(4, -1.0)
    each = lines.each_line(lambda block: block.of(line_values) + block.spread(firm), out=out)
    assert each is out
    np.testing.assert_array_equal(out, [15.0, 12.0, 37.0, 41.0])
    orders = np.array([4.0, 8.0, 2.0, 6.0])
    # supplier 0: line 2 (1.0 x 2) + line 3 (0.5 x 6) = 5; 1: 0.25 x 4 + 0.5 x 6 = 4; 2: 0.75 x 4; 3: 8
    np.testing.assert_array_equal(lines.sum_to_suppliers(orders), [5.0, 4.0, 3.0, 8.0])
    fill = np.array([1.0, 0.5, 0.25, 0.75])
    # line 0: 0.25 x 0.5 + 0.75 x 0.25 = 0.3125; line 1: 0.75; line 2: 1.0; line 3: 0.5 + 0.25 = 0.75
    np.testing.assert_array_equal(lines.gather_from_suppliers(fill), [0.3125, 0.75, 1.0, 0.75])
    received = np.empty(4)
    np.testing.assert_array_equal(lines.receipts(orders, fill, out=received), [1.25, 6.0, 2.0, 4.5])
