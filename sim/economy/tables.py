"""Reading and checking the CSV tables of a data folder.

Every check names the file, the row (1-based data row, the header is row 0) or column, and what
was expected, by raising :class:`~sim.errors.InputError`. Nothing here knows the economy; it only
knows column types.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.errors import InputError
from sim.limits import check_limit, current_limits
from sim.paths import check_file

TRUE_WORDS = {"true", "1", "yes", "y", "t"}
FALSE_WORDS = {"false", "0", "no", "n", "f"}
MAX_MAGNITUDE = 1e15
"""Largest absolute value of any number in a table: far above any economy's figures in any unit,
far enough below the largest float that sums and Leontief multipliers cannot overflow."""
FIRST_YEAR, LAST_YEAR = 1900, 2200
"""Years a ``month`` column (``YYYY-MM``) may name."""


@dataclass(frozen=True)
class Column:
    """The type of one column.

    Attributes:
        name: Column name in the header.
        kind: One of ``"code"``, ``"text"``, ``"number"``, ``"integer"``, ``"bool"``,
            ``"month"`` (``YYYY-MM``, a year in 1900..2200 and a month in 01..12).
        default: Value used when an optional column is absent (``None``: the column is required).
        low: Smallest allowed value for numbers (inclusive, or exclusive with ``positive``).
        high: Largest allowed value for numbers (inclusive); ``None``: ``MAX_MAGNITUDE``.
        choices: Allowed values for text columns, ``None`` for any.
    """

    name: str
    kind: str = "number"
    default: object = None
    low: float = 0.0
    high: float | None = None
    choices: tuple[str, ...] | None = None
    positive: bool = False

    @property
    def required(self) -> bool:
        return self.default is None


def read_table(path: Path, columns: list[Column], keys: list[str] | None = None) -> pd.DataFrame:
    """Read one CSV file and check its size, header, columns, types, ranges and key uniqueness.

    The file's size and header are checked before it is parsed; parsing stops after the ``rows``
    limit. Time and memory are linear in the file's size.

    Args:
        path: The CSV file.
        columns: Expected columns; extra columns are kept as text.
        keys: Columns that together identify a row; duplicates are an error.

    Returns:
        The table with typed columns (codes and text as ``str``, numbers as ``float``,
        integers as ``int``, booleans as ``bool``, months as ``str``).

    Raises:
        InputError: On a missing, unreadable or too large file, a bad header, a missing column,
            a bad value, or a duplicate key.
    """
    path = Path(path)
    check_file(path, "file", "an existing CSV file")
    names = header(path)
    check_limit(path, "header", "columns", len(names), "columns")
    _check_header(path, names)
    limits = current_limits()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            raw = pd.read_csv(
                path,
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                skipinitialspace=True,
                index_col=False,
                encoding="utf-8-sig",
                nrows=limits.rows + 1,
            )
    except pd.errors.ParserWarning:
        raise InputError(path, "rows", f"as many fields in every row as the header has ({len(names)})") from None
    except (ValueError, csv.Error, UnicodeDecodeError) as exc:  # ParserError and EmptyDataError are ValueErrors
        fields = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if fields:
            expected, line, saw = (int(g) for g in fields.groups())
            raise InputError(path, f"row {line - 1}", f"as many fields as the header ({expected}), got {saw}") from None
        raise InputError(path, "file", f"a readable UTF-8 CSV file ({_first_line(exc)})") from None
    check_limit(path, "rows", "rows", len(raw), "data rows")
    raw.columns = [c.strip() for c in raw.columns]
    raw = raw.fillna("")
    typed: dict[str, pd.Series] = {}
    for col in columns:
        if col.name not in raw.columns:
            if col.required:
                raise InputError(path, f"column '{col.name}'", "column is missing")
            typed[col.name] = _convert(path, col, pd.Series(str(col.default), index=raw.index, dtype=object))
            continue
        values = raw[col.name].str.strip()
        if not col.required:
            values = values.mask(values == "", str(col.default))
        typed[col.name] = _convert(path, col, values)
    extras = [c for c in raw.columns if c not in typed]
    out = pd.concat([pd.DataFrame(typed, index=raw.index), raw[extras]], axis=1)  # one copy, however many extras
    if keys:
        dup = out.duplicated(subset=keys, keep="first")
        if dup.any():
            row = int(np.flatnonzero(dup.to_numpy())[0]) + 1
            values = ", ".join(f"{k}={out.loc[dup.idxmax(), k]}" for k in keys)
            raise InputError(path, f"row {row}", f"a unique ({', '.join(keys)}); {values} repeats")
    return out


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0][:200] if lines else type(exc).__name__


def _check_header(path: Path, names: list[str]) -> None:
    """Column names must be non-empty and unique (pandas would rename a repeated one silently)."""
    if not names or names == [""]:
        raise InputError(path, "header", "a header row naming the columns, got an empty first line")
    seen: set[str] = set()
    for i, name in enumerate(names):
        if name == "":
            raise InputError(path, f"header column {i + 1}", "a column name, got an empty one")
        if name in seen:
            raise InputError(path, f"header column {i + 1}", f"unique column names, '{name}' repeats")
        seen.add(name)


def _convert(path: Path, col: Column, values: pd.Series) -> pd.Series:
    """Convert one text column to its type, raising on the first bad row."""
    if col.kind in ("code", "text", "month"):
        bad = values == ""
        if bad.any():
            _fail(path, col, bad, values, "a non-empty value")
        if col.choices is not None:
            bad = ~values.isin(col.choices)
            if bad.any():
                _fail(path, col, bad, values, f"one of {', '.join(col.choices)}")
        if col.kind == "month":
            _check_months(path, col, values)
        return values.astype(str)
    if col.kind == "bool":
        lower = values.str.lower()
        bad = ~lower.isin(TRUE_WORDS | FALSE_WORDS)
        if bad.any():
            _fail(path, col, bad, values, "true or false")
        return lower.isin(TRUE_WORDS)
    numbers = pd.to_numeric(values, errors="coerce")
    bad = numbers.isna()
    if bad.any():
        _fail(path, col, bad, values, "a number")
    bad = ~np.isfinite(numbers.to_numpy(dtype=float))
    if bad.any():
        _fail(path, col, pd.Series(bad, index=values.index), values, "a finite number")
    if col.kind == "integer":
        bad = numbers != np.round(numbers)
        if bad.any():
            _fail(path, col, bad, values, "a whole number")
    if col.positive:
        bad = numbers <= col.low
        if bad.any():
            _fail(path, col, bad, values, f"a number > {col.low:g}")
    else:
        bad = numbers < col.low
        if bad.any():
            _fail(path, col, bad, values, f"a number >= {col.low:g}")
    high = MAX_MAGNITUDE if col.high is None else col.high
    bad = numbers > high
    if bad.any():
        _fail(path, col, bad, values, f"a number <= {high:g}")
    return numbers.astype(np.int64) if col.kind == "integer" else numbers.astype(float)


def _check_months(path: Path, col: Column, values: pd.Series) -> None:
    """``YYYY-MM`` with whole numbers: a year in FIRST_YEAR..LAST_YEAR and a month in 1..12."""
    parts = values.str.extract(r"^(\d{4})-(\d{2})$")
    year = pd.to_numeric(parts[0], errors="coerce")
    month = pd.to_numeric(parts[1], errors="coerce")
    bad = year.isna() | month.isna() | (year < FIRST_YEAR) | (year > LAST_YEAR) | (month < 1) | (month > 12)
    if bad.any():
        _fail(path, col, bad, values, f"a month YYYY-MM (year {FIRST_YEAR}..{LAST_YEAR}, month 01..12)")


def month_number(labels: pd.Series | list[str]) -> np.ndarray:
    """Months since year 0 of checked ``YYYY-MM`` labels: ``12 * year + month - 1``."""
    text = pd.Series(list(labels), dtype=str)
    return (text.str.slice(0, 4).astype(int) * 12 + text.str.slice(5, 7).astype(int) - 1).to_numpy()


def _fail(path: Path, col: Column, bad: pd.Series, values: pd.Series, expected: str) -> None:
    first = int(np.flatnonzero(bad.to_numpy())[0])
    raise InputError(
        path,
        f"row {first + 1}, column '{col.name}'",
        f"expected {expected}, got '{values.iloc[first]}'",
    )


HEADER_BYTES = 1 << 20
"""Most bytes of a first line read as a header (a header longer than this is refused)."""


def header(path: Path) -> list[str]:
    """The column names in a CSV file's first line, stripped (reads at most ``HEADER_BYTES``).

    Raises:
        InputError: If the first line is not UTF-8 or longer than ``HEADER_BYTES``.
    """
    with Path(path).open("rb") as handle:
        first = handle.readline(HEADER_BYTES + 1)
    if len(first) > HEADER_BYTES:
        raise InputError(path, "header", f"a header line of at most {HEADER_BYTES:,} bytes")
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(path, "header", "a UTF-8 header line") from None
    rows = list(csv.reader(io.StringIO(text.strip("\r\n"))))
    return [c.strip() for c in rows[0]] if rows else []


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
