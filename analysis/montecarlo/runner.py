"""``run_batch``: a Monte Carlo batch of scenarios x seeds, streamed into a resumable store.

The batch runs ``runs`` seeds, ``SeedSequence(seed).spawn(runs)``, for every scenario (common
random numbers), in chunks of a few runs of one scenario. Finished chunks are written to the
store (:mod:`analysis.montecarlo.store`) as they arrive, so a batch killed at any point keeps
every chunk it finished, and ``resume=True`` runs exactly the (scenario, run) pairs not yet
stored. Each run is a pure function of its scenario and seed, so where and in which order the
chunks run (one process, a pool, a Dask cluster) does not change what is stored.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import platform
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import mesa
import numpy as np
import pandas as pd
from tqdm.auto import tqdm

import sim
from analysis.montecarlo.ensembles import check_ensemble_memory, ensemble_size_for
from analysis.montecarlo.executors import default_workers, make_executor
from analysis.montecarlo.seeds import MAX_MASTER_SEED, RunSeed, spawn_seeds
from analysis.montecarlo.store import BatchStore
from analysis.montecarlo.worker import DETAILS, Chunk, metrics_available, run_chunk
from sim.engine.run import git_commit, package_version
from sim.engine.stochastic import draws_random_numbers
from sim.errors import InputError
from sim.limits import check_limit
from sim.paths import check_output_dir
from sim.scenario import Scenario

FORMAT = 2
"""Store format: 2 has ``output_bound_by_*``, ``potential_output`` and ``output_lost_to_*`` series."""
MAX_CHUNK = 25
MAX_CHUNK_CELLS = 4


@dataclass
class BatchSummary:
    """What one call of :func:`run_batch` did.

    Attributes:
        store: The store folder.
        total: Scenario x run pairs in the batch.
        skipped: Pairs already stored before this call (``resume``).
        done: Runs that succeeded in this call.
        failed: Runs that raised in this call.
        seconds: Wall time of this call.
        deterministic: Scenarios that draw no random number (every run would be identical).
        runs: Runs of each scenario (1 for a deterministic one unless repeated).
    """

    store: Path
    total: int
    skipped: int
    done: int
    failed: int
    seconds: float
    deterministic: list[str] = field(default_factory=list)
    runs: dict[str, int] = field(default_factory=dict)


class Batch:
    """A batch store opened for reading, as pandas objects.

    Args:
        store: The store folder.
        summary: What the call that produced it did (``None`` when opened with :func:`load_batch`).
    """

    def __init__(self, store: str | Path, summary: BatchSummary | None = None) -> None:
        self.store = BatchStore(store)
        self.summary = summary
        manifest = self.store.read_manifest()
        if manifest is None or manifest.get("kind") != "batch":
            raise InputError(store, "manifest.json", "a batch store (manifest.json with kind 'batch')")
        self.manifest = manifest

    @property
    def metrics(self) -> pd.DataFrame:
        """One row per scenario x run that succeeded: keys, seed, metrics."""
        return self.store.read("metrics")

    @property
    def series(self) -> pd.DataFrame:
        """Per-run monthly series: scenario, run, level, code, month, values."""
        return self.store.read("series")

    @property
    def failures(self) -> pd.DataFrame:
        """One row per failed run: scenario, run, seed, error, traceback."""
        return self.store.read("failures")

    def cells(self) -> pd.DataFrame:
        """The full province x sector trajectories of every run (``detail="province-sector"``)."""
        return self.store.read("cells")

    @property
    def scenarios(self) -> list[str]:
        """The scenario keys, in the order given."""
        return [s["key"] for s in self.manifest["scenarios"]]

    @property
    def seeds(self) -> pd.DataFrame:
        """The runs' seeds: run, entropy, spawn_key (the same for every scenario)."""
        return pd.DataFrame(self.manifest["seeds"]["children"])


def load_batch(store: str | Path) -> Batch:
    """Open a batch store for reading."""
    return Batch(store)


