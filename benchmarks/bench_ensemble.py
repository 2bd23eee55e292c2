"""Ensembles: runs a second by ensemble size and by economy size, memory, and the batch on one worker.

Every ratio is measured in one process, the single runs (``sim.run``, one after the other) and the
ensemble (``sim.run_ensemble``) interleaved, medians over ``--repeats``; each measurement runs in a
fresh subprocess so its peak memory (``VmHWM``) is its own.

0. **The compiled loops** (:mod:`sim.kernels.fused`, :mod:`sim.kernels.routes`,
   :mod:`sim.kernels.segments`): an ensemble of ``--compiled-runs`` runs (default 16) of the
   60-month scenario with them and with the numpy rules they replace
   (``sim.kernels.fused.USE_NUMBA`` off), interleaved, against single runs: what Numba earns.
1. **By ensemble size** (default economy, 13,126 firms, a 60-month stochastic scenario: the
   baseline with idiosyncratic productivity noise, as ``bench_batch.py``): runs a second of
   ensembles of ``--ensembles`` runs against single runs, and the process's peak memory.
2. **By economy size** (the default economy scaled to ``--sizes`` firms, the same scenario over
   ``--size-months`` months): an ensemble of ``--size-ensemble`` runs against single runs.
3. **The batch** (``--batch-runs`` runs, default 64, of the 60-month scenario): ``run_batch`` on one
   worker (automatic ensembles) against the same runs as single ``sim.run`` calls; the issue's
   measurement (batch throughput over single-run throughput).
4. With ``--thousand``: 1,000 runs of the 60-month scenario through ``run_batch`` on 2 workers,
   wall time, against 1,000 single runs' time estimated from section 3's single runs halved.

    python benchmarks/bench_ensemble.py                                # everything but --thousand
    python benchmarks/bench_ensemble.py --ensembles 1 8 --sizes 13000 --batch-runs 16 --repeats 1  # quick
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

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

NOISE = {"productivity_sigma": 0.02, "productivity_rho": 0.9}
DEFAULT_ENSEMBLES = (1, 4, 16, 32, 64)
DEFAULT_SIZES = (13_000, 100_000, 1_000_000)


def noise_scenario(data: str | Path = "default", months: int = 60) -> sim.Scenario:
    """The stochastic benchmark scenario: no scheduled shock, idiosyncratic productivity noise."""
    return scenario_for(data, months, stochastic=NOISE).with_changes(shock=[], name="ensemble_noise")


def compare(scenario: sim.Scenario, runs: int, repeats: int) -> dict:
    """Single runs vs one ensemble of ``runs`` runs, interleaved; medians (seconds a run), memory."""
    sim.world_for(scenario)
    seeds = np.random.SeedSequence(2026).spawn(runs)
    sim.run(scenario, seeds[0])  # warm: imports, Numba's cache
    sim.run_ensemble(scenario, seeds[:1])
    before = rss_mb()
    single, together = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        for seed in seeds[: min(runs, 8)]:
            sim.run(scenario, seed)
        single.append((time.perf_counter() - started) / min(runs, 8))
        started = time.perf_counter()
        sim.run_ensemble(scenario, seeds)
        together.append((time.perf_counter() - started) / runs)
    a, b = statistics.median(single), statistics.median(together)
    return {
        "firms": sim.world_for(scenario).n_firms,
        "runs": runs,
        "single_s": a,
        "ensemble_s": b,
        "ratio": a / b,
        "peak_mb": rss_mb("VmHWM"),
        "peak_over_world_mb": rss_mb("VmHWM") - before,
    }


def one(target: int, runs: int, months: int, repeats: int) -> dict:
    """Section 1 or 2 in this (sub)process: ``target`` firms (13,000 = the default economy itself)."""
    if target <= 13_126:
        return compare(noise_scenario("default", months), runs, repeats)
    with tempfile.TemporaryDirectory() as tmp:
        folder = scaled_folder(target, Path(tmp) / "economy")
        return compare(noise_scenario(folder, months), runs, repeats)


def batch_ratio(runs: int, repeats: int) -> dict:
    """Section 3: ``run_batch`` on one worker vs the same runs as single ``sim.run`` calls."""
    from analysis.montecarlo import run_batch
    from analysis.montecarlo.seeds import spawn_seeds

    scenario = noise_scenario()
    sim.world_for(scenario)
    seeds = [s.sequence() for s in spawn_seeds(0, runs)]
    sim.run(scenario, seeds[0])
    single, batch, alone, sizes = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(repeats):
            started = time.perf_counter()
            for seed in seeds:
                sim.run(scenario, seed)
            single.append(time.perf_counter() - started)
            store = Path(tmp) / f"store{k}"
            started = time.perf_counter()
            result = run_batch([scenario], runs, store, workers=1)
            batch.append(time.perf_counter() - started)
            sizes.append(result.manifest["settings"]["ensemble"])
            shutil.rmtree(store)
            started = time.perf_counter()  # runs alone, series and metrics run by run (the path before ensembles)
            run_batch([scenario], runs, store, workers=1, model=sim.run)
            alone.append(time.perf_counter() - started)
            shutil.rmtree(store)
    a, b, c = statistics.median(single), statistics.median(batch), statistics.median(alone)
    return {
        "runs": runs,
        "single_s": a,
        "batch_s": b,
        "batch_runs_alone_s": c,
        "ratio": a / b,
        "ratio_runs_alone": a / c,
        "ensemble": sizes[0],
        "peak_mb": rss_mb("VmHWM"),
    }


def compiled_against_numpy(runs: int, repeats: int) -> dict:
    """Section 0: an ensemble with the compiled loops and with the numpy rules, and single runs (seconds a run)."""
    from sim.kernels import fused

    scenario = noise_scenario()
    sim.world_for(scenario)
    seeds = np.random.SeedSequence(2026).spawn(runs)
    sim.run(scenario, seeds[0])
    sim.run_ensemble(scenario, seeds[:2])  # compile (or load Numba's cache)
    single, compiled, numpy_rules = [], [], []
    try:
        for _ in range(repeats):
            started = time.perf_counter()
            for seed in seeds[: min(runs, 8)]:
                sim.run(scenario, seed)
            single.append((time.perf_counter() - started) / min(runs, 8))
            fused.USE_NUMBA = True
            started = time.perf_counter()
            sim.run_ensemble(scenario, seeds)
            compiled.append((time.perf_counter() - started) / runs)
            fused.USE_NUMBA = False
            started = time.perf_counter()
            sim.run_ensemble(scenario, seeds)
            numpy_rules.append((time.perf_counter() - started) / runs)
    finally:
        fused.USE_NUMBA = True
    a, b, c = statistics.median(single), statistics.median(compiled), statistics.median(numpy_rules)
    return {"runs": runs, "single_s": a, "compiled_s": b, "numpy_s": c, "ratio": a / b, "ratio_numpy": a / c}


def reductions(runs: int, repeats: int) -> dict:
    """Section 3b: series and metrics of an ensemble's runs, at once vs run by run (seconds a run)."""
    from analysis.metrics.many import RunCube, many_metrics
    from analysis.montecarlo.series import level_series, many_level_series
    from analysis.montecarlo.worker import _metric_context, per_run_metrics, targets_of

    scenario = noise_scenario()
    economy = sim.world_for(scenario).economy
    ensemble = sim.run_ensemble(scenario, np.random.SeedSequence(7).spawn(runs))
    context, targets = _metric_context(scenario), targets_of(scenario)
    at_once, one_by_one = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        many_level_series(RunCube.of(ensemble.cube, 1.0, economy, whole_months=False))
        many_metrics(RunCube.of(ensemble.cube, 1.0, economy), targets=targets, **context)
        at_once.append((time.perf_counter() - started) / runs)
        started = time.perf_counter()
        for r in range(runs):
            trajectories = ensemble[r].trajectories
            level_series(trajectories)
            per_run_metrics(trajectories, scenario)
        one_by_one.append((time.perf_counter() - started) / runs)
    a, b = statistics.median(one_by_one), statistics.median(at_once)
    return {"runs": runs, "run_by_run_s": a, "ensemble_s": b, "ratio": a / b}


