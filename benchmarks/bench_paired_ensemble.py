"""Old ensemble stepping against new, stepped alternately in one process: CPU time through the noise.

The ensemble counterpart of ``bench_paired.py``. The old tree's ``sim`` and this tree's are both
imported; for each of ``--ensembles`` groups of ``--runs`` child seeds, an ensemble of each is
built (``sim.engine.ensemble.EnsembleModel``) and the two are stepped in turn, the order swapped
from one group to the next, so both see the same load. Reported: the median over steps of the
per-step CPU-time ratio ``new / old``, the total CPU time of each (set-up included) and its ratio,
and milliseconds a run. The records of both must be equal (checked): a bit-identity check between
two commits too.

Usage::

    git archive <old-commit> | tar -x -C /tmp/old-tree
    python benchmarks/bench_paired_ensemble.py --old /tmp/old-tree [--runs 11] [--ensembles 4]

Scenario: the default economy, 60 months (``--months``), idiosyncratic productivity noise and no scheduled shock
(the stochastic scenario of ``bench_ensemble.py``).
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

from benchmarks.bench_paired import load_sim  # noqa: E402
from benchmarks.common import print_load_at_end, print_machine  # noqa: E402

SPEC = {
    "name": "ensemble_noise",
    "horizon_months": 60,
    "economy": {"data": "default"},
    "stochastic": {"productivity_sigma": 0.02, "productivity_rho": 0.9},
}


def engines(old_tree: Path, new_tree: Path, months: int = 60) -> list[tuple]:
    """``(scenario, world, EnsembleModel)`` of each tree, old first."""
    spec = {**SPEC, "horizon_months": months}
    built = []
    for tree in (old_tree, new_tree):
        sim = load_sim(tree)
        from sim.engine.ensemble import EnsembleModel  # the tree's own, just imported

        scenario = sim.scenario_from_dict(spec)
        built.append((scenario, sim.world_for(scenario), EnsembleModel))
    return built


def relative_gap(old: np.ndarray, new: np.ndarray) -> float:
    """Largest ``|new - old|`` over the largest ``|old|`` of its record column (runs, columns, steps, cells)."""
    scale = np.nanmax(np.abs(old), axis=(-2, -1), keepdims=True)
    scale[scale == 0] = 1.0
    return float(np.nanmax(np.abs(new - old) / scale))


def paired(
    built: list[tuple], runs: int, ensembles: int, seed: int, tolerance: float = 0.0
) -> tuple[list[float], list[float]]:
    """Per-step CPU ratios ``new / old`` and the total CPU seconds of each; the records checked equal
    (bit for bit, or to ``tolerance`` relative: a change that moves the last bits of a rule)."""
    children = np.random.SeedSequence(seed).spawn(runs * ensembles)
    for scenario, world, model in built:  # warm-up: compiled loops loaded, caches filled
        warm = model(scenario, world, children[:2])
        for _ in range(3):
            warm.step()
    ratios, totals = [], [0.0, 0.0]
    for group in range(ensembles):
        seeds = children[group * runs : (group + 1) * runs]
        models = []
        for i, (scenario, world, model) in enumerate(built):
            start = time.process_time()
            models.append(model(scenario, world, seeds))
            totals[i] += time.process_time() - start
        order = (0, 1) if group % 2 == 0 else (1, 0)
        while models[0].running:
            seconds = [0.0, 0.0]
            for i in order:
                start = time.process_time()
                models[i].step()
                seconds[i] = time.process_time() - start
            totals[0] += seconds[0]
            totals[1] += seconds[1]
            ratios.append(seconds[1] / seconds[0] if seconds[0] > 0 else float("nan"))
        old_records, new_records = models[0].recorder.store, models[1].recorder.store
        same = (
            np.array_equal(old_records, new_records)
            if tolerance == 0.0
            else bool(relative_gap(old_records, new_records) <= tolerance)
        )
        if not same:
            gap = relative_gap(old_records, new_records)
            raise SystemExit(
                f"the two trees' records differ (group {group}; largest gap {gap:.1e} of a column's scale)"
            )
    return ratios, totals


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, required=True, help="source tree of the old engine")
    parser.add_argument("--runs", type=int, default=11, help="runs an ensemble (the batch's automatic size)")
    parser.add_argument("--ensembles", type=int, default=4, help="groups of runs, each stepped in both trees")
    parser.add_argument("--months", type=int, default=60)
    parser.add_argument("--seed", type=int, default=99)
    parser.add_argument(
        "--tolerance", type=float, default=0.0, help="records equal to this relative tolerance (default: bit for bit)"
    )
    args = parser.parse_args(argv)
    if not (args.old / "sim").is_dir():
        raise SystemExit(f"--old {args.old}: expected a source tree with a sim/ folder")
    print_machine()
    ratios, (old, new) = paired(
        engines(args.old, ROOT, args.months), args.runs, args.ensembles, args.seed, args.tolerance
    )
    per_run = 1e3 / (args.runs * args.ensembles)
    print(
        f"{args.ensembles} ensembles of {args.runs} runs: median step ratio new/old "
        f"{statistics.median(ratios):.3f}; CPU old {old:.2f} s, new {new:.2f} s (x{new / old:.3f}); "
        f"ms a run: old {old * per_run:.0f}, new {new * per_run:.0f}"
    )
    print_load_at_end()


if __name__ == "__main__":
    main()
