"""Readable summaries of ``analyze_run`` and ``analyze_store`` results."""

from __future__ import annotations

import math

import pandas as pd

from analysis.metrics import priority_text


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


def run_summary(result: dict) -> str:
    """A few screens of text on one run's metrics."""
    run, att, endo = result["run"], result["attainment"], result["endogeneity"]
    stab, incl = result["stability"], result["inclusiveness"]
    lines = [
        f"{run['scenario']}: {run['months']:g} months, seed {run['seed']}, targets: {run['targets']}, "
        f"shock-free pair: {'yes' if run['paired'] else 'no'}",
        "",
        "Attainment: annual growth of value added against the target",
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
    parts = endo["components"]
    lines += [
        "",
        f"Endogeneity: value added per month changed by {_num(parts['total'], '{:+,.0f}')}",
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
        "Provinces",
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


def store_summary(result: dict) -> str:
    """Metric distributions over a store's runs, scenario by scenario."""
    store = result["store"]
    lines = [f"Monte Carlo store {store['path']}: {store['runs']} runs, {store['failed']} failed"]
    for name, entry in result["scenarios"].items():
        lines += ["", f"== {name}: {entry['runs']} runs ({entry['failed']} failed)"]
        for group, prob in entry["probability"].items():
            lines.append(
                f"  P(reach {group} target) = {_num(prob['p'], '{:.3f}')} +/- {_num(prob['se'], '{:.3f}')} "
                f"(n = {prob['n']})"
            )
        for section in ("attainment", "endogeneity", "stability", "inclusiveness"):
            rows = [{"metric": key, **stats} for key, stats in entry.get(section, {}).items()]
            if not rows:
                continue
            table = pd.DataFrame(rows)
            for column in ("mean", "std", "q05", "q50", "q95"):
                table[column] = table[column].map(lambda v: _num(v, "{:.4g}"))
            lines += [f"  {section}", "    " + table.to_string(index=False).replace("\n", "\n    ")]
        if "priorities" in entry:
            lines += priority_text.store_lines(entry["priorities"])
    for name, metrics in result.get("comparison", {}).items():
        lines += ["", f"== {name} minus {metrics['versus']}, run by run (common random numbers)"]
        for key, stats in metrics.items():
            if key == "versus":
                continue
            lines.append(
                f"  {key:<22} mean {_num(stats['mean'], '{:+.4g}')} +/- {_num(stats['se'], '{:.2g}')} "
                f"[{_num(stats['q05'], '{:+.4g}')}, {_num(stats['q95'], '{:+.4g}')}] (n = {stats['n']})"
            )
    for name, differences in result.get("priority_comparison", {}).items():
        lines += [""] + priority_text.comparison_lines(name, differences)
    return "\n".join(lines) + "\n"