def _versions() -> dict:
    versions = {
        "growthsim": package_version(),
        "git_commit": git_commit(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "mesa": mesa.__version__,
    }
    for name in ("pyarrow", "dask", "distributed"):
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = None
    return versions


def _resolve(scenarios: Sequence[Scenario | str | Path]) -> dict[str, Scenario]:
    """Load and check every scenario up front (a user mistake stops the batch before it starts)."""
    resolved: dict[str, Scenario] = {}
    for item in scenarios:
        scenario = item if isinstance(item, Scenario) else sim.load_scenario(item)
        sim.world_for(scenario)  # checks the economy and the codes the scenario names
        if scenario.name in resolved:
            raise InputError(scenario.path or scenario.name, "name", "a name no other scenario of the batch has")
        resolved[scenario.name] = scenario
    if not resolved:
        raise InputError("batch", "scenarios", "at least one scenario")
    return resolved


def _scenario_records(resolved: dict[str, Scenario]) -> list[dict]:
    return [
        {
            "key": key,
            "file": scenario.path,
            "data_dir": str(scenario.data_dir.resolve()),
            "scenario": scenario.model_dump(mode="json"),
        }
        for key, scenario in resolved.items()
    ]


def _check_resumable(
    store: BatchStore, old: dict, records: list[dict], seed: int, runs: int, detail: str, paired: bool
) -> None:
    source = store.manifest_path
    if old.get("kind") != "batch":
        raise InputError(source, "kind", "a batch store to resume")
    if old.get("format") != FORMAT:
        raise InputError(source, "format", f"a store of format {FORMAT} to resume, got {old.get('format')}")
    old_scenarios = [(s["key"], s["scenario"]) for s in old["scenarios"]]
    if old_scenarios != [(r["key"], r["scenario"]) for r in records]:
        raise InputError(source, "scenarios", "the same scenarios (same names and settings) as the stored batch")
    settings = old["settings"]
    if settings["seed"] != seed:
        raise InputError(source, "settings.seed", f"the stored batch's seed {settings['seed']}, got {seed}")
    if settings["detail"] != detail:
        raise InputError(source, "settings.detail", f"the stored batch's detail {settings['detail']!r}, got {detail!r}")
    if settings.get("paired", False) != paired:
        raise InputError(source, "settings.paired", f"the stored batch's paired {settings.get('paired', False)}")
    if runs < settings["runs"]:
        raise InputError(source, "settings.runs", f"at least the stored batch's {settings['runs']} runs, got {runs}")


def chunk_size_for(pending: int, workers: int, detail: str) -> int:
    """Runs per chunk: about 8 chunks per worker, at most 25 (4 with the full cube)."""
    cap = MAX_CHUNK_CELLS if detail == "province-sector" else MAX_CHUNK
    return int(min(cap, max(1, math.ceil(pending / (8 * max(1, workers))))))


def plan_chunks(
    resolved: dict[str, Scenario],
    seeds: list[RunSeed],
    stored: set[tuple[str, int]],
    chunk_size: int,
    detail: str,
    model: Callable | None,
    paired: bool = False,
    runs: dict[str, int] | None = None,
    ensemble: int = 1,
) -> list[Chunk]:
    """Chunks of the runs not yet stored, interleaved over scenarios (paired runs finish together).

    ``runs`` caps the runs of a scenario (a deterministic scenario runs once); default all seeds.
    """
    per_scenario = []
    for index, (key, scenario) in enumerate(resolved.items()):
        cap = len(seeds) if runs is None else runs[key]
        todo = [s for s in seeds if s.run < cap and (key, s.run) not in stored]
        blocks = [todo[i : i + chunk_size] for i in range(0, len(todo), chunk_size)]
        per_scenario.append(
            [
                Chunk(
                    part=f"part-{index:03d}-{block[0].run:08d}-{block[-1].run:08d}",
                    scenario_key=key,
                    scenario=scenario,
                    seeds=block,
                    detail=detail,
                    model=model,
                    paired=paired,
                    ensemble=ensemble,
                )
                for block in blocks
            ]
        )
    chunks = []
    for round_ in range(max((len(c) for c in per_scenario), default=0)):
        chunks.extend(c[round_] for c in per_scenario if round_ < len(c))
    return chunks


def run_batch(
    scenarios: Sequence[Scenario | str | Path],
    runs: int,
    out: str | Path,
    *,
    seed: int = 0,
    workers: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    detail: str = "summary",
    chunk_size: int | None = None,
    progress: bool = False,
    model: Callable | None = None,
    paired: bool = False,
    repeat_identical: bool = False,
    ensemble: int | None = None,
) -> Batch:
    """Run a Monte Carlo batch and stream it into a store.

    A scenario that draws no random number (:func:`sim.engine.stochastic.draws_random_numbers`, read
    from the compiled scenario, not by running it) is deterministic: every run would be
    identical, so it is run once (run 0) unless ``repeat_identical``. The manifest lists such
    scenarios under ``settings.deterministic``; the analysis compares their one run with every
    run of the others.

    Args:
        scenarios: Scenarios or scenario files; their names are their keys in the store.
        runs: Runs per scenario.
        out: The store folder (new or empty, or an interrupted batch with ``resume``).
        seed: Master seed; run ``i`` uses ``SeedSequence(seed).spawn(runs)[i]`` in every scenario.
        workers: Local worker processes (default: the number of cores; 1 = this process).
        scheduler: Address of a Dask scheduler; the runs go to its workers.
        resume: Continue the batch stored in ``out``: run only what is not stored.
        detail: ``"summary"`` or ``"province-sector"`` (also store the full cube).
        chunk_size: Runs per task (default: one ensemble; with ``model``, :func:`chunk_size_for`).
        progress: Show a progress bar (runs done, failures, time left).
        model: The model function ``(scenario, seed) -> sim.Results`` (default ``sim.run``),
            a module-level function importable by the workers.
        paired: Also run each seed's shock-free pair (same seed, exogenous shocks off) so the
            endogeneity metrics can split growth; doubles the cost.
        repeat_identical: Run a deterministic scenario ``runs`` times anyway.
        ensemble: Runs stepped together in one set of arrays (:func:`sim.run_ensemble`), each
            equal to its run alone; by default as many as fit memory
            (:func:`analysis.montecarlo.ensembles.ensemble_size_for`). Ignored with ``model``. An
            explicit size whose ensembles, one a local worker, would not fit the memory available
            is refused (:func:`analysis.montecarlo.ensembles.check_ensemble_memory`; not checked
            with ``scheduler``, whose workers' memory is their own).

    Returns:
        The batch, readable as pandas tables; ``batch.summary`` says what this call did.

    Raises:
        InputError: On a bad scenario, a non-empty ``out`` without ``resume``, a resume whose
            scenarios, seed or detail differ from the stored batch, or an ``ensemble`` too large
            for memory.
    """
    started = time.perf_counter()
    if runs < 1:
        raise InputError("batch", "runs", f"at least 1, got {runs}")
    if not 0 <= seed <= MAX_MASTER_SEED:
        raise InputError("batch", "seed", f"an integer in 0..2**63-1, got {seed}")
    if detail not in DETAILS:
        raise InputError("batch", "detail", f"one of {', '.join(DETAILS)}, got {detail!r}")
    if workers is not None:
        check_limit("batch", "--workers", "workers", workers, "local worker processes")
    resolved = _resolve(scenarios)
    check_limit("batch", "--runs", "runs", len(resolved) * runs * (2 if paired else 1), "runs (scenarios x runs)")
    records = _scenario_records(resolved)
    check_output_dir(out)
    store = BatchStore(out)
    created = not os.path.lexists(out)
    try:
        with store.writing():  # one writer at a time: a second batch on this store is refused here
            old = store.read_manifest()
            if resume and old is not None:
                _check_resumable(store, old, records, seed, runs, detail, paired)
                store.clean()
                stored = store.stored_runs()
            elif not store.is_empty():
                raise InputError(out, "out", "a new or empty folder (or --resume to continue the batch stored there)")
            else:
                stored = set()
            seeds = spawn_seeds(seed, runs)
            deterministic = [
                key for key, scenario in resolved.items() if model is None and not draws_random_numbers(scenario)
            ]
            runs_of = {key: 1 if key in deterministic and not repeat_identical else runs for key in resolved}
            total = sum(runs_of.values())
            stored = {(key, run) for key, run in stored if run < runs_of.get(key, runs)}
            n_workers = default_workers() if workers is None else workers
            pending = total - len(stored)
            slots = n_workers if scheduler is None else 8
            if ensemble is not None and ensemble < 1:
                raise InputError("batch", "ensemble", f"at least 1, got {ensemble}")
            if ensemble is not None and model is None and scheduler is None and pending:
                together = min(ensemble, max(runs_of.values()))  # an ensemble holds at most a scenario's runs
                at_once = min(n_workers, math.ceil(pending / together))
                check_ensemble_memory(list(resolved.values()), together, at_once, detail, paired)
            if model is None:  # one task an ensemble (a chunk size, if given, bounds the ensembles)
                auto = min(ensemble_size_for(s, max(1, pending), slots, detail, paired) for s in resolved.values())
                runs_together = ensemble or (min(auto, chunk_size) if chunk_size else auto)
                size = chunk_size or runs_together
            else:
                runs_together = 1
                size = chunk_size or chunk_size_for(pending, slots, detail)
            if paired and not metrics_available():
                raise InputError("batch", "paired", "analysis.metrics installed (it defines the shock-free pair)")
            chunks = plan_chunks(resolved, seeds, stored, size, detail, model, paired, runs_of, runs_together)
            executor = make_executor(n_workers, scheduler) if chunks else None
            now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            manifest = {
                "kind": "batch",
                "format": FORMAT,
                "created": old["created"] if (resume and old) else now,
                "updated": now,
                "scenarios": records,
                "seeds": {
                    "master": seed,
                    "runs": runs,
                    "method": "numpy.random.SeedSequence(master).spawn(runs); run i uses child i in every scenario",
                    "common_random_numbers": True,
                    "children": [s.record() for s in seeds],
                },
                "versions": _versions(),
                "settings": {
                    "runs": runs,
                    "seed": seed,
                    "detail": detail,
                    "paired": paired,
                    "deterministic": deterministic,
                    "repeat_identical": repeat_identical,
                    "runs_by_scenario": runs_of,
                    "workers": n_workers if scheduler is None else None,
                    "scheduler": scheduler,
                    "chunk_size": size,
                    "ensemble": runs_together,
                    "executor": executor.describe() if executor else None,
                    "metrics": "analysis.metrics.run_metrics" if metrics_available() else "unavailable",
                    "model": "sim.run" if model is None else f"{model.__module__}.{model.__qualname__}",
                },
                "status": {"state": "running", "runs_total": total},
            }
            store.write_manifest(manifest)
            done = failed = 0
            try:
                with tqdm(total=pending, unit="run", desc="batch", disable=not progress, smoothing=0.05) as bar:
                    if executor is not None:
                        for result in executor.map_unordered(run_chunk, chunks):
                            store.write_part(result)
                            done += len(result.done)
                            failed += len(result.failed)
                            bar.update(len(result.done) + len(result.failed))
                            bar.set_postfix(failed=failed, refresh=False)
            except BaseException:
                manifest["status"] = {"state": "interrupted", "runs_total": total}
                store.write_manifest(manifest)
                raise
            finally:
                if executor is not None:
                    executor.close()
            stored_failures = len(store.read("failures", columns=["scenario", "run"], sort=False))
            stored_total = len({(key, run) for key, run in store.stored_runs() if run < runs_of.get(key, runs)})
            manifest["updated"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            manifest["status"] = {
                "state": "complete" if stored_total == total else "incomplete",
                "runs_total": total,
                "runs_stored": stored_total,
                "runs_failed": stored_failures,
            }
            store.write_manifest(manifest)
            summary = BatchSummary(
                store=Path(out),
                total=total,
                skipped=total - pending,
                done=done,
                failed=failed,
                seconds=time.perf_counter() - started,
                deterministic=deterministic,
                runs=runs_of,
            )
            return Batch(out, summary)
    except InputError:
        if created:
            store.remove_if_bare()
        raise
