"""Distributions of the metrics over the runs of a Monte Carlo store (``growthsim batch --out``).

A store is a folder with ``manifest.json`` whose ``"kind"`` is ``"batch"`` and a per-run metrics
table in ``metrics/*.parquet``: one row per (``scenario``, ``run``) with the columns of
:data:`analysis.metrics.METRIC_KEYS` (and optionally ``seed`` and ``error``, a failed run having a
non-empty ``error``). For each scenario and metric this reports, over the runs where the metric
is defined, the mean, standard deviation (ddof 1), 5%, 50% and 95% quantiles and ``n``; and the
probability of reaching each target, the mean over runs of ``reached_national``,
``reached_industry``, ``reached_mining`` (its binomial standard error ``sqrt(p (1 - p) / n)``).
When the store holds several scenarios, each is also compared with the first, run by run (the
runs share seeds, so differences are paired), on the headline metrics and on the measures of
the five priorities.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.metrics.core import SECTIONS
from analysis.metrics.priorities import MEASURES, PRIORITIES
from sim.errors import InputError

QUANTILES = (0.05, 0.5, 0.95)
HEADLINE = ("growth_national", "attainment_national", "volatility_annual", "theil", "endogenous_share")
TARGET_GROUPS = ("national", "industry", "mining")


def is_store(path: str | Path) -> bool:
    """Whether ``path`` is a batch store (``manifest.json`` with ``"kind": "batch"``)."""
    manifest = Path(path) / "manifest.json"
    if not manifest.is_file():
        return False
    try:
        return json.loads(manifest.read_text(encoding="utf-8")).get("kind") == "batch"
    except (json.JSONDecodeError, UnicodeDecodeError, AttributeError):
        return False


def read_store_metrics(store: str | Path) -> pd.DataFrame:
    """The per-run metrics table of a store (all parts concatenated).

    Raises:
        InputError: If the store has no metrics parts or lacks the ``scenario`` column.
    """
    store = Path(store)
    parts = sorted((store / "metrics").glob("*.parquet"))
    if not parts:
        raise InputError(store, "metrics/*.parquet", "per-run metrics written by growthsim batch")
    table = pd.concat([pd.read_parquet(part) for part in parts], ignore_index=True)
    if "scenario" not in table.columns:
        raise InputError(parts[0], "scenario", "a column naming each run's scenario")
    if "run" in table.columns:
        table = table.drop_duplicates(["scenario", "run"], keep="last")
    return table


def describe(values: pd.Series) -> dict[str, float]:
    """Mean, std, quantiles and count of the finite values."""
    values = pd.to_numeric(values, errors="coerce").astype(float)
    values = values[np.isfinite(values)]
    if values.empty:
        return {"mean": np.nan, "std": np.nan, "q05": np.nan, "q50": np.nan, "q95": np.nan, "n": 0}
    q = np.quantile(values, QUANTILES)
    return {
        "mean": float(values.mean()),
        "std": float(values.std(ddof=1)) if len(values) > 1 else float("nan"),
        "q05": float(q[0]),
        "q50": float(q[1]),
        "q95": float(q[2]),
        "n": int(len(values)),
    }


def probability(values: pd.Series) -> dict[str, float]:
    """Probability (mean of a 0/1 column) and its binomial standard error."""
    values = pd.to_numeric(values, errors="coerce").dropna()
    n = len(values)
    if n == 0:
        return {"p": np.nan, "se": np.nan, "n": 0}
    p = float(values.mean())
    return {"p": p, "se": float(np.sqrt(p * (1 - p) / n)), "n": n}


def _failed(table: pd.DataFrame) -> pd.Series:
    if "error" not in table.columns:
        return pd.Series(False, index=table.index)
    error = table["error"]
    return error.notna() & (error.astype(str).str.strip() != "")


def analyze_store(store: str | Path) -> dict:
    """Distributions of every metric over a store's runs, by scenario (see the module docstring).

    Returns:
        ``{"store", "scenarios": {name: {"runs", "failed", "probability", "attainment",
        "endogeneity", "stability", "inclusiveness", "priorities"}}, "comparison",
        "priority_comparison"}``: ``priorities`` holds the measures of each of the five priorities
        (:data:`analysis.metrics.priorities.PRIORITIES`), ``priority_comparison`` their paired
        differences against the first scenario.
    """
    table = read_store_metrics(store)
    failed = _failed(table)
    out: dict = {"store": {"path": str(store), "runs": int(len(table)), "failed": int(failed.sum())}, "scenarios": {}}
    good = table[~failed]
    names = list(pd.unique(table["scenario"]))
    for name in names:
        rows = good[good["scenario"] == name]
        entry: dict = {
            "runs": int((table["scenario"] == name).sum()),
            "failed": int((failed & (table["scenario"] == name)).sum()),
            "probability": {g: probability(rows[f"reached_{g}"]) for g in TARGET_GROUPS if f"reached_{g}" in rows},
        }
        for section, keys in SECTIONS.items():
            entry[section] = {key: describe(rows[key]) for key in keys if key in rows.columns}
        entry["priorities"] = {
            p.key: {m: describe(rows[m]) for m in p.measures if m in rows.columns} for p in PRIORITIES
        }
        out["scenarios"][str(name)] = entry
    out["comparison"] = compare(good, names)
    out["priority_comparison"] = compare(good, names, MEASURES)
    return out


def compare(table: pd.DataFrame, names: list, keys: tuple[str, ...] = HEADLINE) -> dict:
    """Paired differences of ``keys`` (headline metrics), each scenario minus the first, matched on ``run``."""
    if len(names) < 2 or "run" not in table.columns:
        return {}
    base = table[table["scenario"] == names[0]].set_index("run")
    result: dict = {}
    for name in names[1:]:
        other = table[table["scenario"] == name].set_index("run")
        runs = base.index.intersection(other.index)
        result[str(name)] = {
            key: {
                **describe(other.loc[runs, key] - base.loc[runs, key]),
                "se": float((other.loc[runs, key] - base.loc[runs, key]).std(ddof=1) / np.sqrt(len(runs)))
                if len(runs) > 1
                else float("nan"),
            }
            for key in keys
            if key in table.columns
        }
        result[str(name)]["versus"] = str(names[0])
    return result
