"""The data-folder readers are linear in their input: time at 4x the size over time at 1x.

Two inputs grow: the extra columns of ``provinces.csv`` (each is kept as text; the column limit is
raised for the test) and the rows of ``output_history.csv`` (more months for the same cells). For
each, ``sim.economy.tables.read_table`` is timed (median of ``--repeats``) at a base size and at 4x; a
linear reader gives a ratio near 4, a quadratic one near 16. Both sizes are measured in the same
run, so the ratio holds on a shared machine where absolute times do not.

    python benchmarks/bench_readers.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from common import median_time

from sim.economy.cell_economy import HISTORY_COLUMNS, PROVINCE_COLUMNS
from sim.economy.tables import read_table


def provinces_with_columns(path: Path, extra: int) -> Path:
    header = "code,name,population," + ",".join(f"x{i}" for i in range(extra))
    rows = "\n".join(f"P{p},N,1," + ",".join(["0"] * extra) for p in range(30))
    path.write_text(f"{header}\n{rows}\n", encoding="utf-8")
    return path


def history_with_rows(path: Path, rows: int) -> Path:
    cells = [(f"P{p}", f"S{s}") for p in range(30) for s in range(28)]
    months = max(1, rows // len(cells))
    lines = ["province,sector,month,output_index"]
    lines += [f"{p},{s},{2000 + m // 12:04d}-{m % 12 + 1:02d},1.0" for p, s in cells for m in range(months)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    os.environ["GROWTHSIM_LIMIT_COLUMNS"] = "100000"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print(f"{'input':<50} {'1x':>9} {'4x':>9} {'ratio':>6}")
        cases = [
            ("provinces.csv, extra columns", 2_500, provinces_with_columns, PROVINCE_COLUMNS, ["code"]),
            ("output_history.csv, rows", 100_800, history_with_rows, HISTORY_COLUMNS, None),
        ]
        for label, size, make, columns, keys in cases:
            times = []
            for factor in (1, 4):
                path = make(folder / f"{factor}.csv", size * factor)
                seconds, _ = median_time(lambda p=path, c=columns, k=keys: read_table(p, c, keys=k), args.repeats)
                times.append(seconds)
            name = f"{label} ({size:,} / {4 * size:,})"
            print(f"{name:<50} {times[0]:>8.3f}s {times[1]:>8.3f}s {times[1] / times[0]:>6.1f}")


if __name__ == "__main__":
    main()
