"""Readable summaries of ``analyze_run`` and ``analyze_store`` results."""

from __future__ import annotations

import math

import pandas as pd

from analysis.metrics import priority_text
from analysis.metrics.binomial import interval_text
from analysis.metrics.formats import metric


def _pct(value: object, signed: bool = True) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "n/a"
    return f"{value:+.2%}" if signed else f"{value:.2%}"


def _num(value: object, fmt: str = "{:.3f}") -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "n/a"
    return fmt.format(value)


def _yes(value: object) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "n/a"
    return "yes" if value else "no"


def year_lines(att: dict) -> list[str]:
    """Each year's national growth against the target, and the path against the compounded target."""
    years = att.get("by_year") or []
    if not years:
        return []
    lines = ["  year by year (nation): growth in the year vs target; path since month 0 vs compounded target"]
    for item in years:
        nation, path = item["nation"], item["path"]["nation"]
        lines.append(
            f"    year {item['year']}: {_pct(nation['growth'])} vs {_pct(nation['target'])} "
            f"(attainment {_num(nation['attainment'], '{:.2f}')}); path {_pct(path['growth'])} vs "
            f"{_pct(path['target'])} (attainment {_num(path['attainment'], '{:.2f}')})"
        )
    lines.append(
        f"  over the whole run: {_pct(att['path_growth_national'])} a year; cumulative attainment "
        f"{_num(att['path_attainment_national'], '{:.2f}')}; on or above the target path at the end: "
        f"{_yes(att['path_reached_national'])}"
    )
    return lines


