"""A report figure: its name, title, PNG image and the numbers it shows.

Figures are drawn with matplotlib's object API on the Agg canvas (no pyplot, no display, no
global state) and kept as PNG bytes. Each keeps the data it plots in ``data`` so that tests and
users can check a figure's numbers against the metrics it illustrates.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

DPI = 100
COLOURS = ("#1f77b4", "#d62728")
"""One colour a source (the first and the compared one)."""


@dataclass
class Figure:
    """A drawn figure.

    Attributes:
        name: File name stem (``fan_charts`` -> ``fan_charts.png``).
        title: Heading in the report.
        png: The image.
        data: The numbers drawn, by panel and source label.
        notes: Short plain statements about what is missing or special.
    """

    name: str
    title: str
    png: bytes
    data: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def new_figure(width: float, height: float):
    """A matplotlib figure on the Agg canvas, laid out with constrained layout."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure as MplFigure

    fig = MplFigure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def to_png(fig) -> bytes:
    """The figure as PNG bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def province_labels(provinces: pd.DataFrame, labels: str) -> dict[str, str]:
    """Short names of provinces: English (the tile map's short forms where known) or Persian.

    Raises:
        RuntimeError: For ``"fa"`` with a matplotlib that cannot shape Persian (before 3.11).
    """
    from analysis.tilegrid import SHORT_EN, tile_labels

    if labels == "fa":
        tile_labels("fa")  # checks that matplotlib shapes Persian
        return {code: str(name) for code, name in provinces["name_fa"].items()}
    return {code: SHORT_EN.get(code, str(name)) for code, name in provinces["name"].items()}


@lru_cache(maxsize=8)
def _history_months(data_dir: str) -> tuple[str, ...]:
    from sim.economy.cell_economy import load_economy

    return tuple(load_economy(data_dir).history_months)


def calendar_labels(source, months) -> list[str]:
    """Calendar labels (``Mar 2021``) of simulated months of a source's scenario."""
    from sim.economy.calendar import month_labels

    scenario = source.scenario
    history = list(_history_months(str(scenario.data_dir.resolve())))
    return month_labels(months, history, scenario.first_calendar_month)


def calendar_axis(ax, source, last_month: float) -> None:
    """Ticks once a year (month 0, 12, 24, ...) labelled with calendar months; the axis says so."""
    step = 12 if last_month > 24 else (6 if last_month > 6 else 1)
    ticks = np.arange(0, last_month + 1e-9, step)
    ax.set_xticks(ticks, calendar_labels(source, ticks), fontsize=8, rotation=30)
    ax.set_xlabel("month (0 = initial state)")


def province_order(provinces: pd.DataFrame) -> list[str]:
    """Province codes by region (alphabetical), then by population, largest first, within a region."""
    frame = provinces.copy()
    region = frame["region"].astype(str) if "region" in frame else pd.Series("", index=frame.index)
    population = frame["population"].astype(float) if "population" in frame else pd.Series(0.0, index=frame.index)
    order = pd.DataFrame({"region": region, "population": -population}).sort_values(["region", "population"])
    return list(order.index)
