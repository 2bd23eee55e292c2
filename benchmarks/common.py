"""Shared helpers of the benchmarks: timing, machine description, scaled economies, scenarios."""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

import sim
from sim.economy.export import write_economy
from sim.scenario import Scenario, scenario_from_dict

#: Capacity-loss shock used by the benchmarks: 30% of the capacity of basic metals (24) and
#: motor vehicles (29) in Tehran (IR-23) and Isfahan (IR-10) from month 2 to month 3, back
#: linearly over the following three months.
CAPACITY_SHOCK = {
    "kind": "capacity",
    "sectors": ["24", "29"],
    "provinces": ["IR-23", "IR-10"],
    "start": 2,
    "end": 3,
    "loss": 0.3,
    "recovery_months": 3,
}


def median_time(fn: Callable[[], object], repeats: int) -> tuple[float, list[float]]:
    """Median wall time of ``fn()`` over ``repeats`` calls, and all the times."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times


def machine() -> dict[str, str]:
    """CPU count, CPU model, memory, Python and library versions of this machine."""
    model = "unknown"
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1e9
    import mesa

    return {
        "nproc": str(os.cpu_count()),
        "cpu": model,
        "memory": f"{mem_gb:.1f} GB",
        "python": platform.python_version(),
        "numpy": np.__version__,
        "mesa": mesa.__version__,
    }


def load() -> str:
    """The 1-, 5- and 15-minute load averages (runnable processes; the machine has ``nproc`` cores)."""
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def print_machine() -> None:
    info = machine()
    print("machine: " + ", ".join(f"{k} {v}" for k, v in info.items()))
    print(f"load average at start: {load()} (shared machine; figures are medians to damp other jobs' noise)")


def print_load_at_end() -> None:
    print(f"load average at end: {load()}")


def scaled_folder(target_firms: int, folder: Path) -> Path:
    """The default economy with its firm counts scaled to about ``target_firms`` firms.

    Every cell that has firms keeps at least one; counts are scaled proportionally and rounded.
    """
    economy = sim.load_economy("default")
    counts = economy.firm_counts.astype(float)
    scaled = np.where(counts > 0, np.maximum(1, np.round(counts * target_firms / counts.sum())), 0)
    economy.firm_counts = scaled.astype(np.int64)
    write_economy(economy, folder)
    return folder


def scenario_for(data: str | Path, horizon_months: int, **extra: object) -> Scenario:
    """A scenario over a data folder (or ``"default"``) with the benchmark's capacity shock."""
    spec = {
        "name": "benchmark",
        "horizon_months": horizon_months,
        "economy": {"data": str(data)},
        "shock": [CAPACITY_SHOCK] if horizon_months >= CAPACITY_SHOCK["end"] else [],
        **extra,
    }
    return scenario_from_dict(spec)


def rss_mb(field: str = "VmRSS") -> float:
    """Resident set size of this process (MB) from /proc: ``VmRSS`` now, ``VmHWM`` its peak.

    ``VmHWM`` belongs to the process's own address space, unlike ``ru_maxrss``, which a
    subprocess inherits from the parent that started it (so a size run from ``run_all.py``
    would report the parent's peak).
    """
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def measure_in_subprocess(script: str | Path, target: int, *args: str) -> dict:
    """Run ``script --one target *args`` in a fresh Python process, so its memory is its own.

    Returns:
        ``{"target": target, **row}`` with the row the script printed as JSON on its last line,
        or ``{"target": target, "error": [last line of its stderr]}`` if it failed.
    """
    out = subprocess.run(
        [sys.executable, str(script), "--one", str(target), *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parent.parent,
    )
    if out.returncode != 0:
        return {"target": target, "error": out.stderr.strip().splitlines()[-1:]}
    return {"target": target, **json.loads(out.stdout.strip().splitlines()[-1])}
