"""Old engine against new, stepped alternately in one process: a slowdown measured through the noise.

On a shared machine two benchmark runs minutes apart differ by more than most changes do. Here
the old tree's ``sim`` and this tree's ``sim`` are both imported (one after the other, under the
same name) and their models stepped in turn, ``old.step(); new.step()``, so both see the same
load; the figure is the median over steps of ``new / old``. Both must reach the same outputs
(checked), which also makes the script a quick bit-identity check between two commits.

Usage::

    git archive <old-commit> | tar -x -C /tmp/old-tree
    python benchmarks/bench_paired.py --old /tmp/old-tree [--scenarios baseline combined_stress] [--firms 100000]

``--scenarios`` runs library scenarios on the default economy (six seeds each); ``--firms N`` the
benchmark shock on the default economy scaled to about N firms (one run of ``--steps`` steps).
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import sys
import tempfile
import time
import tomllib
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import print_load_at_end, print_machine, scaled_folder, scenario_for  # noqa: E402


def load_sim(tree: Path) -> ModuleType:
    """Import the ``sim`` package of a source tree (dropping any ``sim`` imported before)."""
    for name in [name for name in sys.modules if name == "sim" or name.startswith("sim.")]:
        del sys.modules[name]
    sys.path.insert(0, str(tree))
    try:
        return importlib.import_module("sim")
    finally:
        sys.path.remove(str(tree))


def paired_steps(old: ModuleType, new: ModuleType, spec: dict, seeds: range) -> tuple[list[float], list[float]]:
    """Seconds per step of the old and the new model, stepped in turn; the outputs must agree."""
    scenarios = old.scenario_from_dict(spec), new.scenario_from_dict(spec)
    worlds = old.world_for(scenarios[0]), new.world_for(scenarios[1])
    old_times, new_times = [], []
    for seed in seeds:
        a = old.GrowthModel(scenarios[0], worlds[0], seed=seed, agents=False)
        b = new.GrowthModel(scenarios[1], worlds[1], seed=seed, agents=False)
        while a.running:
            t0 = time.perf_counter()
            a.step()
            t1 = time.perf_counter()
            b.step()
            old_times.append(t1 - t0)
            new_times.append(time.perf_counter() - t1)
        if not (a.state.output == b.state.output).all():
            raise SystemExit(f"the two engines disagree ({spec.get('name')}, seed {seed})")
        a.release()
        b.release()
    return old_times, new_times


def report(label: str, old_times: list[float], new_times: list[float]) -> None:
    ratios = [n / o for o, n in zip(old_times, new_times, strict=True)]
    print(
        f"  {label:<28} old {1e3 * statistics.median(old_times):8.2f} ms/step   "
        f"new {1e3 * statistics.median(new_times):8.2f} ms/step   "
        f"new/old {statistics.median(ratios):.3f} (median of {len(ratios)} paired steps)"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, required=True, help="source tree of the old engine")
    parser.add_argument("--scenarios", nargs="*", default=["baseline", "combined_stress", "priority_rationing"])
    parser.add_argument("--firms", type=int, nargs="*", default=[], help="scaled economies, about N firms")
    parser.add_argument("--steps", type=int, default=12, help="monthly steps of a scaled run")
    args = parser.parse_args(argv)
    print_machine()
    with tempfile.TemporaryDirectory(prefix="growthsim-paired-") as tmp:
        specs = []
        for name in args.scenarios:
            spec = tomllib.loads((ROOT / "scenarios" / f"{name}.toml").read_text(encoding="utf-8"))
            specs.append((name, spec, range(6)))
        for target in args.firms:
            folder = scaled_folder(target, Path(tmp) / f"economy-{target}")
            spec = scenario_for(folder, horizon_months=args.steps).model_dump(mode="json")
            specs.append((f"{target:,} firms", spec, range(1)))
        old, new = load_sim(args.old.resolve()), load_sim(ROOT)
        print(f"old {args.old} against new {ROOT}, stepped alternately")
        for label, spec, seeds in specs:
            report(label, *paired_steps(old, new, spec, seeds))
    print_load_at_end()


if __name__ == "__main__":
    main()
