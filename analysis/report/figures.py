"""Figures of paths and distributions: fan charts, growth decomposition, volatility, inclusiveness.

One function a figure; each takes the sources to show (one, or two side by side) and returns a
:class:`~analysis.report.figure.Figure` with the numbers it draws. The quantities are those of
:mod:`analysis.report.quantities`.
"""

from __future__ import annotations

import numpy as np

from analysis.report import quantities as q
from analysis.report.figure import COLOURS, Figure, calendar_axis, new_figure, province_labels, to_png
from analysis.report.source import Source

GROUP_TITLES = {"national": "Nation", "industry": "Industry (manufacturing)", "mining": "Mining"}
COMPONENT_LABELS = {
    "idle_recovered_share": "idle capacity\nrecovered",
    "new_capacity_share": "new\ncapacity",
    "exogenous_share": "exogenous\n(shocks, demand)",
}


def draw_fan(ax, table, colour: str, label: str | None = None) -> None:
    """Bands 5-95% and 25-75%, the median line and the target path of a fan table.

    A table whose bands have no width (one run, or runs that all follow one path) is drawn as one
    line, labelled ``label`` or "the run".
    """
    months = table.index.to_numpy(float)
    if np.allclose(table["q0.05"].to_numpy(float), table["q0.95"].to_numpy(float), equal_nan=True):
        ax.plot(months, table["q0.5"], color=colour, lw=1.8, label=label or "the run")
        if "target" in table:
            ax.plot(months, table["target"], color="black", lw=1.2, ls="--", label="target path")
        return
    ax.fill_between(months, table["q0.05"], table["q0.95"], color=colour, alpha=0.18, lw=0, label="5-95% of runs")
    ax.fill_between(months, table["q0.25"], table["q0.75"], color=colour, alpha=0.35, lw=0, label="25-75%")
    ax.plot(months, table["q0.5"], color=colour, lw=1.8, label=label or "median")
    if "target" in table:
        ax.plot(months, table["target"], color="black", lw=1.2, ls="--", label="target path")


def fan_charts(sources: list[Source]) -> Figure:
    """Value added of the nation, industry and mining (index, month 0 = 100) against the target path."""
    single = len(sources) == 1
    fig = new_figure(12.0, 3.6) if single else new_figure(11.0, 9.0)
    shape = (1, 3) if single else (3, 2)
    axes = np.array(fig.subplots(*shape, squeeze=False))
    data: dict = {}
    for g, group in enumerate(q.GROUPS):
        data[group] = {}
        row_axes = [axes[0, g]] if single else list(axes[g])
        for s, (source, ax) in enumerate(zip(sources, row_axes, strict=False)):
            table = q.fan(source, group)
            data[group][source.label] = table
            draw_fan(ax, table, COLOURS[s])
            name = GROUP_TITLES[group]
            ax.set_title(name if single else f"{name}: {source.label}", fontsize=10)
            calendar_axis(ax, source, float(table.index.max()))
            ax.grid(alpha=0.3)
            ax.legend(fontsize=7, loc="best")
        row_axes[0].set_ylabel("value added (month 0 = 100)")
        if not single:
            low = min(a.get_ylim()[0] for a in row_axes)
            high = max(a.get_ylim()[1] for a in row_axes)
            for a in row_axes:
                a.set_ylim(low, high)
    return Figure("fan_charts", "Value added against the target path", to_png(fig), data)


def decomposition_bars(sources: list[Source]) -> Figure:
    """Shares of growth by origin: idle capacity recovered, new capacity, exogenous (mean, 5-95%)."""
    fig = new_figure(7.5, 3.6)
    ax = fig.add_subplot()
    width = 0.8 / len(sources)
    data, notes = {}, []
    x = np.arange(len(q.COMPONENTS))
    for s, source in enumerate(sources):
        table = q.decomposition(source)
        data[source.label] = table
        if table["runs"].max() == 0:
            notes.append(f"{source.label}: no split (the shock-free pairs were not run)")
            continue
        mean = table["mean"].to_numpy(float)
        err = np.vstack([mean - table["q0.05"].to_numpy(float), table["q0.95"].to_numpy(float) - mean]).clip(0.0)
        ax.bar(x + (s - (len(sources) - 1) / 2) * width, mean, width * 0.95, color=COLOURS[s], label=source.label)
        ax.errorbar(x + (s - (len(sources) - 1) / 2) * width, mean, yerr=err, fmt="none", ecolor="black", lw=1)
    ax.axhline(0.0, color="black", lw=0.8)
    ax.set_xticks(x, [COMPONENT_LABELS[c] for c in q.COMPONENTS])
    ax.set_ylabel("share of the gross movement of value added")
    ax.grid(axis="y", alpha=0.3)
    if len(notes) < len(sources):
        ax.legend(fontsize=8)
    if notes:
        ax.text(0.5, 0.5, "not available:\nrun the batch with --paired", transform=ax.transAxes, ha="center")
    return Figure("decomposition", "Where growth came from", to_png(fig), data, notes)


