"""The report's short readable text: a few sentences a figure, with the numbers they quote.

Every number quoted is wrapped as ``<span class="num" data-key=KEY data-source=LABEL
data-value=VALUE>``, so the exact value behind the rounded text can be read back from the HTML
(the tests check them against the store's metrics).
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from analysis.metrics.binomial import reach_probability
from analysis.report import quantities as q
from analysis.report.source import Source


def num(value: float, text: str, key: str, source: str = "") -> str:
    """A quoted number: rounded text, with the exact value in ``data-value``."""
    exact = "nan" if value is None or not np.isfinite(value) else repr(float(value))
    return (
        f'<span class="num" data-key="{html.escape(key)}" data-source="{html.escape(source)}" '
        f'data-value="{exact}">{html.escape(text)}</span>'
    )


# A single run is not a batch: phrases about runs, and their single-run wording.
SINGLE_RUN_WORDING = (
    (" in any run", ""),
    (" in every run", ""),
    ("nationally the median run recovers", "nationally the run recovers"),
    ("in the median run ", ""),
    (" (median run)", ""),
    (" (mean over runs)", ""),
    ("; mean over runs)", ")"),
    ("; mean over runs, in billion rials", "; in billion rials"),
    ("of the gross movement of value added (mean over runs)", "of the gross movement of value added"),
)


def worded_for(source: Source, text: str) -> str:
    """``text`` as written for a batch, or reworded for a single run (no medians or shares of runs)."""
    if source.kind != "run":
        return text
    for batch, single in SINGLE_RUN_WORDING:
        text = text.replace(batch, single)
    return text


def pct(value: float, digits: int = 1, sign: bool = False) -> str:
    """A fraction as a percentage (``0.082`` -> ``8.2%``); ``n/a`` for NaN."""
    if value is None or not np.isfinite(value):
        return "n/a"
    return f"{100 * value:{'+' if sign else ''}.{digits}f}%"


def _median(source: Source, key: str) -> float:
    values = source.metrics[key].astype(float).dropna()
    return float(values.median()) if len(values) else float("nan")


def _mean(source: Source, key: str) -> float:
    values = source.metrics[key].astype(float).dropna()
    return float(values.mean()) if len(values) else float("nan")


def describe_source(source: Source) -> str:
    """What was read: kind, runs, months, seeds, whether pairs were run."""
    name = html.escape(source.label)
    path = html.escape(str(source.path))
    months = f"{source.months:g}"
    if source.kind == "run":
        text = (
            f"<b>{name}</b>: a single run (<code>{path}</code>, seed {html.escape(source.metrics['seed'].iloc[0])}) "
            f"of {months} months. A single run is a batch of one: the bands of the fan charts collapse to a "
            "line and every probability is 0 or 1 (the target was reached or not)."
        )
    else:
        text = (
            f"<b>{name}</b>: {source.runs} run{'s' if source.runs != 1 else ''} of {months} months from the batch "
            f"store <code>{path}</code>"
            + (f" ({source.failed} failed runs left out)" if source.failed else "")
            + ". Bands show where 50% and 90% of the runs lie."
        )
        if q.deterministic(source):
            text += (
                " The scenario is deterministic (it draws no random number): every run would be identical, so its"
                " bands collapse to a line and every probability is 0 or 1, with certainty."
            )
        elif q.identical_runs(source):
            text += " All its runs follow the same path, so its bands collapse to a line."
    if not source.paired:
        text += " The shock-free pairs were not run, so growth is not split by origin."
    return f"<p>{text}</p>"


def headline(source: Source) -> str:
    """Probability of reaching the national, industry and mining annual targets in year 1, and median growth."""
    label = source.label
    period = "in the first year" if source.months >= 12 else f"over the {source.months:g} months, annualised,"
    parts = []
    for group, name in (("national", "the nation"), ("industry", "industry"), ("mining", "mining")):
        prob = reach_probability(source.metrics[f"reached_{group}"])
        target = float(source.metrics[f"target_{group}"].astype(float).median())
        growth = _median(source, f"growth_{group}")
        if source.kind == "run":  # one run: the target was reached or not, no probability
            verdict = "was reached" if prob["k"] else "was not reached"
            parts.append(
                f"<li>{name.capitalize()}: value added grew "
                f"{num(growth, pct(growth), f'growth_{group}', label)} {period}, against an annual target of "
                f"{num(target, pct(target), f'target_{group}', label)}: the target "
                f"{num(prob['p'], verdict, f'reached_{group}', label)}.</li>"
            )
            continue
        parts.append(
            f"<li>{name.capitalize()}: value added grew "
            f"{num(growth, pct(growth), f'growth_{group}', label)} {period} in the median run, against an annual "
            f"target of {num(target, pct(target), f'target_{group}', label)}; the target was reached in "
            f"{prob['k']} of {prob['n']} runs, a probability of "
            f"{num(prob['p'], pct(prob['p'], 0), f'reached_{group}', label)}"
            + _uncertainty(prob, q.deterministic(source))
            + ".</li>"
        )
    path = reach_probability(source.metrics.get("path_reached_national", pd.Series(dtype=float)))
    if path["n"] and source.kind == "run":
        where = "on or above" if path["k"] else "below"
        parts.append(
            f"<li>Over the whole {source.months:g} months, national value added ended {where} the compounded "
            "target path.</li>"
        )
    elif path["n"]:
        parts.append(
            f"<li>Over the whole {source.months:g} months, national value added ended on or above the compounded "
            f"target path in {path['k']} of {path['n']} runs" + _uncertainty(path, q.deterministic(source)) + ".</li>"
        )
    return f"<ul>{''.join(parts)}</ul>"


def _uncertainty(prob: dict, deterministic: bool) -> str:
    """The Wilson 95% interval of a probability over runs (none for a deterministic scenario)."""
    if deterministic:
        return " (the scenario is deterministic: every run would be identical, so this is certain)"
    if prob["n"] <= 1 or not np.isfinite(prob["p"]):
        return ""
    return f" (95% interval {pct(prob['low'], 0)} to {pct(prob['high'], 0)}, Wilson)"


def fan_text(source: Source) -> str:
    """Where the median and the band end, against the target path."""
    table = q.fan(source, "national")
    end = table.iloc[-1]
    median = float(end["q0.5"])
    quoted = num(median, f"{median:.1f}", "fan_national_median_end", source.label)
    if source.kind == "run":
        where = f"{quoted} (month 0 = 100)"
    else:
        where = (
            f"{quoted} (month 0 = 100) in the median run (90% of runs between {end['q0.05']:.1f} and "
            f"{end['q0.95']:.1f})"
        )
    return (
        f"<p>{html.escape(source.label)}: after {source.months:g} months national value added stands at {where}, "
        f"against {end['target']:.1f} on the compounded target path (dashed). A run reaches the annual target of "
        "its first year when it stands on or above the dashed line at month 12, and keeps to the target path when "
        "it ends on or above it.</p>"
    )


def _extremes(values: pd.Series, names: dict[str, str], k: int = 3) -> tuple[str, str]:
    ordered = values.dropna().sort_values()
    fmt = lambda items: ", ".join(f"{html.escape(names.get(c, c))} ({pct(v, 0)})" for c, v in items.items())  # noqa: E731
    return fmt(ordered.iloc[::-1].head(k)), fmt(ordered.head(k))


def maps_text(source: Source) -> str:
    """Provinces most and least likely to reach their targets."""
    names = source.provinces["name"].to_dict()
    probability = q.province_probability(source)
    reached = _mean(source, "reached_provinces")
    finite = probability.dropna()
    if len(finite) and (finite == finite.iloc[0]).all():
        which = (
            "no province reaches its target in any run"
            if finite.iloc[0] == 0
            else "every province reaches its target in every run"
        )
        ranking = f"Here {which}: the map is one colour; the heat map below shows how far from target each cell is."
    else:
        high, low = _extremes(probability, names)
        ranking = f"Most likely: {high}. Least likely: {low}."
    quoted = num(reached, pct(reached, 0), "reached_provinces", source.label)
    return f"<p>{html.escape(source.label)}: on average {quoted} of the provinces reach their targets. {ranking}</p>"


def idle_text(source: Source) -> str:
    """Idle capacity recovered, nationally and by province."""
    names = source.provinces["name"].to_dict()
    national = q.group_series(source, "national", "idle_capacity")
    share = float((1.0 - national.iloc[:, -1] / national.iloc[:, 0]).median())
    most, least = _extremes(q.idle_recovered(source), names)
    return (
        f"<p>{html.escape(source.label)}: nationally the median run recovers "
        f"{num(share, pct(share, 0), 'idle_recovered_national', source.label)} of the idle capacity of month 0 "
        f"(negative: more capacity idle than at the start). Most: {most}. Least: {least}.</p>"
    )


def heatmap_text(source: Source) -> str:
    """Cells on target in the median run, and the share of value added in cells reaching targets."""
    matrix = q.attainment_matrix(source)
    if matrix is None:
        return (
            f"<p>{html.escape(source.label)}: no heat map, because the store holds no province x sector cube; "
            "run the batch with <code>--detail province-sector</code>.</p>"
        )
    values = matrix.to_numpy(float)
    judged = int(np.isfinite(values).sum())
    on = int(np.sum(values[np.isfinite(values)] >= 1.0))
    cells = _mean(source, "reached_cells")
    return (
        f"<p>{html.escape(source.label)}: in the median run {on} of {judged} province x sector cells with a "
        f"positive target are on or above it; cells reaching their targets hold "
        f"{num(cells, pct(cells, 0), 'reached_cells', source.label)} of value added (mean over runs).</p>"
    )


def decomposition_text(source: Source) -> str:
    """Shares of growth by origin, or a plain statement that they are missing."""
    if not source.paired or source.metrics["endogenous_share"].isna().all():
        how = "<code>growthsim batch --paired</code>" if source.kind == "batch" else "a report without --no-pair"
        return (
            f"<p>{html.escape(source.label)}: the split of growth by origin is missing: it needs the shock-free "
            f"pair of every run (same seed, shocks off), which was not run. Use {how}.</p>"
        )
    parts = [
        f"{label} {num(_mean(source, key), pct(_mean(source, key), 0), key, source.label)}"
        for key, label in (
            ("idle_recovered_share", "idle capacity recovered"),
            ("new_capacity_share", "new capacity"),
            ("exogenous_share", "exogenous movement"),
        )
    ]
    endo = _mean(source, "endogenous_share")
    return (
        f"<p>{html.escape(source.label)}: of the gross movement of value added (mean over runs), "
        f"{', '.join(parts)}; the endogenous share is {num(endo, f'{endo:.2f}', 'endogenous_share', source.label)}. "
        "Negative shares are losses.</p>"
    )


def volatility_text(source: Source) -> str:
    """Median volatility, drawdown and recovery time; share of runs not recovered at the end."""
    vol = _median(source, "volatility_annual")
    drawdown = _median(source, "max_drawdown")
    months = _median(source, "recovery_months")
    open_end = _mean(source, "unrecovered")
    return (
        f"<p>{html.escape(source.label)}: in the median run year-on-year growth has a standard deviation of "
        f"{num(vol, pct(vol, 2), 'volatility_annual', source.label)}, the largest fall from a peak is "
        f"{num(drawdown, pct(drawdown), 'max_drawdown', source.label)} and the longest spell more than 1% below "
        f"the reference path lasts {num(months, f'{months:g} months', 'recovery_months', source.label)}; "
        + (
            f"{num(open_end, pct(open_end, 0), 'unrecovered', source.label)} of runs are still below it at the end.</p>"
            if source.kind == "batch"
            else f"at the end the run {num(open_end, 'is' if open_end else 'is not', 'unrecovered', source.label)} "
            "below it.</p>"
        )
    )


def inclusiveness_text(source: Source) -> str:
    """Theil at the start and the end, Gini, beta-convergence."""
    start, end = _median(source, "theil_start"), _median(source, "theil")
    gin, beta = _median(source, "gini"), _median(source, "beta_convergence")
    verdict = "lagging provinces catch up" if beta < 0 else "lagging provinces fall further behind"
    return (
        f"<p>{html.escape(source.label)}: the Theil index of value added per head across provinces goes from "
        f"{start:.3f} to {num(end, f'{end:.3f}', 'theil', source.label)} (median run); the Gini ends at "
        f"{num(gin, f'{gin:.3f}', 'gini', source.label)}. The convergence slope is "
        f"{num(beta, f'{beta:+.4f}', 'beta_convergence', source.label)}: {verdict}.</p>"
    )


def value_chain_text(source: Source) -> str:
    """Share of value chains with a binding bottleneck, the sectors bound most, and the output lost."""
    share = _mean(source, "bottleneck_share")
    table = q.held_back(source, "sector").head(3)
    names = source.sectors["name"].to_dict()
    worst = ", ".join(f"{html.escape(names.get(c, c))} ({pct(v, 0)})" for c, v in table["chain"].items())
    lost = q.output_lost(source, "national").iloc[0]
    parts = ", ".join(
        f"{name} {num(lost[name], f'{lost[name]:,.0f}', f'output_lost_to_{name}', source.label)} "
        f"({pct(lost[f'share_{name}'], 2)})"
        for name in ("readiness", "energy", "inputs", "imports")
    )
    return (
        f"<p>{html.escape(source.label)}: {num(share, pct(share, 0), 'bottleneck_share', source.label)} of the "
        "value chains (sectors) have a binding bottleneck (over 10% of their output made by firms whose binding "
        f"constraint was inputs or imports; mean over runs). Most output made bound along the chain: {worst}. "
        "Output lost over months 1..T (potential output, the least of planned output and installed capacity, "
        f"minus output, of the firms each constraint bound; mean over runs, in billion rials, and as a share "
        f"of potential output): {parts}. Readiness (operable capacity still to be brought back) and energy are "
        "shown for comparison; they are not value-chain bottlenecks.</p>"
    )