def thousand(single_run_s: float) -> dict:
    """Section 4: 1,000 runs on 2 workers."""
    from analysis.montecarlo import run_batch

    with tempfile.TemporaryDirectory() as tmp:
        scenario_file = Path(tmp) / "noise.toml"
        scenario_file.write_text(
            'name = "ensemble_noise"\nhorizon_months = 60\n[economy]\ndata = "default"\n'
            "[stochastic]\nproductivity_sigma = 0.02\nproductivity_rho = 0.9\n",
            encoding="utf-8",
        )
        started = time.perf_counter()
        run_batch([scenario_file], 1000, Path(tmp) / "store", workers=2)
        wall = time.perf_counter() - started
    estimate = 1000 * single_run_s / 2
    return {"wall_s": wall, "single_runs_estimate_s": estimate, "ratio": estimate / wall}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ensembles", type=int, nargs="*", default=list(DEFAULT_ENSEMBLES))
    parser.add_argument("--sizes", type=int, nargs="*", default=list(DEFAULT_SIZES))
    parser.add_argument("--size-ensemble", type=int, default=4, help="runs per ensemble by economy size")
    parser.add_argument("--size-months", type=int, default=6, help="months per run by economy size")
    parser.add_argument("--batch-runs", type=int, default=64)
    parser.add_argument("--compiled-runs", type=int, default=16, help="runs of section 0's ensembles (0: skip)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--thousand", action="store_true", help="also 1,000 runs on 2 workers")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--runs", type=int, default=4, help=argparse.SUPPRESS)
    parser.add_argument("--months", type=int, default=60, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(one(args.one, args.runs, args.months, args.repeats)))
        return {}
    print_machine()
    script, reps = Path(__file__), str(args.repeats)
    result: dict = {}
    if args.compiled_runs:
        c = result["compiled"] = compiled_against_numpy(args.compiled_runs, args.repeats)
        print(f"0. compiled loops: ensembles of {c['runs']} runs, default economy, 60 months, median of {reps}")
        print(
            f"  single runs {1e3 * c['single_s']:.0f} ms a run; ensemble with the compiled loops "
            f"{1e3 * c['compiled_s']:.0f} (x{c['ratio']:.2f}), with the numpy rules {1e3 * c['numpy_s']:.0f} "
            f"(x{c['ratio_numpy']:.2f})"
        )
    by_runs = [measure_in_subprocess(script, 13_000, "--runs", str(r), "--repeats", reps) for r in args.ensembles]
    if by_runs:
        print(f"1. ensemble size: default economy, 60-month stochastic runs, median of {args.repeats}")
        print(f"  {'runs':>5} {'single ms/run':>14} {'ensemble ms/run':>16} {'ratio':>6} {'runs/s':>7} {'peak MB':>8}")
    for r in by_runs:
        if "error" in r:
            print(f"  failed: {r['error']}")
            continue
        print(
            f"  {r['runs']:>5} {1e3 * r['single_s']:>14.0f} {1e3 * r['ensemble_s']:>16.0f} {r['ratio']:>6.2f} "
            f"{1 / r['ensemble_s']:>7.2f} {r['peak_mb']:>8.0f}"
        )
    size_args = ("--runs", str(args.size_ensemble), "--months", str(args.size_months), "--repeats", reps)
    by_size = [measure_in_subprocess(script, target, *size_args) for target in args.sizes]
    if by_size:
        print(f"2. economy size: ensembles of {args.size_ensemble} runs of {args.size_months} months, median of {reps}")
        print(f"  {'firms':>10} {'single s/run':>13} {'ensemble s/run':>15} {'ratio':>6} {'peak MB':>8}")
    for r in by_size:
        if "error" in r:
            print(f"  {r['target']:>10,} failed: {r['error']}")
            continue
        print(
            f"  {r['firms']:>10,} {r['single_s']:>13.3f} {r['ensemble_s']:>15.3f} {r['ratio']:>6.2f} "
            f"{r['peak_mb']:>8.0f}"
        )
    result.update({"by_ensemble": by_runs, "by_size": by_size})
    if args.batch_runs:
        b = batch_ratio(args.batch_runs, args.repeats)
        result["batch"] = b
        print(f"3. batch of {b['runs']} runs on one worker (automatic ensembles of {b['ensemble']}), median of {reps}")
        print(
            f"  single runs {b['single_s']:.1f} s, batch {b['batch_s']:.1f} s: batch throughput "
            f"x{b['ratio']:.2f} that of single runs (series, metrics and store included); peak {b['peak_mb']:.0f} MB"
        )
        print(
            f"  the same batch with runs alone (model=sim.run, series and metrics run by run): "
            f"{b['batch_runs_alone_s']:.1f} s, x{b['ratio_runs_alone']:.2f} that of single runs"
        )
        red = reductions(min(args.batch_runs, 16), args.repeats)
        result["reductions"] = red
        print(
            f"  series and metrics of {red['runs']} runs: {1e3 * red['ensemble_s']:.1f} ms a run at once, "
            f"{1e3 * red['run_by_run_s']:.1f} ms run by run (x{red['ratio']:.0f})"
        )
        if args.thousand:
            t = thousand(b["single_s"] / b["runs"])
            result["thousand"] = t
            print(
                f"4. 1,000 runs on 2 workers: {t['wall_s']:.0f} s; single runs on 2 cores would take "
                f"{t['single_runs_estimate_s']:.0f} s (x{t['ratio']:.2f})"
            )
    print_load_at_end()
    return result


if __name__ == "__main__":
    main()