def run_summary(result: dict) -> str:
    """A few screens of text on one run's metrics."""
    run, att, endo = result["run"], result["attainment"], result["endogeneity"]
    stab, incl = result["stability"], result["inclusiveness"]
    lines = [
        f"{run['scenario']}: {run['months']:g} months, seed {run['seed']}, targets: {run['targets']}, "
        f"shock-free pair: {'yes' if run['paired'] else 'no'}",
        "",
        f"Attainment: growth of value added against the annual target, {att['headline']['period']}",
    ]
    for group, values in att["groups"].items():
        lines.append(
            f"  {group:<9} growth {_pct(values['growth'])}  target {_pct(values['target'])}  "
            f"attainment {_num(values['attainment'], '{:.2f}')}  reached {_yes(values['reached'])}"
        )
    lines.append(
        f"  provinces reaching their target: {_pct(att['reached_provinces'], False)}; "
        f"value added in cells reaching theirs: {_pct(att['reached_cells'], False)}"
    )
    lines += year_lines(att)
    parts = endo["components"]
    unpaired = "" if run["paired"] else " (shares n/a: the shock-free pair was not run; analyze without --no-pair)"
    lines += [
        "",
        f"Endogeneity: value added per month changed by {_num(parts['total'], '{:+,.0f}')}{unpaired}",
        f"  idle capacity recovered {_num(parts['idle_recovered'], '{:+,.0f}')} "
        f"(share {_num(endo['idle_recovered_share'], '{:.2f}')})",
        f"  new capacity            {_num(parts['new_capacity'], '{:+,.0f}')} "
        f"(share {_num(endo['new_capacity_share'], '{:.2f}')}; beyond initial installed capacity "
        f"{_num(parts['new_installed'], '{:+,.0f}')})",
        f"  exogenous movement      {_num(parts['exogenous'], '{:+,.0f}')} "
        f"(share {_num(endo['exogenous_share'], '{:.2f}')})",
        f"  endogenous share {_num(endo['endogenous_share'], '{:.2f}')}; persistence "
        f"{_num(endo['persistence'], '{:.2f}')}; fell below start: {_yes(endo['reversal'])}; "
        f"provinces that did: {_pct(endo['reversal_provinces'], False)}",
        "",
        f"Stability (recovery measured against the {stab['reference']})",
        f"  volatility of growth: monthly {_pct(stab['volatility_monthly'], False)}, "
        f"year-on-year {_pct(stab['volatility_annual'], False)}; downside semi-deviation "
        f"{_pct(stab['downside_semideviation'], False)}",
        f"  maximum drawdown {_pct(stab['max_drawdown'], False)}; contractions {_num(stab['contractions'], '{:.0f}')}; "
        f"longest recovery {_num(stab['recovery_months'], '{:.0f}')} months"
        f"{' (not recovered by the end)' if stab['unrecovered'] else ''}; output lost "
        f"{_pct(stab['output_lost'], False)}",
        f"  skewness {_num(stab['skewness'], '{:.2f}')}, excess kurtosis {_num(stab['kurtosis'], '{:.2f}')}",
        "",
        "Inclusiveness: value added per head across provinces",
        f"  Theil T {_num(incl['theil'], '{:.4f}')} (between regions {_num(incl['theil_between'], '{:.4f}')}, "
        f"within {_num(incl['theil_within'], '{:.4f}')}; at start {_num(incl['theil_start'], '{:.4f}')}); "
        f"Gini {_num(incl['gini'], '{:.4f}')}",
        f"  CV of provincial growth {_num(incl['cv_provincial_growth'], '{:.2f}')}; beta-convergence "
        f"{_num(incl['beta_convergence'], '{:+.4f}')} (negative: lagging provinces grow faster)",
        f"  jobs created {_num(incl['jobs_created'], '{:+,.0f}')}, of which in lagging provinces "
        f"{_pct(incl['jobs_lagging_share'], False)}; value chains with a binding bottleneck "
        f"{_pct(incl['bottleneck_share'], False)} {incl['bottleneck_sectors'] or ''}",
        "",
    ]
    if "priorities" in result:
        lines += priority_text.run_lines(result["priorities"]) + [""]
    lines += [
        f"Provinces ({att['headline']['period']})",
    ]
    provinces = pd.DataFrame(att["provinces"])
    if not provinces.empty:
        table = provinces[["province", "name", "growth", "target", "reached", "jobs_created"]].copy()
        table["growth"] = table["growth"].map(_pct)
        table["target"] = table["target"].map(_pct)
        table["reached"] = table["reached"].map(_yes)
        table["jobs_created"] = table["jobs_created"].map(lambda v: _num(v, "{:+,.0f}"))
        lines.append(table.to_string(index=False))
    return "\n".join(lines) + "\n"


GROUP_NAMES = ("national", "industry", "mining")
SHOWN_ABOVE = tuple(
    f"{kind}_{group}" for kind in ("growth", "target", "reached", "path_reached") for group in GROUP_NAMES
)
HINTS = {
    "endogeneity": "they need the shock-free pair of every run: run the batch with --paired",
}


def _probability(prob: dict, deterministic: bool) -> str:
    if deterministic and prob["n"]:
        return f"{prob['p']:.0%} (certain)"
    return interval_text(prob)


def _distribution(key: str, stats: dict) -> str:
    if stats["n"] == 1:
        return f"{metric(key, stats['mean'])} (one run)"
    return (
        f"median {metric(key, stats['q50'])} [5%: {metric(key, stats['q05'])}, 95%: {metric(key, stats['q95'])}]; "
        f"mean {metric(key, stats['mean'])}, sd {metric(key, stats['std']).lstrip('+')} (n = {stats['n']})"
    )


