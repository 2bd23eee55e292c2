"""The five priorities in words: lines of the run and store summaries, and the measures' labels."""

from __future__ import annotations

import math

from analysis.metrics.priorities import PRIORITIES

LABELS = {
    "needs_output_lost": ("output lost to the shocks (vs the shock-free pair)", "pct"),
    "needs_unmet_share": ("unmet final demand, share", "pct"),
    "needs_unmet_excess": ("unmet final demand, excess over the shock-free pair", "pp"),
    "sensitive_output_lost": ("output lost to the shocks (vs the shock-free pair)", "pct"),
    "sensitive_unmet_share": ("unmet final demand, share", "pct"),
    "sensitive_unmet_excess": ("unmet final demand, excess over the shock-free pair", "pp"),
    "bottleneck_share": ("value chains with a binding bottleneck", "pct"),
    "imports_replaced": ("imports of missing-link goods replaced by domestic output", "pct"),
    "complex_exports": ("exports at the end, per month", "level"),
    "complex_exports_growth": ("growth of exports, per year", "pct"),
    "complex_value_added_growth": ("growth of value added, per year", "pct"),
    "complex_export_share": ("share of all exports at the end", "pct"),
    "complex_export_share_start": ("share of all exports at the start", "pct"),
    "theil": ("Theil T of value added per head, end", "index"),
    "theil_start": ("Theil T of value added per head, start", "index"),
}


def formatted(measure: str, value: object, difference: bool = False, spread: bool = False) -> str:
    """A measure's value as text (``n/a`` when missing).

    ``difference`` signs it (shares then read in percentage points); ``spread`` is for a standard
    error (unsigned, shares in percentage points).
    """
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "n/a"
    kind = LABELS.get(measure, (measure, "index"))[1]
    sign = "+" if difference else ""
    if kind == "pp" or (kind == "pct" and (difference or spread)):
        return f"{100.0 * value:{sign}.2f} pp"
    if kind == "pct":
        return f"{value:.2%}"
    if kind == "level":
        return f"{value:{sign},.0f}"
    return f"{value:{sign}.4f}"


def run_lines(section: dict) -> list[str]:
    """The ``priorities`` section of one run (``analyze_run``) as lines."""
    lines = ["The ministry's five priorities"]
    for p in PRIORITIES:
        entry = section[p.key]
        sectors = f" (sectors {', '.join(entry['sectors'])})" if entry["sectors"] else ""
        lines.append(f"  ({p.rank}) {p.title}{sectors}")
        for measure, value in entry["measures"].items():
            lines.append(f"      {LABELS[measure][0]:<58} {formatted(measure, value)}")
    return lines


def store_lines(entry: dict) -> list[str]:
    """A scenario's priorities over a store's runs: mean and 5-95% range of each measure."""
    lines = ["  priorities"]
    for p in PRIORITIES:
        lines.append(f"    ({p.rank}) {p.title}")
        for measure, stats in entry.get(p.key, {}).items():
            lines.append(
                f"        {LABELS[measure][0]:<58} mean {formatted(measure, stats['mean'])} "
                f"[{formatted(measure, stats['q05'])}, {formatted(measure, stats['q95'])}] (n = {stats['n']})"
            )
    return lines


def comparison_lines(name: str, differences: dict) -> list[str]:
    """Paired differences of the priority measures, ``name`` minus the first scenario."""
    lines = [f"== priorities: {name} minus {differences['versus']}, run by run"]
    for p in PRIORITIES:
        lines.append(f"  ({p.rank}) {p.title}")
        for measure in p.measures:
            stats = differences.get(measure)
            if stats is None:
                continue
            lines.append(
                f"      {LABELS[measure][0]:<58} {formatted(measure, stats['mean'], True)} "
                f"+/- {formatted(measure, stats['se'], spread=True)} (n = {stats['n']})"
            )
    return lines
