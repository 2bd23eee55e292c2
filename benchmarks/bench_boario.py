"""The engine against BoARIO (the ARIO model in Python) on one sector-level economy, one year.

The economy: the default economy's 31 provinces x 28 sectors with one firm in every cell
(868 industries). Its tables are the default ones with three changes so that both models start
from the same equilibrium: no idle capacity (installed and peak output equal to current output),
final demand in the 103 cells that have none in the default economy set to the smallest positive
final demand of the sector (BoARIO needs positive output in every industry), and inventories of
90 days restored over 60 days (BoARIO's defaults) on both sides. The engine's firm-level network
(one firm a cell) gives the MRIO table: ``Z[k, b] = W[k, b] x0[b]``, ``Y`` the firm's final
demand in its own province's column, all times 12 to make the yearly table BoARIO expects.

The shock: 30% of the capacity of basic metals (24) and motor vehicles (29) in Tehran and
Isfahan lost from day 31 (month 2) to day 91 (end of month 3), back linearly over 91 days
(engine: ``[[shock]] kind = "capacity"``, ``recovery_months = 3``; BoARIO: an
``EventKapitalRecover`` destroying 30% of those industries' capital at temporal unit 30 for 61
days, ``recovery_tau = 91``). 365 daily steps on both sides (engine: ``step_months =
1/30.4375``, ``horizon_months = 12``).

Timed, world and MRIO table prepared beforehand on both sides (the economy's data):

- *stepping*: BoARIO's ``Simulation`` set-up and ``loop()`` over its prebuilt ``ARIOPsiModel``,
  against the engine's ``GrowthModel`` set-up and 365 ``step()`` calls with its records;
- *whole run*: BoARIO's model built from the table, the ``Simulation``, ``loop()`` and its results
  table (``production_realised``), against the engine's ``sim.run`` (model, steps, the month x
  province x sector results table and the manifest).

BoARIO's dense matrix products run on the BLAS thread pool (two threads on a two-core machine);
the engine runs on one core. The stepping is also timed with BoARIO held to one BLAS thread.

Usage: ``python benchmarks/bench_boario.py [--repeats 3] [--engine-repeats 5]``
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_info, threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sim  # noqa: E402
from benchmarks.common import CAPACITY_SHOCK, print_load_at_end, print_machine, scenario_for  # noqa: E402
from sim.economy.export import write_economy  # noqa: E402

DAYS_PER_MONTH = 30.4375
INVENTORY_DAYS = 90
RESTORE_DAYS = 60
SHOCK_START_DAY = 30  # BoARIO temporal unit of engine step 31, the first step of month 2
SHOCK_DAYS = 61  # engine steps 31..91 are months 2..3
RECOVERY_DAYS = 91  # three months


def sector_folder(folder: Path) -> Path:
    """Write the one-firm-a-cell economy (see the module docstring)."""
    economy = sim.load_economy("default")
    economy.firm_counts[:] = 1
    demand = economy.final_demand
    smallest = np.where(demand > 0, demand, np.inf).min(axis=0)
    economy.final_demand = np.where(demand > 0, demand, smallest[None, :])
    economy.installed_ratio[:] = 1.0
    economy.peak_ratio[:] = 1.0
    economy.history = None
    economy.sectors["inventory_months"] = INVENTORY_DAYS / DAYS_PER_MONTH
    write_economy(economy, folder)
    (folder / "output_history.csv").unlink(missing_ok=True)
    return folder


def engine_scenario(folder: Path, step_days: float = 1.0):
    return scenario_for(
        folder,
        horizon_months=12,
        parameters={
            "step_months": step_days / DAYS_PER_MONTH,
            "inventory_restore_months": RESTORE_DAYS / DAYS_PER_MONTH,
        },
    )


STEP_LENGTHS = {"daily": 1.0, "weekly": 7.0, "monthly": DAYS_PER_MONTH}


def step_length_shapes(folder: Path) -> dict[str, dict[str, float]]:
    """The engine's loss path at daily, weekly and monthly steps (:func:`shape` with days per step)."""
    shapes = {}
    for name, days in STEP_LENGTHS.items():
        scenario = engine_scenario(folder, days)
        model = sim.GrowthModel(scenario, sim.world_for(scenario), seed=0, agents=False)
        try:
            while model.running:
                model.step()
        finally:
            model.release()
        path = model.recorder.cells[:, :, 0].sum(axis=1)
        shapes[name] = shape(path[1:], start=path[0], days_per_step=days)
    return shapes


def mriot(world: sim.World):
    """The pymrio IOSystem of the world's firm-level initial state (yearly flows)."""
    import pymrio

    economy = world.economy
    regions = np.array(economy.province_codes)[world.firms.province]
    sectors = np.array(economy.sector_codes)[world.firms.sector]
    index = pd.MultiIndex.from_arrays([regions, sectors], names=["region", "sector"])
    z = world.w.toarray() * world.output0[None, :] * 12.0
    y = np.zeros((world.n_firms, economy.n_provinces))
    y[np.arange(world.n_firms), world.firms.province] = world.final_demand * 12.0
    columns = pd.MultiIndex.from_product([economy.province_codes, ["final demand"]], names=["region", "category"])
    io = pymrio.IOSystem(
        Z=pd.DataFrame(z, index=index, columns=index),
        Y=pd.DataFrame(y, index=index, columns=columns),
        unit=pd.DataFrame({"unit": ["billion rials"] * world.n_firms}, index=index),
    )
    io.calc_all()
    return io


