"""Distributions of the metrics over the runs of a Monte Carlo store (``growthsim batch --out``).

A store is a folder with ``manifest.json`` whose ``"kind"`` is ``"batch"`` and a per-run metrics
table in ``metrics/*.parquet``: one row per (``scenario``, ``run``) with the columns of
:data:`analysis.metrics.METRIC_KEYS` (and optionally ``seed`` and ``error``, a failed run having a
non-empty ``error``). For each scenario and metric this reports, over the runs where the metric
is defined, the mean, standard deviation (ddof 1), 5%, 50% and 95% quantiles and ``n``; and the
probability of reaching each annual target in the first year (the headline), the share of runs
with ``reached_national``, ``reached_industry``, ``reached_mining`` equal to one, and of ending on
or above the compounded target path (``path_reached_*``), each with its Wilson 95% interval
(:mod:`analysis.metrics.binomial`). From the stored national series, every whole year ``k`` of
every run is judged too: growth ``V_12k / V_12(k-1) - 1`` against the run's national target, and
the path ``V_12k / V_0 - 1`` against ``(1 + t)^k - 1``.
When the store holds several scenarios, each is also compared with the first, run by run (the
runs share seeds, so differences are paired), on the headline metrics and on the measures of
the five priorities; a deterministic scenario run once is compared with every run of the other.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.metrics.attainment import MONTHS_PER_YEAR
from analysis.metrics.binomial import reach_probability
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


def year_distributions(series: pd.DataFrame, targets: pd.Series) -> list[dict]:
    """Each whole year of the national value-added paths, judged against each run's target.

    Args:
        series: National rows of one scenario's stored series: ``run, month, value_added``.
        targets: The national target of each run (index: run).

    Returns:
        One item a year: ``{"year", "growth": describe(...), "probability": reach_probability(...),
        "path_growth": describe(...), "path_target", "path_probability"}``.
    """
    paths = series.pivot_table(index="run", columns="month", values="value_added", aggfunc="sum")
    if paths.empty:
        return []
    paths.columns = paths.columns.astype(float) - float(paths.columns.min())
    target = targets.reindex(paths.index).to_numpy(float)
    out = []
    for k in range(1, int(paths.columns.max() // MONTHS_PER_YEAR) + 1):
        start, end = float(MONTHS_PER_YEAR * (k - 1)), float(MONTHS_PER_YEAR * k)
        if start not in paths.columns or end not in paths.columns:
            continue
        growth = paths[end].to_numpy() / paths[start].to_numpy() - 1.0
        path = paths[end].to_numpy() / paths[0.0].to_numpy() - 1.0
        compounded = (1.0 + target) ** k - 1.0
        judged = np.isfinite(target)
        out.append(
            {
                "year": k,
                "growth": describe(pd.Series(growth)),
                "target": float(np.nanmedian(target)) if judged.any() else float("nan"),
                "probability": reach_probability(np.where(judged, growth >= target, np.nan)),
                "path_growth": describe(pd.Series(path)),
                "path_target": float(np.nanmedian(compounded)) if judged.any() else float("nan"),
                "path_probability": reach_probability(np.where(judged, path >= compounded, np.nan)),
            }
        )
    return out


def _national_series(store: Path) -> pd.DataFrame:
    """The national value-added rows of a store's series (empty without series)."""
    from analysis.montecarlo.store import BatchStore

    columns = ["scenario", "run", "level", "month", "value_added"]
    try:
        frame = BatchStore(store).read("series", columns=columns, sort=False)
    except (OSError, ValueError, KeyError):
        return pd.DataFrame(columns=columns)
    if frame.empty:
        return frame
    return frame[frame["level"] == "national"]


def _settings(store: Path) -> dict:
    try:
        return json.loads((store / "manifest.json").read_text(encoding="utf-8")).get("settings", {}) or {}
    except (OSError, json.JSONDecodeError, UnicodeDecodeError, AttributeError):
        return {}


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
    store = Path(store)
    table = read_store_metrics(store)
    settings = _settings(store)
    deterministic = set(settings.get("deterministic", []))
    failed = _failed(table)
    out: dict = {
        "store": {
            "path": str(store),
            "runs": int(len(table)),
            "failed": int(failed.sum()),
            "paired": bool(settings.get("paired", False)),
            "detail": settings.get("detail", "summary"),
        },
        "scenarios": {},
    }
    good = table[~failed]
    series = _national_series(store)
    names = list(pd.unique(table["scenario"]))
    for name in names:
        rows = good[good["scenario"] == name]
        entry: dict = {
            "runs": int((table["scenario"] == name).sum()),
            "failed": int((failed & (table["scenario"] == name)).sum()),
            "deterministic": str(name) in deterministic,
            "probability": {
                g: reach_probability(rows[f"reached_{g}"]) for g in TARGET_GROUPS if f"reached_{g}" in rows
            },
            "path_probability": {
                g: reach_probability(rows[f"path_reached_{g}"]) for g in TARGET_GROUPS if f"path_reached_{g}" in rows
            },
        }
        if "target_national" in rows and "run" in rows and not series.empty:
            mine = series[(series["scenario"] == name) & series["run"].isin(rows["run"])]
            entry["by_year"] = year_distributions(mine, rows.set_index("run")["target_national"])
        for section, keys in SECTIONS.items():
            entry[section] = {key: describe(rows[key]) for key in keys if key in rows.columns}
        entry["priorities"] = {
            p.key: {m: describe(rows[m]) for m in p.measures if m in rows.columns} for p in PRIORITIES
        }
        out["scenarios"][str(name)] = entry
    out["comparison"] = compare(good, names, deterministic)
    out["priority_comparison"] = compare(good, names, deterministic, MEASURES)
    return out


def compare(
    table: pd.DataFrame,
    names: list,
    deterministic: set[str] | frozenset = frozenset(),
    keys: tuple[str, ...] = HEADLINE,
) -> dict:
    """Paired differences of ``keys`` (headline metrics), each scenario minus the first, matched on ``run``.

    A scenario in ``deterministic`` (run once: every run would be identical) is compared with
    every run of the other.
    """
    if len(names) < 2 or "run" not in table.columns:
        return {}
    first = table[table["scenario"] == names[0]].set_index("run")
    result: dict = {}
    for name in names[1:]:
        other = table[table["scenario"] == name].set_index("run")
        base = _broadcast(first, other.index, str(names[0]) in deterministic)
        other = _broadcast(other, base.index, str(name) in deterministic)
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


def _broadcast(frame: pd.DataFrame, runs: pd.Index, deterministic: bool) -> pd.DataFrame:
    """A deterministic scenario's single run repeated for every run of ``runs`` (else ``frame``)."""
    if not deterministic or len(frame) != 1 or len(runs) <= 1:
        return frame
    return frame.iloc[np.zeros(len(runs), dtype=int)].set_axis(runs)