def _histogram(ax, values_by_label: dict[str, np.ndarray], xlabel: str, percent: bool = False) -> None:
    finite = [v[np.isfinite(v)] for v in values_by_label.values()]
    allv = np.concatenate(finite) if finite else np.zeros(0)
    if allv.size == 0:
        ax.text(0.5, 0.5, "no values", transform=ax.transAxes, ha="center")
        return
    low, high = float(allv.min()), float(allv.max())
    if high - low < 1e-12:
        low, high = low - 0.5 * max(abs(low), 1e-3), high + 0.5 * max(abs(high), 1e-3)
    edges = np.linspace(low, high, 26)
    scale = 100.0 if percent else 1.0
    for s, (label, values) in enumerate(values_by_label.items()):
        values = values[np.isfinite(values)]
        weights = np.full(values.size, 1.0 / max(values.size, 1))
        ax.hist(values * scale, bins=edges * scale, weights=weights, color=COLOURS[s], alpha=0.55, label=label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("share")
    ax.grid(alpha=0.3)


def volatility(sources: list[Source]) -> Figure:
    """Distributions of year-on-year growth, of the maximum drawdown and of the recovery time."""
    fig = new_figure(12.0, 3.4)
    axes = fig.subplots(1, 3)
    growth = {s.label: q.annual_growth_rates(s) for s in sources}
    drawdown = {s.label: s.metrics["max_drawdown"].to_numpy(float) for s in sources}
    recovery = {s.label: s.metrics["recovery_months"].to_numpy(float) for s in sources}
    _histogram(axes[0], growth, "year-on-year growth of national value added, %", percent=True)
    axes[0].set_title("Annual growth rates (all runs, all months)", fontsize=10)
    _histogram(axes[1], drawdown, "maximum drawdown of national value added, %", percent=True)
    axes[1].set_title("Largest fall from a peak, by run", fontsize=10)
    _histogram(axes[2], recovery, "months more than 1% below the reference path")
    axes[2].set_title("Longest recovery time, by run", fontsize=10)
    for ax in axes:
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=7, title="runs of", title_fontsize=7)
    data = {"annual_growth": growth, "max_drawdown": drawdown, "recovery_months": recovery}
    notes = []
    if all(v.size == 0 for v in growth.values()):
        notes.append("the runs are shorter than 13 months, so there is no year-on-year growth")
    return Figure("volatility", "Stability: growth rates, drawdowns, recovery", to_png(fig), data, notes)


def _convergence_panel(ax, points, source: Source, colour: str, labels: str) -> None:
    """Scatter of value added per head at month 0 (log) against annual growth, with the OLS line."""
    # billion rials per person -> million rials per person
    x, y = 1e3 * points["va_per_head_start"].to_numpy(float), 100.0 * points["growth"].to_numpy(float)
    ax.scatter(x, y, s=20, color=colour, zorder=3, label="a province")
    ok = np.isfinite(x) & np.isfinite(y) & (x > 0)
    if ok.sum() >= 2:
        slope, intercept = np.polyfit(np.log(x[ok]), y[ok], 1)
        grid = np.linspace(np.log(x[ok].min()), np.log(x[ok].max()), 20)
        ax.plot(np.exp(grid), intercept + slope * grid, color=colour, lw=1, ls=":", label="least-squares line")
    names = province_labels(source.provinces, labels)
    for code, xi, yi in zip(points.index, x, y, strict=True):
        if np.isfinite(xi) and np.isfinite(yi):
            ax.annotate(names.get(code, code), (xi, yi), fontsize=6.5, xytext=(3, 2), textcoords="offset points")
    ax.set_xscale("log")
    ax.set_xlabel("value added per head at month 0 (million rials a month, log scale)")
    ax.legend(fontsize=7, loc="best")
    ax.set_ylabel("annual growth of value added, %\n(median run)")
    ax.set_title(f"Convergence: {source.label}", fontsize=10)
    ax.grid(alpha=0.3)


def inclusiveness(sources: list[Source], labels: str = "en") -> Figure:
    """Theil and Gini of value added per head over time, and the convergence scatter."""
    fig = new_figure(12.0, 8.4)
    grid = fig.add_gridspec(2, 2 * len(sources))
    half = len(sources)
    axes = [fig.add_subplot(grid[0, :half]), fig.add_subplot(grid[0, half:])]
    data: dict = {"theil": {}, "gini": {}, "convergence": {}}
    for s, source in enumerate(sources):
        paths = q.inequality_paths(source)
        for k, key in enumerate(("theil", "gini")):
            table = q.bands(paths[key])
            data[key][source.label] = table
            draw_fan(axes[k], table, COLOURS[s], label=source.label)
        points = q.convergence(source)
        data["convergence"][source.label] = points
        span = slice(0, 2) if len(sources) == 1 else slice(2 * s, 2 * s + 2)
        _convergence_panel(fig.add_subplot(grid[1, span]), points, source, COLOURS[s], labels)
    for ax, name in zip(axes, ("Theil T", "Gini"), strict=True):
        ax.set_title(f"{name} of value added per head across provinces", fontsize=10)
        calendar_axis(ax, sources[0], max(float(t.index.max()) for t in data[name.split()[0].lower()].values()))
        ax.grid(alpha=0.3)
        handles, names = ax.get_legend_handles_labels()
        keep = [i for i, n in enumerate(names) if n in data["theil"] or i < 2]
        ax.legend([handles[i] for i in keep], [names[i] for i in keep], fontsize=7)
    return Figure("inclusiveness", "Inclusiveness: inequality across provinces", to_png(fig), data)
