"""Size limits on what a user may ask growthsim to read or build, and how to raise them.

A malformed or careless input must be refused within seconds and bounded memory, before it is
parsed or built. Each limit has a name, a default and an environment variable
``GROWTHSIM_LIMIT_<NAME>``; the command line sets them with ``growthsim --limit NAME=VALUE``
(which also reaches local worker processes, as they inherit the environment).

========== ============ =====================================================================
name       default      what it bounds
========== ============ =====================================================================
file_mb    64           size of any input file (scenario, CSV table), checked before parsing
rows       2,000,000    data rows of one CSV table
columns    200          columns of one CSV table
firms      2,000,000    firms in the economy (sum of firms.csv)
cells      200,000      provinces x sectors
grid       50,000,000   sectors x provinces^2 + sectors^2 (the dense arrays of the network draw)
links      50,000,000   supplier links the network draw may make (an upper bound from the data)
history    20,000,000   cells x months of output_history.csv
pipeline   100,000,000  gestation steps x firms (the investment pipeline of a run)
runs       100,000      runs of one batch (scenarios x runs, x2 paired) or sensitivity analysis
workers    4 x cores    local worker processes of a batch
========== ============ =====================================================================
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace

from sim.errors import InputError

ENV_PREFIX = "GROWTHSIM_LIMIT_"


@dataclass(frozen=True)
class Limits:
    """The size limits in force (see the module docstring for each)."""

    file_mb: float = 64.0
    rows: int = 2_000_000
    columns: int = 200
    firms: int = 2_000_000
    cells: int = 200_000
    grid: int = 50_000_000
    links: int = 50_000_000
    history: int = 20_000_000
    pipeline: int = 100_000_000
    runs: int = 100_000
    workers: int = field(default_factory=lambda: 4 * (os.cpu_count() or 1))

    @property
    def file_bytes(self) -> int:
        return int(self.file_mb * 1024 * 1024)


NAMES = tuple(f.name for f in fields(Limits))


def current_limits() -> Limits:
    """The defaults, overridden by any ``GROWTHSIM_LIMIT_<NAME>`` environment variable."""
    values: dict[str, float | int] = {}
    for name in NAMES:
        text = os.environ.get(ENV_PREFIX + name.upper())
        if text is not None:
            values[name] = _parse(name, text, f"environment variable {ENV_PREFIX}{name.upper()}")
    return replace(Limits(), **values)


def set_limit(setting: str) -> None:
    """Apply one ``NAME=VALUE`` setting (from ``growthsim --limit``) to this process and its children.

    Raises:
        InputError: On an unknown name or a value that is not a positive number.
    """
    name, sep, text = setting.partition("=")
    name = name.strip().lower().replace("-", "_")
    if not sep or name not in NAMES:
        raise InputError("--limit", setting, f"NAME=VALUE with NAME one of {', '.join(NAMES)}")
    value = _parse(name, text.strip(), "--limit")
    os.environ[ENV_PREFIX + name.upper()] = str(value)


def _parse(name: str, text: str, source: str) -> float | int:
    kind = float if name == "file_mb" else int
    try:
        value = kind(text.replace("_", "").replace(",", ""))
    except ValueError:
        value = -1
    if not value > 0 or value == float("inf"):
        raise InputError(source, name, f"a positive {'number' if kind is float else 'integer'}, got '{text}'")
    return value


def check_limit(source: object, key: str, name: str, value: float, what: str) -> None:
    """Raise if ``value`` exceeds the limit ``name``, saying how to raise it.

    Args:
        source: The file or object at fault.
        key: The key, column or row at fault.
        name: The limit's name (a field of :class:`Limits`).
        value: The measured size.
        what: What is counted, in words (``"firms in total"``).
    """
    limit = getattr(current_limits(), name)
    if value > limit:
        raise InputError(
            str(source),
            key,
            f"at most {limit:,} {what}, got {value:,} (raise the limit with: growthsim --limit {name}=N ...)",
        )
