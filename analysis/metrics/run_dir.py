"""``analyze_run``: the metrics of a run folder written by ``growthsim run SCENARIO --out DIR``.

The folder holds ``trajectories.parquet`` and ``manifest.json`` (the resolved scenario, its file,
the seed). The scenario gives the economy (populations, regions, which sectors are mining) and
the targets (``[policy] targets``); the seed lets the shock-free pair be run again with common
random numbers.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.metrics import priorities
from analysis.metrics.core import evaluate
from analysis.metrics.pairing import paired_trajectories, seed_from_record
from sim.engine.record import CELL_COLUMNS
from sim.errors import InputError
from sim.scenario import Scenario, scenario_from_dict


def read_run(run_dir: str | Path) -> tuple[pd.DataFrame, dict, Scenario]:
    """Trajectories, manifest and scenario of a run folder.

    Raises:
        InputError: If the folder is not a run folder.
    """
    run_dir = Path(run_dir)
    manifest_path, trajectories_path = run_dir / "manifest.json", run_dir / "trajectories.parquet"
    if not manifest_path.is_file():
        raise InputError(run_dir, "manifest.json", "a run folder (growthsim run --out) or a batch store")
    if not trajectories_path.is_file():
        raise InputError(run_dir, "trajectories.parquet", "present in a run folder (growthsim run --out)")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(manifest_path, "JSON", f"valid JSON ({exc})") from None
    if "scenario" not in manifest:
        raise InputError(manifest_path, "scenario", "the resolved scenario of the run")
    source = manifest.get("scenario_file") or str(manifest_path)
    scenario = scenario_from_dict(manifest["scenario"], source=source)
    trajectories = pd.read_parquet(trajectories_path)
    missing = [c for c in CELL_COLUMNS if c not in trajectories.columns]
    if missing:
        raise InputError(
            trajectories_path, missing[0], "the columns of this version's growthsim run (run the scenario again)"
        )
    return trajectories, manifest, scenario


def economy_inputs(scenario: Scenario) -> tuple[pd.Series, pd.Series, list[str], dict[str, str]]:
    """Population and region by province, the mining sector codes and province names."""
    from sim.engine.run import world_for

    economy = world_for(scenario).economy
    provinces = economy.provinces.set_index("code")
    mining = economy.sectors.loc[economy.sectors["kind"] == "mining", "code"].tolist()
    return provinces["population"], provinces["region"], mining, provinces["name"].to_dict()


def analyze_run(run_dir: str | Path, *, pair: bool = True) -> dict:
    """The metrics of a run folder, in the sections of ``metrics.json``.

    Args:
        run_dir: A folder written by ``growthsim run SCENARIO --out DIR``.
        pair: Run the shock-free pair (same scenario and seed, shocks off) for the endogeneity
            split and the recovery reference; without it those are NaN or use the running peak.

    Returns:
        ``{"run", "metrics", "attainment", "endogeneity", "stability", "inclusiveness",
        "priorities"}``:
        ``metrics`` is the flat dictionary of :func:`analysis.metrics.run_metrics`; each section
        holds its metrics and its tables as lists of records.
    """
    from analysis.targets import targets_for

    trajectories, manifest, scenario = read_run(run_dir)
    population, regions, mining, names = economy_inputs(scenario)
    table = targets_for(scenario)
    seed = manifest.get("seed", 0)
    paired = paired_trajectories(scenario, seed_from_record(seed)) if pair else None
    tags = priority_tags(scenario)
    flat, detail = evaluate(
        trajectories,
        targets=table.target_frame(),
        regions=regions,
        population=population,
        paired=paired,
        mining=mining,
        tags=tags,
    )
    result = structure(flat, detail, scenario, seed, table.source, names)
    result["priorities"] = priorities.section(flat, tags)
    return result


def priority_tags(scenario: Scenario) -> priorities.PriorityTags:
    """The priority tags and imported coefficients of the scenario's economy."""
    from sim.engine.run import world_for

    return priorities.PriorityTags.from_economy(world_for(scenario).economy)


def _section(flat: dict[str, float], keys: tuple[str, ...]) -> dict[str, float]:
    return {key: flat[key] for key in keys}


def structure(flat: dict, detail: dict, scenario: Scenario, seed: object, source: str, names: dict) -> dict:
    """Arrange flat metrics and detail tables into the sections of ``metrics.json``."""
    from analysis.metrics.core import SECTIONS

    att, endo, incl = detail["attainment"], detail["endogeneity"], detail["inclusiveness"]
    provinces = att["provinces"].merge(incl["provinces"][["province", "jobs_created"]], on="province")
    provinces.insert(1, "name", provinces["province"].map(names))
    national = detail["stability"]["national"]
    months = float(national.index[-1] - national.index[0])
    annual = national.iloc[12::12] if len(national) > 12 else national.iloc[[]]
    return {
        "run": {
            "scenario": scenario.name,
            "scenario_file": scenario.path,
            "seed": seed,
            "months": months,
            "targets": source,
            "paired": endo["paired"],
        },
        "metrics": flat,
        "attainment": {
            **_section(flat, SECTIONS["attainment"]),
            "headline": att["headline"],
            "groups": att["groups"],
            "by_year": plain(att["by_year"]),
            "provinces": records(provinces),
            "cells": records(att["cells"]),
        },
        "endogeneity": {**_section(flat, SECTIONS["endogeneity"]), "components": endo["components"]},
        "stability": {
            **_section(flat, SECTIONS["stability"]),
            "reference": detail["stability"]["reference"],
            "value_added_by_year": {f"month {int(m)}": float(v) for m, v in annual.items()},
        },
        "inclusiveness": {
            **_section(flat, SECTIONS["inclusiveness"]),
            "provinces": records(incl["provinces"].assign(name=incl["provinces"]["province"].map(names))),
            "bottleneck_sectors": incl["bottleneck_sectors"],
        },
    }


def records(frame: pd.DataFrame) -> list[dict]:
    """A table as JSON-ready records."""
    return [{k: plain(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]


def plain(value: object) -> object:
    """A JSON-ready value: numpy scalars to Python, NaN and inf to None."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return float(value) if np.isfinite(value) else None
    return value
