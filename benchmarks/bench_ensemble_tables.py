"""An old tree's per-ensemble tables against this one's, alternately in one process: CPU time through the noise.

What a batch does with an ensemble once it has stepped (``analysis/montecarlo/ensembles.py``): the
runs' series and metrics, then the part written to the store. One ensemble of ``--runs`` runs is
stepped once (this tree's ``sim.run_ensemble``); each tree's ``run_chunk_ensembles`` is then handed
its records (the tree's ``sim.run_ensemble`` replaced by one that returns them) and its
``BatchStore.write_part`` writes the part, the two trees in turn, the order swapped from one repeat
to the next, so both see the same load. Both trees' ``sim`` and ``analysis`` are imported; the
one whose turn it is is put in ``sys.modules`` (and first on ``sys.path``) for its calls, so the
imports inside functions find their own tree. Reported: median CPU milliseconds of the tables
(series and metrics) and of the store's part, and the medians of the per-repeat ratios new/old.
The two trees' files must read back equal (checked): a check of stored values between two
commits too.

Usage::

    git archive <old-commit> | tar -x -C /tmp/old-tree
    python benchmarks/bench_ensemble_tables.py --old /tmp/old-tree [--runs 11] [--repeats 15]

Scenario: the default economy, 60 months (``--months``), idiosyncratic productivity noise and no
scheduled shock (the stochastic scenario of ``bench_ensemble.py``); 11 runs is the batch's
automatic ensemble size for it.
"""

from __future__ import annotations

import argparse
import importlib
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import print_load_at_end, print_machine  # noqa: E402

PACKAGES = ("sim", "analysis")
SPEC = {
    "name": "ensemble_noise",
    "horizon_months": 60,
    "economy": {"data": "default"},
    "stochastic": {"productivity_sigma": 0.02, "productivity_rho": 0.9},
}


def _ours(name: str) -> bool:
    return any(name == package or name.startswith(package + ".") for package in PACKAGES)


class Tree:
    """One source tree's ``sim`` and ``analysis``, imported, and put back in place for its calls."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.modules: dict = {}
        with self.active():
            self.sim = importlib.import_module("sim")
            self.ensembles = importlib.import_module("analysis.montecarlo.ensembles")
            self.store = importlib.import_module("analysis.montecarlo.store")
            self.worker = importlib.import_module("analysis.montecarlo.worker")
            self.seeds = importlib.import_module("analysis.montecarlo.seeds")

    @contextmanager
    def active(self) -> Iterator[None]:
        """This tree's modules in ``sys.modules`` and its folder first on ``sys.path``; the modules
        imported meanwhile are kept as the tree's."""
        for name in [name for name in sys.modules if _ours(name)]:
            del sys.modules[name]
        sys.modules.update(self.modules)
        sys.path.insert(0, str(self.path))
        try:
            yield
        finally:
            sys.path.remove(str(self.path))
            self.modules = {name: module for name, module in sys.modules.items() if _ours(name)}


def chunk_of(tree: Tree, runs: int, seed: int, months: int):
    """A chunk of ``runs`` seeds, one ensemble, in the tree's own classes."""
    with tree.active():
        scenario = tree.sim.scenario_from_dict({**SPEC, "horizon_months": months})
        seeds = [tree.seeds.RunSeed(run, seed, (run,)) for run in range(runs)]
        return tree.worker.Chunk("part-00000", "ensemble_noise", scenario, seeds, ensemble=runs)


def tables(tree: Tree, chunk, ensemble, folder: Path) -> tuple[float, float]:
    """CPU seconds of the tree's tables of ``ensemble`` (series and metrics) and of writing its part."""
    with tree.active():
        tree.sim.run_ensemble = lambda scenario, sequences, progress=False: ensemble
        start = time.process_time()
        result = tree.ensembles.run_chunk_ensembles(chunk)
        made = time.process_time()
        tree.store.BatchStore(folder).write_part(result)
        return made - start, time.process_time() - made


def compare(old_path: Path, runs: int, repeats: int, months: int, seed: int) -> dict:
    """Both trees' tables of one ensemble, ``repeats`` times in turn; medians and ratios."""

    trees = [Tree(old_path), Tree(ROOT)]
    chunks = [chunk_of(tree, runs, seed, months) for tree in trees]
    with trees[1].active():
        sequences = [s.sequence() for s in chunks[1].seeds]
        ensemble = trees[1].sim.run_ensemble(chunks[1].scenario, sequences, progress=False)
    folders = [Path(tempfile.mkdtemp(prefix=f"tables-{name}-")) for name in ("old", "new")]
    try:
        return _paired(trees, chunks, ensemble, folders, repeats)
    finally:
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)


def _paired(trees: list[Tree], chunks: list, ensemble, folders: list[Path], repeats: int) -> dict:
    import pandas as pd

    for tree, chunk, folder in zip(trees, chunks, folders, strict=True):  # warm-up: imports, compiled loops
        tables(tree, chunk, ensemble, folder)
    seconds: list[list[tuple[float, float]]] = [[], []]
    for repeat in range(repeats):
        for i in (0, 1) if repeat % 2 == 0 else (1, 0):
            seconds[i].append(tables(trees[i], chunks[i], ensemble, folders[i]))
    for folder in folders:
        if (folder / "failures").is_dir():
            failed = pd.read_parquet(next((folder / "failures").glob("*.parquet")))
            raise SystemExit(f"{folder}: a run failed: {failed['error'].iloc[0]}\n{failed['traceback'].iloc[0]}")
    for table in ("series", "metrics"):
        old, new = (pd.read_parquet(folder / table / "part-00000.parquet") for folder in folders)
        try:
            pd.testing.assert_frame_equal(old, new, check_exact=True)
        except AssertionError as exc:
            raise SystemExit(f"the two trees' {table} files differ: {exc}") from None
    old, new = np.array(seconds[0]), np.array(seconds[1])
    return {
        "old_tables_ms": 1e3 * statistics.median(old[:, 0]),
        "new_tables_ms": 1e3 * statistics.median(new[:, 0]),
        "old_store_ms": 1e3 * statistics.median(old[:, 1]),
        "new_store_ms": 1e3 * statistics.median(new[:, 1]),
        "tables_ratio": statistics.median(new[:, 0] / old[:, 0]),
        "store_ratio": statistics.median(new[:, 1] / old[:, 1]),
        "total_ratio": statistics.median(new.sum(axis=1) / old.sum(axis=1)),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, required=True, help="source tree of the old code")
    parser.add_argument("--runs", type=int, default=11, help="runs of the ensemble (the batch's automatic size)")
    parser.add_argument("--repeats", type=int, default=15, help="times each tree makes the tables, in turn")
    parser.add_argument("--months", type=int, default=60)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    if not (args.old / "sim").is_dir() or not (args.old / "analysis").is_dir():
        raise SystemExit(f"--old {args.old}: expected a source tree with sim/ and analysis/ folders")
    print_machine()
    row = compare(args.old, args.runs, args.repeats, args.months, args.seed)
    print(
        f"ensemble of {args.runs} runs, {args.repeats} repeats (CPU ms, medians): "
        f"series and metrics old {row['old_tables_ms']:.1f}, new {row['new_tables_ms']:.1f} "
        f"(new/old {row['tables_ratio']:.2f}); store part old {row['old_store_ms']:.1f}, "
        f"new {row['new_store_ms']:.1f} (new/old {row['store_ratio']:.2f}); "
        f"together new/old {row['total_ratio']:.2f}; stored values equal"
    )
    print_load_at_end()


if __name__ == "__main__":
    main()
