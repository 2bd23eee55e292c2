"""Figures over provinces and sectors: tile-grid maps, the attainment heat map, the value chain.

Maps use the tile grid of :mod:`analysis.tilegrid` (one square a province). An economy whose
provinces are not Iran's 31 (a user's own data folder) gets the same values as sorted bars.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.report import quantities as q
from analysis.report.figure import Figure, new_figure, province_labels, province_order, to_png
from analysis.report.source import HELD_BACK, Source
from analysis.tilegrid import TILES, draw_tile_map

CONSTRAINT_COLOURS = {"inputs": "#b2182b", "imports": "#ef8a62", "energy": "#fddbc7", "readiness": "#cccccc"}
TOP = 12


def _province_panel(
    ax,
    values: pd.Series,
    source: Source,
    *,
    labels: str,
    cmap: str,
    vmin: float,
    vmax: float,
    title: str,
    value_format: str,
    colorbar_label: str,
) -> None:
    """A tile map of ``values`` by province, or sorted bars when the provinces have no tiles."""
    if set(values.index) <= set(TILES):
        draw_tile_map(
            ax,
            values,
            cmap=cmap,
            vmin=vmin,
            vmax=vmax,
            labels=labels,
            title=title,
            value_format=value_format,
            colorbar_label=colorbar_label,
        )
        return
    names = province_labels(source.provinces, labels)
    ordered = values.sort_values()
    ax.barh([names.get(c, c) for c in ordered.index], ordered.to_numpy(float), color="#4c72b0")
    ax.set_xlim(vmin, vmax)
    ax.set_xlabel(colorbar_label)
    ax.set_title(title, fontsize=10)


def _maps(name: str, title: str, sources: list[Source], compute, labels: str, **style) -> Figure:
    # One map a row, 10 inches wide: at the page's width (up to 1200 px) a tile's label is about
    # 10 px high (two maps side by side would halve it).
    fig = new_figure(10.0, 7.0 * len(sources))
    axes = np.atleast_1d(fig.subplots(len(sources), 1))
    data = {}
    for source, ax in zip(sources, axes, strict=True):
        values = compute(source)
        data[source.label] = values
        _province_panel(ax, values, source, labels=labels, title=source.label, **style)
    return Figure(name, title, to_png(fig), data)


def probability_map(sources: list[Source], labels: str = "en") -> Figure:
    """Tile map: the share of runs in which each province reaches its target."""
    return _maps(
        "map_probability",
        "Probability of reaching the provincial target",
        sources,
        q.province_probability,
        labels,
        cmap="RdYlGn",
        vmin=0.0,
        vmax=1.0,
        value_format="{:.0%}",
        colorbar_label="share of runs reaching the target",
    )


def idle_map(sources: list[Source], labels: str = "en") -> Figure:
    """Tile map: the share of each province's month-0 idle capacity recovered by the last month."""
    return _maps(
        "map_idle_recovered",
        "Idle capacity recovered",
        sources,
        q.idle_recovered,
        labels,
        cmap="RdYlGn",
        vmin=-1.0,
        vmax=1.0,
        value_format="{:.0%}",
        colorbar_label="1 - idle at the end / idle at month 0 (median run)",
    )


def attainment_heatmap(sources: list[Source], labels: str = "en") -> Figure | None:
    """Provinces x sectors: median attainment (growth / target; 1 = on target). None without cells."""
    import matplotlib as mpl

    matrices = {s.label: q.attainment_matrix(s) for s in sources}
    if any(m is None for m in matrices.values()):
        return None
    n_rows, n_cols = next(iter(matrices.values())).shape
    fig = new_figure(max(4.0, 1.6 + 0.2 * n_cols) * len(sources) + 2.2, max(3.0, 2.8 + 0.23 * n_rows))
    axes = np.atleast_1d(fig.subplots(1, len(sources), sharey=True))
    cmap = mpl.colormaps["RdYlGn"].with_extremes(bad="#e6e6e6", under="#67001f", over="#00441b")
    norm = mpl.colors.TwoSlopeNorm(vmin=0.0, vcenter=1.0, vmax=2.0)
    image = None
    for source, ax in zip(sources, axes, strict=True):
        order = [c for c in province_order(source.provinces) if c in matrices[source.label].index]
        matrix = matrices[source.label].loc[order]
        names = province_labels(source.provinces, labels)
        regions = source.provinces["region"].to_dict() if "region" in source.provinces else {}
        sectors = source.sectors["name"].to_dict()
        image = ax.imshow(np.ma.masked_invalid(matrix.to_numpy(float)), cmap=cmap, norm=norm, aspect="auto")
        ax.set_xticks(
            range(matrix.shape[1]),
            [_short(f"{c} {sectors.get(c, '')}", 28) for c in matrix.columns],
            fontsize=7,
            rotation=90,
        )
        ylabels = [f"{names.get(c, c)} ({regions[c]})" if c in regions else names.get(c, c) for c in matrix.index]
        ax.set_yticks(range(matrix.shape[0]), ylabels, fontsize=7)
        ax.set_xlabel("ISIC division")
        ax.set_ylabel("province (region), by region then population")
        ax.set_title(source.label, fontsize=10)
    fig.colorbar(image, ax=list(axes), shrink=0.6, extend="both", label="growth / target (median run); grey: no target")
    return Figure("heatmap_attainment", "Attainment by province and sector", to_png(fig), matrices)


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _held_bars(ax, table: pd.DataFrame, names: dict[str, str], title: str, xmax: float) -> None:
    top = table.head(TOP).iloc[::-1]
    left = np.zeros(len(top))
    for name in HELD_BACK:
        values = 100.0 * top[name].to_numpy(float)
        ax.barh([names.get(c, c) for c in top.index], values, left=left, color=CONSTRAINT_COLOURS[name], label=name)
        left += values
    ax.axvline(10.0, color="black", lw=0.8, ls=":")
    ax.set_xlim(0, xmax)
    ax.set_xlabel("% of output made by firms each constraint bound (months 1..T)")
    ax.set_title(title, fontsize=10)
    ax.tick_params(axis="y", labelsize=7)
    ax.grid(axis="x", alpha=0.3)


def value_chain(sources: list[Source], labels: str = "en") -> Figure:
    """The binding bottlenecks: sectors and provinces with the most output made bound by inputs and imports."""
    fig = new_figure(6.2 * len(sources), 7.6)
    axes = np.array(fig.subplots(2, len(sources), squeeze=False))
    data: dict = {"sector": {}, "province": {}}
    xmax = 100.0
    for s, source in enumerate(sources):
        sector_names = {c: _short(f"{c} {n}", 30) for c, n in source.sectors["name"].items()}
        for row, (level, names) in enumerate(
            (("sector", sector_names), ("province", province_labels(source.provinces, labels)))
        ):
            table = q.held_back(source, level)
            data[level][source.label] = table
            what = "Sectors (value chains)" if level == "sector" else "Provinces"
            _held_bars(axes[row, s], table, names, f"{what}: {source.label}", xmax)
    handles, names = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, names, loc="outside upper center", ncols=len(HELD_BACK), fontsize=8, title="bound by")
    return Figure("value_chain", "Value-chain bottlenecks", to_png(fig), data)