def boario_model(io):
    from boario.extended_models import ARIOPsiModel

    return ARIOPsiModel(
        io,
        monetary_factor=1,
        main_inv_dur=INVENTORY_DAYS,
        inventory_restoration_tau=RESTORE_DAYS,
        productive_capital_vector=io.x,
    )


def boario_year(io, out_dir: str, model=None) -> np.ndarray:
    """Run the shocked year in BoARIO; national production by day.

    With ``model`` given, the prebuilt model is stepped (*stepping*); without, the model is built
    from the table first (*whole run*). Both read the results table ``production_realised`` at the
    end (a copy of BoARIO's in-memory record, a few milliseconds).
    """
    from boario.event import from_series
    from boario.simulation import Simulation

    if model is None:
        model = boario_model(io)
    simulation = Simulation(model, n_temporal_units_to_sim=365, boario_output_dir=out_dir)
    capital = pd.Series(model.productive_capital, index=model.industries)
    hit = pd.MultiIndex.from_product([CAPACITY_SHOCK["provinces"], CAPACITY_SHOCK["sectors"]])
    impact = pd.Series(CAPACITY_SHOCK["loss"] * capital.loc[hit].to_numpy(), index=hit.set_names(["region", "sector"]))
    event = from_series(
        impact,
        event_type="recovery",
        occurrence=SHOCK_START_DAY,
        duration=SHOCK_DAYS,
        recovery_tau=RECOVERY_DAYS,
        event_monetary_factor=1,
    )
    simulation.add_event(event)
    simulation.loop()
    if simulation.n_temporal_units_simulated != 365 or simulation.has_crashed:
        raise RuntimeError(f"BoARIO stopped after {simulation.n_temporal_units_simulated} days")
    return simulation.production_realised.to_numpy().sum(axis=1)


def engine_year(scenario, world: sim.World) -> np.ndarray:
    """Step the engine's shocked year (world prebuilt); national output of steps 1..365.

    This is the work BoARIO's ``Simulation.loop`` does: step the model and keep its records.
    """
    model = sim.GrowthModel(scenario, world, seed=0, agents=False)
    try:
        while model.running:
            model.step()
    finally:
        model.release()
    return model.recorder.cells[1:, :, 0].sum(axis=1)


def engine_run_year(scenario) -> np.ndarray:
    """The same year through ``sim.run``, which also builds the month x province x sector table."""
    results = sim.run(scenario, seed=0)
    return results.trajectories.groupby("month", sort=True)["output"].sum().to_numpy()[1:]


