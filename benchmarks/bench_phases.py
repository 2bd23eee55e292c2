"""Where a step's time goes: milliseconds and nanoseconds per link of each phase, by economy size.

Each size runs in its own Python process (as in ``bench_scaling.py``): the scaled default economy
with the benchmark's capacity shock, a few warm-up steps, then ``--steps`` steps in which every
phase (and the recording) is timed on its own. Medians over the steps; ns per link is the phase's
time divided by the links (``nnz`` of the supplier matrix), so a phase whose cost grows linearly
with the network keeps its figure from one size to the next.

With ``--scenario FILE`` the shocks, levers and parameters of a scenario file (its horizon
included) replace the benchmark shock, on the same scaled economies: how heavier scenarios cost.

Usage: ``python benchmarks/bench_phases.py [--sizes 13000 100000 1000000] [--steps 5] [--scenario FILE]``
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import tomllib
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
from sim.engine.step import PHASES, advance  # noqa: E402
from sim.scenario import scenario_from_dict  # noqa: E402

DEFAULT_SIZES = (13_000, 100_000, 1_000_000)
WARM_UP_STEPS = 2


def one_size(target: int, steps: int, scenario_file: str | None = None) -> dict:
    """Build one scaled economy in this process and time each phase of ``steps`` steps."""
    with tempfile.TemporaryDirectory(prefix="growthsim-phases-") as tmp:
        folder = scaled_folder(target, Path(tmp) / "economy")
        if scenario_file is None:
            sc = scenario_for(folder, horizon_months=WARM_UP_STEPS + steps + 1)
        else:
            spec = tomllib.loads(Path(scenario_file).read_text(encoding="utf-8"))
            spec["economy"] = {**spec.get("economy", {}), "data": str(folder)}
            sc = scenario_from_dict(spec, source=scenario_file)
        world = sim.world_for(sc)
        model = sim.GrowthModel(sc, world, seed=0, agents=False)
        for _ in range(WARM_UP_STEPS):
            model.step()
        names = [phase.__name__ for phase in PHASES] + ["record"]
        times: dict[str, list[float]] = {name: [] for name in names}
        totals = []
        state, plan, recorder = model.state, model.plan, model.recorder

        def timed(phase, *args):  # the ``call`` of sim.engine.step.advance
            started = time.perf_counter()
            flows = phase(*args)
            times[phase.__name__].append(time.perf_counter() - started)
            return flows

        for _ in range(steps):
            step_started = time.perf_counter()
            advance(state, plan, call=timed)
            started = time.perf_counter()
            recorder.update_peak(state)
            recorder.record(state)
            times["record"].append(time.perf_counter() - started)
            totals.append(time.perf_counter() - step_started)
        model.release()
        return {
            "firms": world.n_firms,
            "pairs": world.network.n_pairs,
            "links": world.network.n_links,
            "phase_ms": {name: 1e3 * statistics.median(values) for name, values in times.items()},
            "step_ms": 1e3 * statistics.median(totals),
            "process_peak_mb": rss_mb("VmHWM"),
        }


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--steps", type=int, default=5, help="timed monthly steps per size")
    parser.add_argument("--scenario", help="a scenario file whose shocks and levers replace the benchmark shock")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(one_size(args.one, args.steps, args.scenario)))
        return []
    print_machine()
    rows = []
    scenario_args = ["--scenario", str(Path(args.scenario).resolve())] if args.scenario else []
    for target in args.sizes:
        row = measure_in_subprocess(__file__, target, "--steps", str(args.steps), *scenario_args)
        if "error" in row:
            print(f"  {target:,} firms failed: {row['error']}")
            continue
        rows.append(row)
    if not rows:
        return rows
    names = list(rows[0]["phase_ms"])
    what = f"scenario {args.scenario}" if args.scenario else "the benchmark shock"
    print(f"phases of a monthly step under {what}, median of {args.steps} steps: ms (ns per link)")
    print(f"  {'phase':<12}" + "".join(f"{r['firms']:>22,}" for r in rows))
    for name in [*names, "step"]:
        cells = []
        for r in rows:
            ms = r["step_ms"] if name == "step" else r["phase_ms"][name]
            cells.append(f"{ms:>12.2f} ({1e6 * ms / r['links']:>5.1f} ns)")
        print(f"  {name:<12}" + "".join(f"{c:>22}" for c in cells))
    print("  links       " + "".join(f"{r['links']:>22,}" for r in rows))
    print("  peak MB     " + "".join(f"{r['process_peak_mb']:>22,.0f}" for r in rows))
    print_load_at_end()
    return rows


if __name__ == "__main__":
    main()
