"""How long ``growthsim --help`` takes, against a bare Python start and ``import sim`` loading everything.

Each command runs in a fresh interpreter (``python -m analysis.cli --help``), alternating with
``python -c pass`` so both see the same load; the script prints the medians and the median of the
per-repeat ratios. The heavy modules (numpy, pandas, Mesa, ...) are imported by a command when it
runs, never by ``--help``: ``tests/test_cli_startup.py`` checks that.

    python benchmarks/bench_cli.py [--repeats 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "growthsim --help": [sys.executable, "-m", "analysis.cli", "--help"],
    "growthsim run --help": [sys.executable, "-m", "analysis.cli", "run", "--help"],
    "import everything (sim.run)": [sys.executable, "-c", "import sim; sim.run"],
}


def wall(command: list[str]) -> float:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    started = time.perf_counter()
    subprocess.run(command, env=env, capture_output=True, check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.2f}; {args.repeats} repeats, commands alternated")
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(args.repeats):
        for name, command in COMMANDS.items():
            times[name].append(wall(command))
    base = times["python -c pass"]
    for name, values in times.items():
        ratio = statistics.median(v / b for v, b in zip(values, base, strict=True))
        print(f"{name:30s} median {statistics.median(values):6.3f} s   x{ratio:5.1f} of a bare start")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
