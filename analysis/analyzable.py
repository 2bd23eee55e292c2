"""Whether a run folder can be analyzed, and if not, why, in one line.

The metrics (growth rates, attainment, shares of growth, Theil indices) divide by national,
provincial and sectoral value added. A run that validates can still end with nothing to divide
by: outages at a high rate can stop every firm. :func:`check_run_analyzable` says so before the
metrics start; :func:`explained` turns any numerical failure inside them into one
:class:`~sim.errors.InputError` naming the folder, instead of a traceback.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from sim.errors import InputError

NUMERICAL_FAILURES = (ArithmeticError, np.linalg.LinAlgError, ValueError, KeyError, IndexError, TypeError)
"""What the metrics raise on a run they are not defined for (zero totals, empty or odd tables)."""


def check_run_analyzable(folder: str | Path) -> None:
    """Refuse a run whose national value added is not positive and finite at month 0 and at the end.

    Raises:
        InputError: If ``trajectories.parquet`` is unreadable, or national value added is zero,
            negative or not finite in some month (naming the first such month).
    """
    path = Path(folder) / "trajectories.parquet"
    if not path.is_file():
        return  # the reader of the run folder says what is missing
    try:
        frame = pd.read_parquet(path, columns=["month", "value_added"])
    except Exception as exc:  # pyarrow raises its own errors on a damaged file
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
        raise InputError(path, "file", f"a Parquet table written by growthsim run ({first})") from None
    national = frame.groupby("month")["value_added"].sum()
    if not national.empty:
        national = national.iloc[[0, -1]]  # the metrics compare the end with the start
    bad = ~np.isfinite(national.to_numpy(float)) | (national.to_numpy(float) <= 0)
    if national.empty or bad.any():
        month = national.index[bad][0] if bad.any() else "any"
        value = national.loc[month] if bad.any() else float("nan")
        raise InputError(
            folder,
            "trajectories.parquet",
            f"a run with national value added > 0 at the start and the end (the metrics divide by it), got {value:g} "
            f"in month {month}: the economy stopped, so growth, attainment and its shares are undefined",
        )


@contextmanager
def explained(folder: str | Path) -> Iterator[None]:
    """Run the metrics with numpy's warnings silenced; a numerical failure becomes one InputError."""
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            yield
    except InputError:
        raise
    except NUMERICAL_FAILURES as exc:
        first = (str(exc).strip().splitlines() or [""])[0][:200]
        raise InputError(
            folder,
            "metrics",
            f"a run or store the metrics are defined for; they are not here ({type(exc).__name__}: {first})",
        ) from None
