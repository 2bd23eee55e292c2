"""Speed and memory of Monte Carlo batches on the default economy (summary detail).

Measures, in one invocation:

1. one run: median wall time of ``sim.run`` (60 months, default economy, world cached);
2. scaling: a batch of ``--ratio-runs`` runs with 1 worker and with 2 workers, ``--repeats``
   times each (alternating), median throughput (runs per second, whole batch including pool
   start-up) and the ratio 2 workers / 1 worker; next to it, as a control, the ratio two plain
   processes looping over ``sim.run`` get over one (what the shared machine offers at the time);
3. the full batch: ``--runs`` runs (default 1,000) with ``--workers`` (default 2), wall time, peak
   memory of the whole process tree (this process plus its workers, resident set sampled every
   0.25 s), and the workers' resident memory after 10% and after 90% of the runs (flat memory:
   no growth from Mesa's ``Agent._ids`` or anything else).

The scenario is ``scenarios/baseline.toml`` with idiosyncratic productivity noise
(``productivity_sigma = 0.02``) so every seed gives a different path.

    python benchmarks/bench_batch.py                       # everything (about 8 minutes on 2 cores)
    python benchmarks/bench_batch.py --runs 100 --ratio-runs 30 --repeats 1   # a quick look

Prints the load average before and after: other processes on the machine slow the runs and
lower the 2-worker ratio.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import pandas as pd
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sim  # noqa: E402
from analysis.montecarlo import run_batch  # noqa: E402

GB = 1024**3


def scenario_file(folder: Path) -> Path:
    """Baseline plus productivity noise, written next to the default economy's reference."""
    text = (ROOT / "scenarios" / "baseline.toml").read_text(encoding="utf-8")
    path = folder / "baseline_noise.toml"
    path.write_text(
        text.replace('name = "baseline"', 'name = "baseline_noise"')
        + "\n[stochastic]\nproductivity_sigma = 0.02\nproductivity_rho = 0.9\n",
        encoding="utf-8",
    )
    return path


class MemorySampler(threading.Thread):
    """Samples the resident memory of this process and its children, and the runs stored."""

    def __init__(self, store: Path, interval: float = 0.25) -> None:
        super().__init__(daemon=True)
        self.store = store
        self.interval = interval
        self.samples: list[tuple[float, int, float, list[float]]] = []  # (t, parts, total, workers)
        self._halt = threading.Event()

    def run(self) -> None:
        me = psutil.Process()
        start = time.perf_counter()
        while not self._halt.is_set():
            try:
                children = me.children(recursive=True)
                workers = []
                for child in children:
                    with contextlib.suppress(psutil.Error):
                        workers.append(child.memory_info().rss)
                total = me.memory_info().rss + sum(workers)
                parts = len(list((self.store / "metrics").glob("part-*.parquet")))
                self.samples.append((time.perf_counter() - start, parts, total, workers))
            except (psutil.Error, FileNotFoundError):
                pass
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join()


def timed_batch(path: Path, runs: int, workers: int, out: Path, seed: int = 0):
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    batch = run_batch([path], runs, out, seed=seed, workers=workers)
    return time.perf_counter() - started, batch


def steady_rate(batch) -> float:
    """Runs per second between the first and the last stored part (pool start-up excluded)."""
    parts = sorted((batch.store.root / "metrics").glob("part-*.parquet"), key=lambda p: p.stat().st_mtime)
    if len(parts) < 3:
        return float("nan")
    after_first = sum(len(pd.read_parquet(p, columns=["run"])) for p in parts[1:])
    return after_first / (parts[-1].stat().st_mtime - parts[0].stat().st_mtime)


def _loop(path: str, runs: int, barrier) -> float:
    """Build the world, wait for the other processes, then time ``runs`` plain ``sim.run`` calls."""
    scenario = sim.load_scenario(path)
    sim.world_for(scenario)
    barrier.wait()
    started = time.perf_counter()
    for seed in range(runs):
        sim.run(scenario, seed)
    return time.perf_counter() - started


