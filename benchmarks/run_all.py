"""Run every benchmark in turn: reference, BoARIO, scaling and batch, phases by size.

Usage: ``python benchmarks/run_all.py [--quick]``. ``--quick`` uses fewer repeats and stops the
scaling at 100,000 firms (a few minutes); the full run takes about 10 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import bench_boario, bench_phases, bench_reference, bench_scaling  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, sizes up to 100,000 firms")
    args = parser.parse_args(argv)
    if args.quick:
        bench_reference.main(["--steps", "2", "--repeats", "2"])
        bench_boario.main(["--repeats", "1", "--engine-repeats", "3"])
        bench_scaling.main(["--sizes", "1000", "13000", "100000", "--steps", "3", "--repeats", "1"])
        bench_phases.main(["--sizes", "13000", "100000", "--steps", "3"])
    else:
        bench_reference.main([])
        print()
        bench_boario.main([])
        print()
        bench_scaling.main([])
        print()
        bench_phases.main([])


if __name__ == "__main__":
    main()
