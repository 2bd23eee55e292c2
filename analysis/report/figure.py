"""A report figure: its name, title, PNG image and the numbers it shows.

Figures are drawn with matplotlib's object API on the Agg canvas (no pyplot, no display, no
global state) and kept as PNG bytes. Each keeps the data it plots in ``data`` so that tests and
users can check a figure's numbers against the metrics it illustrates.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

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
