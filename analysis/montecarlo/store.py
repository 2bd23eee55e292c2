"""The Parquet store of a Monte Carlo batch, written part by part as runs finish.

Layout of ``STORE/``::

    manifest.json            kind "batch", scenarios (resolved), seeds, versions, settings, status
    series/part-*.parquet    per run: national, provincial and sectoral monthly series (long form:
                             scenario, run, level, code, month, value columns)
    metrics/part-*.parquet   one row per scenario x run: scenario, run, seed_entropy,
                             seed_spawn_key, then the run's metrics
    failures/part-*.parquet  one row per failed run: scenario, run, seed_entropy, seed_spawn_key,
                             error, traceback
    cells/part-*.parquet     with ``--detail province-sector``: the runs' trajectories (scenario,
                             run, month, province, sector, values)

A part holds the runs of one chunk. Each file is written to a temporary name and moved into place
with ``os.replace`` (atomic on POSIX), in the order series, cells, failures, metrics, so a part is
*committed* once its last file is in place: its ``metrics`` file if any run of the chunk succeeded
(then its ``series`` file exists), else its ``failures`` file. A part that is not committed (the
process was killed between two files) is removed by :meth:`BatchStore.clean` before a resume and
ignored by the readers, so a run is stored exactly once.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd

from analysis.montecarlo.worker import KEY_COLUMNS, ChunkResult

TABLES = ("series", "cells", "failures", "metrics")
SORT_KEYS = {
    "series": ["scenario", "run", "level", "code", "month"],
    "cells": ["scenario", "run", "month", "province", "sector"],
    "failures": ["scenario", "run"],
    "metrics": ["scenario", "run"],
}
MANIFEST = "manifest.json"


def _atomic_bytes(path: Path, write) -> None:
    """Write a file through ``write(tmp_path)``, fsync it, and move it into place."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        write(tmp)
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


class BatchStore:
    """A batch store on disk.

    Args:
        root: The store folder.
    """

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    # -- manifest ---------------------------------------------------------------------------
    @property
    def manifest_path(self) -> Path:
        return self.root / MANIFEST

    def read_manifest(self) -> dict | None:
        """The manifest, or ``None`` if the store has none."""
        if not self.manifest_path.is_file():
            return None
        return json.loads(self.manifest_path.read_text(encoding="utf-8"))

    def write_manifest(self, manifest: dict) -> None:
        """Write ``manifest.json`` atomically."""
        self.root.mkdir(parents=True, exist_ok=True)
        text = json.dumps(manifest, indent=2, default=str)
        _atomic_bytes(self.manifest_path, lambda tmp: tmp.write_text(text, encoding="utf-8"))

    def is_empty(self) -> bool:
        """True when the folder is missing or holds nothing."""
        return not self.root.exists() or not any(self.root.iterdir())

    # -- parts ------------------------------------------------------------------------------
    def _files(self, table: str) -> dict[str, Path]:
        folder = self.root / table
        if not folder.is_dir():
            return {}
        return {p.stem: p for p in sorted(folder.glob("part-*.parquet"))}

    def write_part(self, result: ChunkResult) -> None:
        """Store a chunk's tables as part ``result.part`` (series, cells, failures, metrics)."""
        for table in TABLES:
            frame = getattr(result, table)
            if frame is None or frame.empty:
                continue
            folder = self.root / table
            folder.mkdir(parents=True, exist_ok=True)
            _atomic_bytes(
                folder / f"{result.part}.parquet",
                lambda tmp, f=frame: f.to_parquet(tmp, index=False, compression="zstd"),
            )

    def committed_parts(self) -> set[str]:
        """Names of the parts whose last file is in place."""
        metrics = set(self._files("metrics"))
        series = set(self._files("series"))
        failures = set(self._files("failures"))
        return metrics | (failures - series)

    def clean(self) -> int:
        """Remove uncommitted parts and temporary files left by a killed batch.

        Returns:
            The number of files removed.
        """
        committed = self.committed_parts()
        removed = 0
        for table in TABLES:
            folder = self.root / table
            if not folder.is_dir():
                continue
            for path in folder.iterdir():
                stale_tmp = path.name.startswith(".") and path.name.endswith(".tmp")
                orphan = path.suffix == ".parquet" and path.stem not in committed
                if stale_tmp or orphan:
                    path.unlink()
                    removed += 1
        return removed

    def stored_runs(self) -> set[tuple[str, int]]:
        """(scenario, run) of every stored run, succeeded or failed."""
        keys: set[tuple[str, int]] = set()
        for table in ("metrics", "failures"):
            frame = self.read(table, columns=KEY_COLUMNS, sort=False)
            keys.update(zip(frame["scenario"].astype(str), frame["run"].astype(int), strict=True))
        return keys

    def read(self, table: str, columns: list[str] | None = None, sort: bool = True) -> pd.DataFrame:
        """One table over every committed part.

        Args:
            table: ``series``, ``metrics``, ``failures`` or ``cells``.
            columns: Columns to read (default: all).
            sort: Sort rows by the table's keys (scenario, run, ...).

        Returns:
            The table (empty, with the key columns, if nothing is stored).
        """
        if table not in TABLES:
            raise ValueError(f"unknown table {table!r}; one of {', '.join(TABLES)}")
        committed = self.committed_parts()
        frames = [
            pd.read_parquet(path, columns=columns) for name, path in self._files(table).items() if name in committed
        ]
        if not frames:
            return pd.DataFrame(columns=columns or KEY_COLUMNS)
        frame = pd.concat(frames, ignore_index=True)
        if sort:
            keys = [k for k in SORT_KEYS[table] if k in frame.columns]
            frame = frame.sort_values(keys, kind="stable", ignore_index=True)
        return frame
