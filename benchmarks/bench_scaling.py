"""Step time and memory from 1,000 to 1,000,000 firms; batch throughput at 1 and 2 workers.

Scaling: the default economy with its firm counts scaled (every cell with firms keeps at least
one) is written to a temporary data folder; each size runs in its own Python process so that
its peak memory is its own. The process builds the world, runs a few monthly steps with the
benchmark's capacity shock (median step time), then measures the memory of one more step with
``tracemalloc`` (numpy reports its buffers to it): ``resident after build + tracemalloc peak of
the step`` is the step's footprint; ``VmHWM`` is the whole process's peak, build included.

Batch: a ``spawn`` process pool (our own, over ``sim.run``; ``growthsim batch`` is not on this
branch) runs 12-month runs of the default economy with distinct seeds at 1 and 2 workers; each
worker builds the world once in its initializer (not timed), so the figure is runs per second
in steady state.

Usage: ``python benchmarks/bench_scaling.py [--sizes 1000 13000 100000 1000000] [--steps 5]``
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing as mp
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sim  # noqa: E402
from benchmarks.common import (  # noqa: E402
    measure_in_subprocess,
    print_load_at_end,
    print_machine,
    rss_mb,
    scaled_folder,
    scenario_for,
)

DEFAULT_SIZES = (1_000, 13_000, 100_000, 1_000_000)


def one_size(target: int, steps: int) -> dict:
    """Build and step one scaled economy in this process; return its figures."""
    with tempfile.TemporaryDirectory(prefix="growthsim-scale-") as tmp:
        folder = scaled_folder(target, Path(tmp) / "economy")
        sc = scenario_for(folder, horizon_months=12)
        started = time.perf_counter()
        world = sim.world_for(sc)
        build = time.perf_counter() - started
        model = sim.GrowthModel(sc, world, seed=0, agents=False)
        rss_built = rss_mb()
        times = []
        for _ in range(steps):
            started = time.perf_counter()
            model.step()
            times.append(time.perf_counter() - started)
        tracemalloc.start()
        tracemalloc.reset_peak()
        before, _ = tracemalloc.get_traced_memory()
        model.step()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        model.release()
        net = world.network
        return {
            "firms": world.n_firms,
            "pairs": net.n_pairs,
            "links": net.n_links,
            "build_s": build,
            "step_ms": 1e3 * statistics.median(times),
            "rss_after_build_mb": rss_built,
            "step_peak_extra_mb": (peak - before) / 2**20,
            "step_footprint_mb": rss_built + (peak - before) / 2**20,
            "process_peak_mb": rss_mb("VmHWM"),
        }


def scaling(sizes: list[int], steps: int) -> list[dict]:
    return [measure_in_subprocess(__file__, target, "--steps", str(steps)) for target in sizes]


# Batch -----------------------------------------------------------------------------------------
_SCENARIO = None


def _init_worker() -> None:
    global _SCENARIO
    _SCENARIO = scenario_for("default", horizon_months=12, stochastic={"productivity_sigma": 0.02})
    sim.world_for(_SCENARIO)


def _one_run(seed: int) -> float:
    return float(sim.run(_SCENARIO, seed=seed).national("output").iloc[-1])


def batch(workers: int, runs: int) -> float:
    """Runs per second of a spawn pool of ``workers`` over ``runs`` seeds (world prebuilt)."""
    ctx = mp.get_context("spawn")
    pool = ctx.Pool(workers, initializer=_init_worker)
    try:
        pool.map(_one_run, range(workers), chunksize=1)  # warm-up: every worker has built
        started = time.perf_counter()
        pool.map(_one_run, range(100, 100 + runs), chunksize=1)
        return runs / (time.perf_counter() - started)
    finally:
        pool.close()  # close and join (the context manager terminates, leaking the pool's semaphores)
        pool.join()


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--steps", type=int, default=5, help="timed monthly steps per size")
    parser.add_argument("--runs", type=int, default=12, help="runs per batch measurement")
    parser.add_argument("--repeats", type=int, default=3, help="batch measurements per worker count")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(one_size(args.one, args.steps)))
        return {}
    print_machine()
    rows = scaling(args.sizes, args.steps)
    print(f"scaling: monthly steps, median of {args.steps}; memory in MB")
    print(
        f"  {'firms':>10} {'pairs':>11} {'links':>11} {'build s':>8} {'step ms':>9} "
        f"{'ns/link':>8} {'after build':>11} {'step peak':>10} {'footprint':>10} {'proc. peak':>10}"
    )
    for r in rows:
        if "error" in r:
            print(f"  {r['target']:>10,} failed: {r['error']}")
            continue
        print(
            f"  {r['firms']:>10,} {r['pairs']:>11,} {r['links']:>11,} {r['build_s']:>8.2f} {r['step_ms']:>9.2f} "
            f"{1e6 * r['step_ms'] / r['links']:>8.1f} {r['rss_after_build_mb']:>11.0f} "
            f"{r['step_peak_extra_mb']:>10.0f} {r['step_footprint_mb']:>10.0f} {r['process_peak_mb']:>10.0f}"
        )
    ok = [r for r in rows if "error" not in r]
    pairs_of_sizes = list(zip(ok, ok[1:], strict=False))
    if len(ok) > 2:
        pairs_of_sizes.append((ok[0], ok[-1]))
    for a, b in pairs_of_sizes:
        time_ratio, link_ratio = b["step_ms"] / a["step_ms"], b["links"] / a["links"]
        elasticity = math.log(time_ratio) / math.log(link_ratio)
        print(
            f"  {a['firms']:,} -> {b['firms']:,} firms: step time x{time_ratio:.1f} for links x{link_ratio:.1f}: "
            f"time per link x{time_ratio / link_ratio:.2f}, elasticity {elasticity:.2f} (1 = linear)"
        )
    rates = {}
    for workers in (1, 2):
        rates[workers] = statistics.median(batch(workers, args.runs) for _ in range(args.repeats))
    print(f"batch: 12-month runs of the default economy, own spawn pool over sim.run, median of {args.repeats}")
    for workers, rate in rates.items():
        print(f"  {workers} worker{'s' if workers > 1 else ' '}: {rate:6.2f} runs/s ({60 * rate:5.0f} runs/min)")
    print(f"  speed-up at 2 workers: {rates[2] / rates[1]:.2f} x (on {os.cpu_count()} cores shared with other jobs)")
    print_load_at_end()
    return {"scaling": rows, "batch": rates}


if __name__ == "__main__":
    main()
