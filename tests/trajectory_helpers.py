"""Trajectory tables for the hand-worked metric cases (tests/test_metrics_cases*.py)."""

from __future__ import annotations

import pandas as pd

COLUMNS = ("peak_output", "installed_capacity", "employment", "output_bound_by_inputs", "output_bound_by_imports")


def trajectories(paths: dict[tuple[str, str], dict[float, float]], **columns) -> pd.DataFrame:
    """Rows ``month x province x sector`` with value added from ``paths`` (output twice it).

    ``columns`` maps a column to ``{(province, sector): {month: value}}`` (default 0, and for
    ``peak_output``/``installed_capacity`` the month-0 output).
    """
    rows = []
    for (province, code), path in paths.items():
        for month, va in path.items():
            row = {"month": float(month), "province": province, "sector": code, "output": 2 * va, "value_added": va}
            for name in COLUMNS:
                default = 2 * path[min(path)] if name in ("peak_output", "installed_capacity") else 0.0
                row[name] = columns.get(name, {}).get((province, code), {}).get(month, default)
            rows.append(row)
    return pd.DataFrame(rows)


# A national path with three spells more than 1% below its running peak:
#   month  0    1    2   3   4     5    6    7   8   9   10  11  12     13   14
#   V      100  100  97  98  99.5  101  102  95  94  96  98  99  101.5  100  98.5
#   peak   100  100  100 100 100   101  102  102 ...                          102
# Spells: months 2-3 (2 months), 7-11 (5 months), 13-14 (open at the end: 2 months).
SPELLS = [100, 100, 97, 98, 99.5, 101, 102, 95, 94, 96, 98, 99, 101.5, 100, 98.5]
