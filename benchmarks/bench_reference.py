"""Engine vs the object-per-firm reference: time per step on the default economy (13,126 firms).

Both step the same world, schedule and seed (a 30% capacity loss in two sectors of two
provinces, productivity noise). In each repeat the engine runs the 12 monthly steps of a year and
the reference its first few steps, in the same process, and the ratio of their median step
times is taken; the script also checks that the two still agree.

Usage: ``python benchmarks/bench_reference.py [--steps 4] [--repeats 3]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(ROOT / "tests"))  # the executable specification, tests/oracle, as the tests import it

from oracle.reference import ReferenceModel  # noqa: E402

import sim  # noqa: E402
from benchmarks.common import print_load_at_end, print_machine, scenario_for  # noqa: E402


def measure(steps: int, repeats: int) -> dict[str, float]:
    """Median seconds per step of engine and reference, and their ratio per repeat."""
    sc = scenario_for("default", horizon_months=12, stochastic={"productivity_sigma": 0.02})
    world = sim.world_for(sc)
    engine_times, reference_times, ratios, build = [], [], [], []
    max_diff = 0.0
    for _ in range(repeats):
        started = time.perf_counter()
        reference = ReferenceModel(sc, world, seed=3)
        build.append(time.perf_counter() - started)
        engine = sim.GrowthModel(sc, world, seed=3, agents=False)
        e_rep, r_rep = [], []
        for _ in range(engine.n_steps):
            started = time.perf_counter()
            engine.step()
            e_rep.append(time.perf_counter() - started)
        for _ in range(steps):
            started = time.perf_counter()
            reference.step()
            r_rep.append(time.perf_counter() - started)
        # Agreement after ``steps`` steps: step a second engine model as far.
        check = sim.GrowthModel(sc, world, seed=3, agents=False)
        for _ in range(steps):
            check.step()
        out = check.state.output
        check.release()
        diff = np.abs(reference.firm_values("output") - out).max() / out.max()
        max_diff = max(max_diff, float(diff))
        engine_times += e_rep
        reference_times += r_rep
        ratios.append(statistics.median(r_rep) / statistics.median(e_rep))
        engine.release()
        reference.release()
    return {
        "firms": world.n_firms,
        "pairs": world.network.n_pairs,
        "links": world.network.n_links,
        "engine_step_ms": 1e3 * statistics.median(engine_times),
        "reference_step_ms": 1e3 * statistics.median(reference_times),
        "ratio": statistics.median(ratios),
        "reference_build_s": statistics.median(build),
        "max_relative_output_difference": max_diff,
    }


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=4, help="reference steps per repeat (monthly)")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    print_machine()
    res = measure(args.steps, args.repeats)
    print(
        f"reference vs engine, default economy: {res['firms']:,} firms, {res['pairs']:,} pairs, "
        f"{res['links']:,} links; {args.repeats} repeats, engine 12 and reference {args.steps} monthly steps each"
    )
    print(f"  engine     {res['engine_step_ms']:10.2f} ms/step (median)")
    print(f"  reference  {res['reference_step_ms']:10.2f} ms/step (median; build {res['reference_build_s']:.1f} s)")
    print(f"  speed-up   {res['ratio']:10.0f} x (median of per-repeat ratios)")
    print(f"  agreement  max |x_ref - x_engine| / max x = {res['max_relative_output_difference']:.1e}")
    print_load_at_end()
    return res


if __name__ == "__main__":
    main()
