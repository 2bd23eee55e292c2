"""Recovery after shocks end: every library scenario and sector capacity losses against their twins.

For each case the scenario runs with a seed and its shock-free twin (:func:`analysis.recovery.twin`:
same seed, same random shocks, no scheduled shocks) runs with the same seed. Printed: the last
month with a scheduled shock, the national trough (ratio to the twin and its month), the
largest national or provincial gap to the twin from 24 months after the last shock, the
last-year ratio, and the input-bound share of output in the last month against the twin's.

Cases:

- the scenario library (``scenarios/*.toml``) extended to ``--months`` (default 120), open-ended
  shocks (the seasonal energy cuts) ending at ``--open-end`` (default 60);
- 90% of one division's capacity lost in months 1-6 (``--sectors``, default 24 28 20 10), 48 months.

Usage: ``python benchmarks/bench_recovery.py [--seeds 1 3] [--months 120] [--open-end 60]``
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sim  # noqa: E402
from analysis.recovery import compare, extended, last_shock_month, twin  # noqa: E402
from sim.scenario import Scenario, load_scenario, scenario_from_dict  # noqa: E402


def sector_loss(sector: str, loss: float = 0.9, months: int = 6, horizon: int = 48) -> Scenario:
    """``loss`` of one division's capacity in months 1..``months``, nothing else, default economy."""
    shock = [{"kind": "capacity", "sectors": [sector], "start": 1, "end": months, "loss": loss}]
    return scenario_from_dict({"name": f"capacity_{sector}", "horizon_months": horizon, "shock": shock})


def measure(scenario: Scenario, seed: int) -> dict:
    """Run the scenario and its twin with one seed; the recovery measures."""
    run, base = sim.run(scenario, seed=seed), sim.run(twin(scenario), seed=seed)
    last = last_shock_month(scenario)
    report = compare(run.trajectories, base.trajectories, last)
    after = min(last + 24, scenario.horizon_months)
    return {
        "case": scenario.name,
        "seed": seed,
        "last_shock": last,
        "trough": report.trough,
        "trough_month": report.trough_month,
        "gap_after_24": report.worst_gap_after(after),
        "last_year": report.last_year,
        "input_bound_end": float(report.input_bound.iloc[-1]),
        "twin_input_bound_end": float(report.twin_input_bound.iloc[-1]),
    }


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 3])
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument("--open-end", type=int, default=60)
    parser.add_argument("--sectors", nargs="+", default=["24", "28", "20", "10"])
    args = parser.parse_args(argv)
    library = sorted((ROOT / "scenarios").glob("*.toml"))
    cases = [extended(load_scenario(path), args.months, args.open_end) for path in library]
    cases += [sector_loss(code) for code in args.sectors]
    rows = []
    header = (
        f"{'case':24s} {'seed':>4s} {'last shock':>10s} {'trough':>7s} {'month':>5s} "
        f"{'gap 24m+':>8s} {'last year':>9s} {'input-bound end':>15s}"
    )
    print(header)
    for scenario in cases:
        for seed in args.seeds:
            row = measure(scenario, seed)
            rows.append(row)
            print(
                f"{row['case']:24s} {seed:4d} {row['last_shock']:10d} {row['trough']:7.3f} {row['trough_month']:5d} "
                f"{100 * row['gap_after_24']:7.2f}% {row['last_year']:9.4f} "
                f"{100 * row['input_bound_end']:6.1f}% / {100 * row['twin_input_bound_end']:4.1f}%"
            )
    return rows


if __name__ == "__main__":
    main()
