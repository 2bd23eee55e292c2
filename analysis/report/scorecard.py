"""The priorities scorecard: the measures of the ministry's five priorities, scenario against scenario.

One row per measure of each priority (:data:`analysis.metrics.priorities.PRIORITIES`), one column
per source with the mean of the measure over its runs and, with two sources, the difference
``other - base`` with its standard error: paired run by run where the sources share seeds
(:func:`analysis.report.compare.metric_differences`), else of means over independent runs.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from analysis.metrics.priorities import MEASURES, PRIORITIES
from analysis.metrics.priority_text import LABELS, formatted
from analysis.report import compare
from analysis.report.page import table_html
from analysis.report.source import Source


def scorecard(sources: list[Source]) -> pd.DataFrame:
    """``priority, measure, key``, the mean of each source and, for two sources, the difference.

    Returns:
        One row per measure; source columns are named by the sources' labels; with two sources
        also ``difference`` and ``std. error`` (NaN where a measure is missing).
    """
    rows = []
    for p in PRIORITIES:
        for key in p.measures:
            row = {"priority": f"({p.rank}) {p.title}", "measure": LABELS[key][0], "key": key}
            for source in sources:
                values = source.metrics[key].astype(float) if key in source.metrics else pd.Series(dtype=float)
                values = values[np.isfinite(values)]
                row[source.label] = float(values.mean()) if len(values) else float("nan")
            rows.append(row)
    table = pd.DataFrame(rows)
    if len(sources) == 2:
        present = tuple(k for k in MEASURES if k in sources[0].metrics and k in sources[1].metrics)
        table["difference"] = table["std. error"] = float("nan")
        if present:  # (sources written before the priorities have none of them)
            diff = compare.metric_differences(*sources, keys=present)
            table["difference"] = table["key"].map(diff["mean"].astype(float)).astype(float)
            table["std. error"] = table["key"].map(diff["se"].astype(float)).astype(float)
    return table


def scorecard_html(table: pd.DataFrame, labels: list[str]) -> str:
    """The scorecard section of the report."""
    shown = table.copy()
    for label in labels:
        shown[label] = [formatted(k, v) for k, v in zip(shown["key"], shown[label], strict=True)]
    if "difference" in shown:
        shown["difference"] = [formatted(k, v, True) for k, v in zip(shown["key"], shown["difference"], strict=True)]
        shown["std. error"] = [
            formatted(k, v, spread=True) for k, v in zip(shown["key"], shown["std. error"], strict=True)
        ]
    shown = shown.drop(columns="key")
    how = ""
    if len(labels) == 2:
        how = (
            f" The difference is {html.escape(labels[1])} minus {html.escape(labels[0])} (shares in percentage "
            "points), run by run where the sources share seeds."
        )
    intro = (
        "<p>The policy text's five production priorities and their measures (docs/metrics.md, section "
        "Priorities): means over runs. Output lost and unmet demand in excess are against each run's "
        f"shock-free pair; n/a where a measure needs that pair and it was not run.{how}</p>"
    )
    return (
        '<section id="priorities"><h2>Priorities scorecard</h2>'
        + intro
        + table_html(shown, {}, tuple(c for c in shown.columns if c in ("priority", "measure")))
        + "</section>"
    )
