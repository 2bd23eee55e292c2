"""Build and run speed of the engine on the default economy.

Prints medians over several repetitions of:
- building the default economy (load the data folder, draw firms and suppliers, solve x = W x + f),
- a 60-month baseline run after the build (the world cached),
- one step,
and the peak resident memory of this process. Usage::

    python benchmarks/bench_engine.py [--repeats 7]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from pathlib import Path

import sim
from sim.economy.world import build_world
from sim.engine.model import GrowthModel
from sim.scenario.parameters import ModelParameters

ROOT = Path(__file__).resolve().parent.parent


def median_seconds(func, repeats: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    scenario = sim.load_scenario(ROOT / "scenarios" / "baseline.toml")

    build, _ = median_seconds(lambda: build_world(sim.load_economy("default"), ModelParameters(), 0), args.repeats)
    world = sim.world_for(scenario)
    run, _ = median_seconds(lambda: sim.run(scenario, seed=0), args.repeats)

    model = GrowthModel(scenario, world, seed=0, agents=False)
    step_times = []
    while model.running:
        start = time.perf_counter()
        model.step()
        step_times.append(time.perf_counter() - start)
    model.release()
    step = statistics.median(step_times)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"firms: {world.n_firms:,}  links: {world.network.n_links:,}  repeats: {args.repeats}")
    print(f"build default economy      median {build:8.3f} s   (target < 3 s)")
    print(f"60-month run after build   median {run:8.3f} s   (target < 2 s)")
    print(f"one step                   median {step * 1e3:8.2f} ms  (target < 10 ms)")
    print(f"run / step ratio           {run / step:8.1f}     (60 steps + recording and tables)")
    print(f"peak resident memory       {peak_mb:8.0f} MB  (target < 1024 MB)")


if __name__ == "__main__":
    main()
