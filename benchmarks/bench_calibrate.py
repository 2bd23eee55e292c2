"""Calibration cost: seconds per MSM evaluation, 1 worker against 2, and the projected full fit.

One evaluation of ``calibration/episodes.toml``'s moments with ``runs`` seeds is
``4 episodes x runs seeds x 2`` runs of 24 months (each episode and its shock-free twin). The
script times ``repeats`` evaluations at distinct parameter vectors (no reuse from the log) in this
process and on a local pool of 2 workers, and reports the medians, their ratio and the projected
wall time of ``evaluations`` evaluations.

Run: ``nice -n 10 python -m benchmarks.bench_calibrate [--runs 4] [--repeats 5] [--evaluations 400]``
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from analysis.calibration.msm import Evaluator, target_moments
from analysis.calibration.spec import load_spec
from analysis.montecarlo.executors import make_executor
from benchmarks.common import machine

SPEC = Path(__file__).resolve().parent.parent / "calibration" / "episodes.toml"


def seconds_per_evaluation(runs: int, repeats: int, workers: int) -> list[float]:
    """Wall seconds of ``repeats`` evaluations at distinct parameter vectors."""
    spec = load_spec(SPEC).model_copy(update={"runs": runs})
    moments = target_moments(spec)
    executor = make_executor(workers) if workers > 1 else None
    times = []
    try:
        with tempfile.TemporaryDirectory() as folder:
            evaluator = Evaluator(spec, moments, Path(folder) / "log.jsonl", executor)
            starts = np.array([b.start for b in spec.parameters.values()])
            if executor is not None:
                evaluator.simulate(starts * 0.999)  # start the workers before timing
            for k in range(repeats):
                started = time.perf_counter()
                evaluator.simulate(starts * (1.0 + 0.01 * (k + 1)))
                times.append(time.perf_counter() - started)
    finally:
        if executor is not None:
            executor.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--evaluations", type=int, default=400)
    args = parser.parse_args()
    one = seconds_per_evaluation(args.runs, args.repeats, 1)
    two = seconds_per_evaluation(args.runs, args.repeats, 2)
    m1, m2 = statistics.median(one), statistics.median(two)
    report = {
        "runs_per_evaluation": args.runs,
        "median_seconds_per_evaluation_1_worker": round(m1, 3),
        "median_seconds_per_evaluation_2_workers": round(m2, 3),
        "speedup_2_over_1": round(m1 / m2, 2),
        f"projected_minutes_{args.evaluations}_evaluations_2_workers": round(args.evaluations * m2 / 60, 1),
        "times_1": [round(t, 3) for t in one],
        "times_2": [round(t, 3) for t in two],
        "machine": machine(),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
