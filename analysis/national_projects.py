"""National programmes and large projects of an economy's data folder (``projects.csv``).

The ministry sets targets from idle capacity *and* "national programmes and projects"
(seed/policy_en.md, "How the targets were set"). A data folder may hold ``projects.csv``, one row
a project or programme with its source (the default economy's is described in
``sim/data/README.md``). Columns used here:

- ``province``: one code, several separated by spaces, or empty (every province with the sector);
- ``sector``: the ISIC division;
- ``start``, ``complete``: months ``YYYY-MM`` between which the new capacity arrives, evenly;
- ``capacity_growth``: new capacity as a fraction of the named cells' own capacity, or
  ``national_share``: new capacity as a fraction of the sector's national capacity;
- ``counted``: ``true`` for rows that add capacity (others are kept as the record: projects
  already in current output, parts of a programme counted once, rows missing a number).

Month ``m`` of the run is the ``m``-th month after the economy's last history month (month 1 the
next). A counted row adds, within a horizon of ``H`` months, the share of its capacity that
arrives in months ``1..H``:
``phi = max(0, min(m_c, H) - max(m_s, 1) + 1) / (m_c - m_s + 1)``, ``m_s, m_c`` its start and
completion months (capacity that arrived before month 1 is already in current output). For the
named cells ``c`` of sector ``s``, with current outputs ``x_c``:

- ``capacity_growth = G``: ``pi_c += phi G``;
- ``national_share = S``: the project's capacity ``S X_s`` (``X_s`` the national output of the
  sector, the new plant run like its sector) is spread over the cells by output,
  ``pi_c += phi S X_s / sum_named x``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from sim.errors import InputError

FILE = "projects.csv"
REQUIRED = ("province", "sector", "project", "start", "complete", "capacity_growth", "national_share", "counted")


def load_projects(data_dir: Path) -> pd.DataFrame:
    """The folder's ``projects.csv`` (an empty frame when it has none).

    Raises:
        InputError: Naming the file and column when a required column is missing.
    """
    path = Path(data_dir) / FILE
    if not path.is_file():
        return pd.DataFrame(columns=list(REQUIRED))
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in REQUIRED if c not in table.columns]
    if missing:
        raise InputError(path, f"column '{missing[0]}'", f"the columns {', '.join(REQUIRED)}")
    return table


def first_month(data_dir: Path) -> pd.Period:
    """Month 1 of a run: the month after the last month of ``output_history.csv``."""
    months = pd.read_csv(Path(data_dir) / "output_history.csv", usecols=["month"], dtype=str)["month"]
    return pd.Period(months.max(), freq="M") + 1


def month_index(text: str, first: pd.Period) -> int:
    """Run month of a ``YYYY-MM`` date (``first`` is month 1)."""
    return (pd.Period(text, freq="M") - first).n + 1


def arrived_share(start: int, complete: int, horizon: int) -> float:
    """``phi``: the share of evenly arriving capacity that arrives within months ``1..horizon``."""
    span = complete - start + 1
    inside = min(complete, horizon) - max(start, 1) + 1
    return max(0.0, inside) / span if span > 0 else 0.0


def programme_ratio(base: pd.DataFrame, data_dir: Path | None, horizon_months: int) -> np.ndarray:
    """``pi_c`` of the folder's counted projects within the horizon, by row of ``base``.

    Args:
        base: Cells with ``province, sector, output`` (:func:`analysis.targets.cell_base`).
        data_dir: The economy's data folder (``None``: no projects).
        horizon_months: ``H``.
    """
    return programme_path(base, data_dir, [horizon_months])[0]


def programme_path(base: pd.DataFrame, data_dir: Path | None, horizons: Sequence[int]) -> np.ndarray:
    """``pi_c`` within each of several horizons (the folder is read once), ``(len(horizons), C)``.

    Row ``k`` is :func:`programme_ratio` for ``horizons[k]``; the one-year targets take the months
    ``1 .. 12 K`` in one call (:func:`analysis.targets.monthly_levels`).
    """
    ratio = np.zeros((len(horizons), len(base)))
    if data_dir is None:
        return ratio
    table = load_projects(data_dir)
    table = table[table["counted"].str.lower() == "true"]
    if table.empty:
        return ratio
    first = first_month(data_dir)
    national = base.groupby("sector")["output"].sum()
    for row in table.itertuples(index=False):
        mask = (base["sector"] == row.sector).to_numpy().copy()
        if row.province.strip():
            mask &= base["province"].isin(row.province.split()).to_numpy()
        if not mask.any():
            continue
        if row.capacity_growth.strip():
            size = float(row.capacity_growth)
        elif row.national_share.strip():
            size = float(row.national_share) * national[row.sector] / base.loc[mask, "output"].sum()
        else:
            continue
        start, complete = month_index(row.start, first), month_index(row.complete, first)
        for k, horizon in enumerate(horizons):
            ratio[k, mask] += arrived_share(start, complete, horizon) * size
    return ratio
