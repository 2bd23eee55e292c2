"""What re-routing costs: step time with ``reroute_months`` at its default and at 0, paired.

For each scenario, the same seed's run is stepped with re-routing on and off alternately in one
process (world built beforehand), ``--repeats`` times; printed: median ms per step of each and
the median of the per-repeat ratios (absolute times move with the machine's load, the ratios
much less), and the share of steps in which some supplier was not trusted fully.

Usage: ``python benchmarks/bench_reroute.py [--repeats 5] [--steps 60]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sim  # noqa: E402
from benchmarks.common import print_load_at_end, print_machine  # noqa: E402


def stepped(scenario: sim.Scenario, world: sim.World, steps: int) -> tuple[float, float]:
    """Milliseconds per step over ``steps`` steps, and the share of steps with re-routed orders."""
    model = sim.GrowthModel(scenario, world, seed=1, agents=False)
    routed = 0
    try:
        started = time.perf_counter()
        for _ in range(steps):
            model.step()
            routing = model.state.routing
            routed += routing is not None and not routing.router.at_base
        return 1e3 * (time.perf_counter() - started) / steps, routed / steps
    finally:
        model.release()


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--scenarios", nargs="+", default=["baseline", "combined_stress", "sanctions_imports"])
    args = parser.parse_args(argv)
    print_machine()
    results = {}
    for name in args.scenarios:
        on = sim.load_scenario(ROOT / "scenarios" / f"{name}.toml")
        off = on.with_changes(parameters={**on.parameters.model_dump(), "reroute_months": 0.0})
        world = sim.world_for(on)
        stepped(on, world, 2)  # warm-up
        times_on, times_off, ratios, share = [], [], [], 0.0
        for _ in range(args.repeats):
            t_off, _ = stepped(off, world, args.steps)
            t_on, share = stepped(on, world, args.steps)
            times_on.append(t_on)
            times_off.append(t_off)
            ratios.append(t_on / t_off)
        results[name] = {
            "off_ms": statistics.median(times_off),
            "on_ms": statistics.median(times_on),
            "ratio": statistics.median(ratios),
            "routed_share": share,
        }
        r = results[name]
        print(
            f"{name:20s} re-routing off {r['off_ms']:7.2f} ms/step, on {r['on_ms']:7.2f} ms/step, "
            f"on/off {r['ratio']:.2f} (median of {args.repeats}); steps with re-routed orders {100 * share:.0f}%"
        )
    print_load_at_end()
    return results


if __name__ == "__main__":
    main()