def _headline_lines(entry: dict, deterministic: bool) -> list[str]:
    att = entry.get("attainment", {})
    lines = ["  Year 1 (the headline): growth of value added against the annual target"]
    for group in GROUP_NAMES:
        if f"growth_{group}" not in att:
            continue
        target = att.get(f"target_{group}", {}).get("q50")
        lines.append(
            f"    {group:<9} growth {_distribution(f'growth_{group}', att[f'growth_{group}'])}; "
            f"target {metric('target', target)}"
        )
        if group in entry["probability"]:
            prob = _probability(entry["probability"][group], deterministic)
            lines.append(f"      P(reach the target in year 1) = {prob}")
    years = entry.get("by_year", [])
    if years:
        lines.append("  year by year (nation): median growth in the year vs target, P(reach); path since month 0")
    for item in years:
        lines.append(
            f"    year {item['year']}: {metric('growth', item['growth']['q50'])} vs "
            f"{metric('target', item['target'])}, P = {_probability(item['probability'], deterministic)}; "
            f"path {metric('growth', item['path_growth']['q50'])} vs compounded "
            f"{metric('target', item['path_target'])}, P = {_probability(item['path_probability'], deterministic)}"
        )
    if "national" in entry.get("path_probability", {}):
        lines.append(
            "  P(nation on or above the compounded target path at the end) = "
            + _probability(entry["path_probability"]["national"], deterministic)
        )
    return lines


def _scenario_lines(name: str, entry: dict) -> list[str]:
    deterministic = bool(entry.get("deterministic"))
    runs = f"{entry['runs']} run{'s' if entry['runs'] != 1 else ''}"
    lines = ["", f"== {name}: {runs} ({entry['failed']} failed)"]
    if deterministic:
        lines.append("  deterministic: every run would be identical (the scenario draws no random number); run once")
    lines += _headline_lines(entry, deterministic)
    for section in ("attainment", "endogeneity", "stability", "inclusiveness"):
        stats = {key: values for key, values in entry.get(section, {}).items() if key not in SHOWN_ABOVE}
        if not stats:
            continue
        defined = {key: values for key, values in stats.items() if values["n"]}
        lines.append(f"  {section}")
        width = max(len(key) for key in stats)
        lines += [f"    {key:<{width}}  {_distribution(key, values)}" for key, values in defined.items()]
        undefined = [key for key in stats if key not in defined]
        if undefined:
            why = HINTS.get(section, "no run defines them")
            lines.append(f"    n/a: {', '.join(undefined)} ({why})")
    return lines


def _difference(key: str, value: object) -> str:
    text = metric(key, value)
    return text if text.startswith(("+", "-", "n/a")) else "+" + text


def store_summary(result: dict) -> str:
    """Metric distributions over a store's runs, scenario by scenario, as the single-run summary reads."""
    store = result["store"]
    lines = [
        f"Monte Carlo store {store['path']}: {store['runs']} run{'s' if store['runs'] != 1 else ''}, "
        f"{store['failed']} failed; "
        "probabilities with their Wilson 95% intervals"
    ]
    for name, entry in result["scenarios"].items():
        lines += _scenario_lines(name, entry)
        if "priorities" in entry:
            lines += priority_text.store_lines(entry["priorities"])
    for name, metrics in result.get("comparison", {}).items():
        lines += ["", f"== {name} minus {metrics['versus']}, run by run (common random numbers)"]
        for key, stats in metrics.items():
            if key == "versus":
                continue
            if not stats["n"]:
                why = HINTS["endogeneity"] if key.endswith("share") else "no pair of runs defines it"
                lines.append(f"  {key:<22} n/a ({why})")
                continue
            lines.append(
                f"  {key:<22} mean {_difference(key, stats['mean'])} (standard error "
                f"{metric(key, stats['se']).lstrip('+')}) [5%: {_difference(key, stats['q05'])}, "
                f"95%: {_difference(key, stats['q95'])}] (n = {stats['n']})"
            )
    for name, differences in result.get("priority_comparison", {}).items():
        lines += [""] + priority_text.comparison_lines(name, differences)
    if store.get("detail", "summary") != "province-sector":
        lines += [
            "",
            "Provinces x sectors: not stored; run the batch with --detail province-sector for the cell heat map "
            "and the cells that lost the most output to inputs and imports (growthsim report).",
        ]
    return "\n".join(lines) + "\n"
