"""Golden hashes: every library scenario's trajectories and firm table, bit for bit.

The hashes in ``tests/golden/hashes.json`` were taken from the engine before a change meant to
leave results untouched (a refactor, a speed-up); this test proves it did. A change that is meant
to move results (a new rule, a new parameter default) regenerates them, and says so in its
commit message::

    PYTHONPATH=$PWD python tests/test_golden.py --update

Hashes are of the exact bits of every column (float64 bytes, integer bytes, category labels), so
they hold on one platform and one numpy; a platform whose floating point differs in the last bit
would need its own file.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
HASHES = Path(__file__).parent / "golden" / "hashes.json"
SCENARIOS = sorted(p.stem for p in (ROOT / "scenarios").glob("*.toml"))
SEED = 5
"""Seed of every golden run (baseline also runs with seed 0, the CLI's default)."""


def table_hash(table: pd.DataFrame) -> str:
    """SHA-256 of a table's column names, dtypes and the exact bits of its values, in row order."""
    digest = hashlib.sha256()
    for name in table.columns:
        column = table[name]
        digest.update(f"{name}:{column.dtype}".encode())
        if isinstance(column.dtype, pd.CategoricalDtype):
            digest.update("\x1f".join(map(str, column.astype(str))).encode())
        else:
            digest.update(column.to_numpy().tobytes())
    return digest.hexdigest()


def runs() -> list[tuple[str, int]]:
    """The golden runs: every library scenario with :data:`SEED`, and baseline with seed 0."""
    return [("baseline", 0)] + [(name, SEED) for name in SCENARIOS]


def hashes_of(name: str, seed: int) -> dict[str, str]:
    """Hashes of one run's trajectories and firm table."""
    import sim

    results = sim.run(ROOT / "scenarios" / f"{name}.toml", seed, record_firms=True, progress=False)
    return {"trajectories": table_hash(results.trajectories), "firms": table_hash(results.firms)}


def key(name: str, seed: int) -> str:
    return f"{name}@{seed}"


@pytest.mark.parametrize(("name", "seed"), runs(), ids=[key(*run) for run in runs()])
def test_results_bit_identical_to_golden(name: str, seed: int) -> None:
    golden = json.loads(HASHES.read_text(encoding="utf-8"))
    assert key(name, seed) in golden, f"no golden hash for {key(name, seed)}: run this file with --update"
    assert hashes_of(name, seed) == golden[key(name, seed)]


def test_table_hash_sees_one_bit() -> None:
    """The hash changes when one value moves by one unit in the last place."""
    table = pd.DataFrame({"month": [0, 1], "output": [1.0, 2.0]})
    moved = table.copy()
    moved.loc[1, "output"] = 2.0 + 2.0**-51
    assert table_hash(table) != table_hash(moved)
    assert table_hash(table) == table_hash(table.copy())


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        sys.exit("usage: PYTHONPATH=$PWD python tests/test_golden.py --update")
    sys.path.insert(0, str(ROOT))
    HASHES.write_text(json.dumps({key(*run): hashes_of(*run) for run in runs()}, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {HASHES}")