def shape(path: np.ndarray, start: float | None = None, days_per_step: float = 1.0) -> dict[str, float]:
    """Loss path ``1 - X_t / X_0``: trough depth and day, total loss, recovery day.

    Args:
        path: Output of steps 1..T.
        start: ``X_0`` (default: the first step's output, as for BoARIO's daily path).
        days_per_step: Days a step stands for (the days reported are the step's last day).
    """
    loss = 1.0 - path / (path[0] if start is None else start)
    trough = int(np.argmax(loss))
    after = np.flatnonzero(loss[trough:] < 0.001)
    return {
        "trough_pct": 100 * loss[trough],
        "trough_day": round((trough + 1) * days_per_step),
        "total_loss_pct_of_year": 100 * loss.sum() / loss.size,
        "recovered_day": round((trough + 1 + int(after[0])) * days_per_step) if after.size else float("nan"),
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="BoARIO runs (about 30-50 s each)")
    parser.add_argument("--engine-repeats", type=int, default=5)
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    blas_threads = max((pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"), default=1)
    logging.getLogger("boario").setLevel(logging.ERROR)
    print_machine()
    with tempfile.TemporaryDirectory(prefix="growthsim-boario-") as tmp:
        folder = sector_folder(Path(tmp) / "sector")
        scenario = engine_scenario(folder)
        started = time.perf_counter()
        world = sim.world_for(scenario)
        engine_build = time.perf_counter() - started
        started = time.perf_counter()
        io = mriot(world)
        boario_table = time.perf_counter() - started
        started = time.perf_counter()
        boario_model(io)
        boario_build = time.perf_counter() - started
        engine_run_year(scenario)  # warm-up: imports, the git commit lookup (once a process)

        times = {"engine": [], "engine_run": [], "boario": [], "boario_whole": [], "boario_1_thread": []}
        ratios, ratios_1, run_ratios = [], [], []
        engine_path = boario_path = None
        for _ in range(args.repeats):
            rep, rep_run = [], []
            for _ in range(args.engine_repeats):
                started = time.perf_counter()
                engine_path = engine_year(scenario, world)
                rep.append(time.perf_counter() - started)
                started = time.perf_counter()
                run_path = engine_run_year(scenario)
                rep_run.append(time.perf_counter() - started)
            np.testing.assert_allclose(run_path, engine_path, rtol=1e-12)
            model = boario_model(io)
            started = time.perf_counter()
            boario_path = boario_year(io, str(Path(tmp) / "boario"), model)
            b = time.perf_counter() - started
            started = time.perf_counter()
            whole_path = boario_year(io, str(Path(tmp) / "boario"))
            b_whole = time.perf_counter() - started
            np.testing.assert_allclose(whole_path, boario_path, rtol=1e-12)
            times["engine"] += rep
            times["engine_run"] += rep_run
            times["boario"].append(b)
            times["boario_whole"].append(b_whole)
            model = boario_model(io)
            with threadpool_limits(limits=1, user_api="blas"):
                started = time.perf_counter()
                boario_year(io, str(Path(tmp) / "boario"), model)
                times["boario_1_thread"].append(time.perf_counter() - started)
            ratios_1.append(times["boario_1_thread"][-1] / statistics.median(rep))
            ratios.append(b / statistics.median(rep))
            run_ratios.append(b_whole / statistics.median(rep_run))
        steps = step_length_shapes(folder)
    e_shape, b_shape = shape(engine_path), shape(boario_path)
    e_loss, b_loss = 1 - engine_path / engine_path[0], 1 - boario_path / boario_path[0]
    corr = float(np.corrcoef(e_loss, b_loss)[0, 1])
    result = {
        "industries": world.n_firms,
        "engine_year_s": statistics.median(times["engine"]),
        "boario_year_s": statistics.median(times["boario"]),
        "ratio": statistics.median(ratios),
        "engine_run_year_s": statistics.median(times["engine_run"]),
        "boario_whole_year_s": statistics.median(times["boario_whole"]),
        "boario_1_thread_year_s": statistics.median(times["boario_1_thread"]),
        "ratio_1_thread": statistics.median(ratios_1),
        "blas_threads": blas_threads,
        "run_ratio": statistics.median(run_ratios),
        "engine_build_s": engine_build,
        "boario_table_s": boario_table,
        "boario_build_s": boario_build,
        "correlation": corr,
        "engine": e_shape,
        "boario": b_shape,
        "step_lengths": steps,
    }
    n_e, n_b = len(times["engine"]), len(times["boario"])
    print(f"BoARIO {_version('boario')} vs engine: {world.n_firms} industries x 365 daily steps, one capacity shock")
    print("  stepping (economy prebuilt; model set-up, 365 steps, in-memory records):")
    print(f"    engine GrowthModel + step()  {result['engine_year_s']:8.3f} s (median of {n_e})")
    print(f"    BoARIO Simulation + loop()   {result['boario_year_s']:8.3f} s (median of {n_b})")
    print(f"    BoARIO, one BLAS thread      {result['boario_1_thread_year_s']:8.3f} s (median of {n_b})")
    print(
        f"    speed-up {result['ratio']:6.0f} x against BoARIO's default {blas_threads} BLAS thread(s), "
        f"{result['ratio_1_thread']:.0f} x against one thread (medians of per-repeat ratios)"
    )
    print("  whole run (economy prebuilt; model built, 365 steps, results table):")
    print(f"    engine sim.run               {result['engine_run_year_s']:8.3f} s (median of {n_e})")
    print(f"    BoARIO model + loop + table  {result['boario_whole_year_s']:8.3f} s (median of {n_b})")
    print(f"    speed-up {result['run_ratio']:6.0f} x (median of per-repeat ratios)")
    print(
        f"  not timed above: engine world from the data folder {engine_build:.2f} s; "
        f"MRIO table for BoARIO {boario_table:.2f} s (BoARIO model alone {boario_build:.2f} s)"
    )
    print("  national output loss 1 - X_t/X_0:")
    print(f"    correlation of the two daily loss paths: {corr:.3f}")
    print(f"    {'':24s} {'trough %':>9s} {'day':>5s} {'total loss %':>12s} {'back within 0.1% on day':>24s}")
    rows = [("BoARIO, daily", b_shape), ("engine, daily", e_shape)]
    rows += [(f"engine, {name}", steps[name]) for name in ("weekly", "monthly")]
    for name, s in rows:
        print(
            f"    {name:24s} {s['trough_pct']:9.2f} {s['trough_day']:5d} "
            f"{s['total_loss_pct_of_year']:12.3f} {s['recovered_day']:>24}"
        )
    print(
        f"    engine / BoARIO (daily): trough {e_shape['trough_pct'] / b_shape['trough_pct']:.2f}x, "
        f"total loss {e_shape['total_loss_pct_of_year'] / b_shape['total_loss_pct_of_year']:.2f}x; "
        f"engine monthly / daily: trough {steps['monthly']['trough_pct'] / e_shape['trough_pct']:.2f}, "
        f"total loss {steps['monthly']['total_loss_pct_of_year'] / e_shape['total_loss_pct_of_year']:.2f}"
    )
    print_load_at_end()
    return result


def _version(name: str) -> str:
    from importlib.metadata import version

    return version(name)


if __name__ == "__main__":
    main()