def machine_ratio(path: Path, runs: int) -> float:
    """Throughput of 2 processes running plain loops of ``sim.run`` over 1 process (no batch code).

    This is what the machine offers right now: with other load on the 2 cores it falls below 2.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    rates = {}
    for n in (1, 2):
        ctx = multiprocessing.get_context("spawn")
        barrier = ctx.Manager().Barrier(n)
        with ProcessPoolExecutor(n, mp_context=ctx) as pool:
            times = list(pool.map(_loop, [str(path)] * n, [runs] * n, [barrier] * n))
        rates[n] = n * runs / max(times)
    return rates[2] / rates[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000, help="runs of the full batch")
    parser.add_argument("--workers", type=int, default=2, help="workers of the full batch")
    parser.add_argument("--ratio-runs", type=int, default=100, help="runs of each scaling batch")
    parser.add_argument("--repeats", type=int, default=3, help="scaling batches per worker count")
    parser.add_argument("--skip-full", action="store_true", help="only the single run and scaling parts")
    args = parser.parse_args()

    print(f"cores: {os.cpu_count()}, load average before: {os.getloadavg()}")
    tmp = Path(tempfile.mkdtemp(prefix="bench_batch-"))
    try:
        path = scenario_file(tmp)
        scenario = sim.load_scenario(path)
        sim.world_for(scenario)
        singles = []
        for seed in range(5):
            t = time.perf_counter()
            sim.run(scenario, seed)
            singles.append(time.perf_counter() - t)
        print(
            f"one run (60 months, {sim.world_for(scenario).n_firms:,} firms): median {statistics.median(singles):.3f} s"
        )

        rates: dict = {1: [], 2: []}
        steady: dict[int, list[float]] = {1: [], 2: []}
        for rep in range(args.repeats):
            for workers in (1, 2):
                seconds, batch = timed_batch(path, args.ratio_runs, workers, tmp / f"ratio{workers}")
                rates[workers].append(args.ratio_runs / seconds)
                steady[workers].append(steady_rate(batch))
                print(f"  scaling batch {rep + 1}: {workers} worker(s), {args.ratio_runs} runs in {seconds:.1f} s")
            control = machine_ratio(path, max(5, args.ratio_runs // 5))
            rates.setdefault("machine", []).append(control)
            print(f"  control {rep + 1}: 2 plain processes vs 1 (no batch code): {control:.2f}x")
        r1, r2 = statistics.median(rates[1]), statistics.median(rates[2])
        s1, s2 = statistics.median(steady[1]), statistics.median(steady[2])
        print(
            f"throughput ({args.ratio_runs}-run batches, median of {args.repeats}), whole batch: 1 worker {r1:.2f} "
            f"runs/s, 2 workers {r2:.2f} runs/s, ratio {r2 / r1:.2f}x (target >= 1.7x)"
        )
        print(
            f"throughput after the first part (start-up excluded): 1 worker {s1:.2f} runs/s, "
            f"2 workers {s2:.2f} runs/s, ratio {s2 / s1:.2f}x"
        )
        print(
            f"what the machine offered meanwhile (2 plain sim.run loops vs 1, median): "
            f"{statistics.median(rates['machine']):.2f}x"
        )

        if not args.skip_full:
            out = tmp / "full"
            sampler = MemorySampler(out)
            sampler.start()
            try:
                seconds, batch = timed_batch(path, args.runs, args.workers, out, seed=1)
            finally:
                sampler.stop()
            stored = len(batch.metrics)
            failed = len(batch.failures)
            peak = max(s[2] for s in sampler.samples)
            parts_total = max(s[1] for s in sampler.samples) or 1
            print(
                f"full batch: {args.runs} runs x 60 months, {args.workers} workers, summary detail: {seconds:.1f} s "
                f"({seconds / 60:.2f} min; target < 10 min), {stored} stored, {failed} failed, "
                f"{args.runs / seconds:.2f} runs/s"
            )
            print(f"peak memory of the process tree: {peak / GB:.2f} GB (target < 2 GB)")
            early = [s for s in sampler.samples if 0.1 * parts_total <= s[1] <= 0.2 * parts_total and s[3]]
            late = [s for s in sampler.samples if s[1] >= 0.9 * parts_total and s[3]]
            if early and late:
                e = statistics.median(max(s[3]) for s in early)
                lt = statistics.median(max(s[3]) for s in late)
                print(
                    f"largest worker's resident memory: {e / GB:.3f} GB after 10-20% of the runs, "
                    f"{lt / GB:.3f} GB after 90% (flat memory: ratio {lt / e:.3f})"
                )
            size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
            print(f"store size: {size / 1024**2:.1f} MB")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
