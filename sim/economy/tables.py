"""Reading and checking the CSV tables of a data folder.

Every check names the file, the row (1-based data row, the header is row 0) or column, and what
was expected, by raising :class:`~sim.errors.InputError`. Nothing here knows the economy; it only
knows column types.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.errors import InputError

TRUE_WORDS = {"true", "1", "yes", "y", "t"}
FALSE_WORDS = {"false", "0", "no", "n", "f"}


@dataclass(frozen=True)
class Column:
    """The type of one column.

    Attributes:
        name: Column name in the header.
        kind: One of ``"code"``, ``"text"``, ``"number"``, ``"integer"``, ``"bool"``.
        default: Value used when an optional column is absent (``None``: the column is required).
        low: Smallest allowed value for numbers (inclusive).
        high: Largest allowed value for numbers (inclusive), ``None`` for no bound.
        choices: Allowed values for text columns, ``None`` for any.
    """

    name: str
    kind: str = "number"
    default: object = None
    low: float = 0.0
    high: float | None = None
    choices: tuple[str, ...] | None = None

    @property
    def required(self) -> bool:
        return self.default is None


def read_table(path: Path, columns: list[Column], keys: list[str] | None = None) -> pd.DataFrame:
    """Read one CSV file and check its columns, types, ranges and key uniqueness.

    Args:
        path: The CSV file.
        columns: Expected columns; extra columns are kept as text.
        keys: Columns that together identify a row; duplicates are an error.

    Returns:
        The table with typed columns (codes and text as ``str``, numbers as ``float``,
        integers as ``int``, booleans as ``bool``).

    Raises:
        InputError: On a missing file or column, a bad value, or a duplicate key.
    """
    if not path.is_file():
        raise InputError(path, "file", "file is missing")
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputError(path, "file", f"a readable CSV file ({str(exc).splitlines()[0]})") from None
    raw.columns = [c.strip() for c in raw.columns]
    out = pd.DataFrame(index=raw.index)
    for col in columns:
        if col.name not in raw.columns:
            if col.required:
                raise InputError(path, f"column '{col.name}'", "column is missing")
            out[col.name] = pd.Series([col.default] * len(raw), index=raw.index, dtype=object)
            out[col.name] = _convert(path, col, out[col.name].astype(str))
            continue
        values = raw[col.name].str.strip()
        if not col.required:
            values = values.mask(values == "", str(col.default))
        out[col.name] = _convert(path, col, values)
    for extra in raw.columns:
        if extra not in out.columns:
            out[extra] = raw[extra]
    if keys:
        dup = out.duplicated(subset=keys, keep="first")
        if dup.any():
            row = int(np.flatnonzero(dup.to_numpy())[0]) + 1
            values = ", ".join(f"{k}={out.loc[dup.idxmax(), k]}" for k in keys)
            raise InputError(path, f"row {row}", f"a unique ({', '.join(keys)}); {values} repeats")
    return out


def _convert(path: Path, col: Column, values: pd.Series) -> pd.Series:
    """Convert one text column to its type, raising on the first bad row."""
    if col.kind in ("code", "text"):
        bad = values == ""
        if bad.any():
            _fail(path, col, bad, values, "a non-empty value")
        if col.choices is not None:
            bad = ~values.isin(col.choices)
            if bad.any():
                _fail(path, col, bad, values, f"one of {', '.join(col.choices)}")
        return values.astype(str)
    if col.kind == "bool":
        lower = values.str.lower()
        bad = ~lower.isin(TRUE_WORDS | FALSE_WORDS)
        if bad.any():
            _fail(path, col, bad, values, "true or false")
        return lower.isin(TRUE_WORDS)
    numbers = pd.to_numeric(values, errors="coerce")
    bad = numbers.isna() | ~np.isfinite(numbers.to_numpy(dtype=float, na_value=np.nan))
    if bad.any():
        _fail(path, col, bad, values, "a number")
    if col.kind == "integer":
        bad = numbers != np.round(numbers)
        if bad.any():
            _fail(path, col, bad, values, "a whole number")
    bad = numbers < col.low
    if bad.any():
        _fail(path, col, bad, values, f"a number >= {col.low:g}")
    if col.high is not None:
        bad = numbers > col.high
        if bad.any():
            _fail(path, col, bad, values, f"a number <= {col.high:g}")
    return numbers.astype(int) if col.kind == "integer" else numbers.astype(float)


def _fail(path: Path, col: Column, bad: pd.Series, values: pd.Series, expected: str) -> None:
    first = int(np.flatnonzero(bad.to_numpy())[0])
    raise InputError(
        path,
        f"row {first + 1}, column '{col.name}'",
        f"expected {expected}, got '{values.iloc[first]}'",
    )


def header(path: Path) -> list[str]:
    """The column names in a CSV file's first line, stripped."""
    with path.open(encoding="utf-8") as handle:
        return [c.strip() for c in handle.readline().strip().split(",")]


def check_codes(path: Path, table: pd.DataFrame, column: str, known: list[str], what: str) -> None:
    """Raise if a column holds a code that is not among the known ones.

    Args:
        path: File the table came from.
        table: The table.
        column: Column holding codes.
        known: The valid codes.
        what: A word for the codes (``"province"``, ``"sector"``).
    """
    bad = ~table[column].isin(known)
    if bad.any():
        first = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(
            path,
            f"row {first + 1}, column '{column}'",
            f"a {what} code listed in {what}s.csv, got '{table[column].iloc[first]}'",
        )
