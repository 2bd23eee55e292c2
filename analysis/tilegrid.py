"""A tile-grid map of Iran's 31 provinces: one equal square a province, neighbours kept together.

A tile grid trades shape for legibility: small provinces (Qom, Alborz, Tehran) get as much room as
Kerman or Sistan and Baluchestan, and every tile can carry a label and a colour. Provinces are the
ISO 3166-2:IR codes of the 2020 scheme, as in ``sim/data/provinces.csv``.

The layout (rows top to bottom, 7 columns; ``.`` empty)::

    IR-04 IR-03 IR-24 IR-01 IR-02 IR-27 IR-28     W.Azer E.Azer Ardabil Gilan Mazand. Golestan N.Khor.
    IR-12 IR-19 IR-26 IR-30 IR-23 IR-20 IR-09     Kurdistan Zanjan Qazvin Alborz Tehran Semnan Razavi
    IR-05 IR-13 IR-00 IR-25 IR-10 IR-21 IR-29     Kermanshah Hamadan Markazi Qom Isfahan Yazd S.Khor.
    IR-16 IR-15 IR-14 IR-17 IR-07 IR-08 IR-11     Ilam Lorestan Chaharmahal Kohgiluyeh Fars Kerman Sistan
      .   IR-06   .   IR-18   .   IR-22   .       Khuzestan Bushehr Hormozgan (the Gulf)

How it was chosen. A draft made by matching centroids to cells (Hungarian assignment, in
``shared/data/province_tilegrid_draft.txt``) spread the provinces over 8 x 7 cells with holes in
the middle and the Gulf provinces off the bottom row. The layout above (proposed by the lead
engineer, reviewed here) puts the Caspian provinces (Gilan, Mazandaran, Golestan) on the top row,
the Gulf provinces (Khuzestan, Bushehr, Hormozgan) on the bottom row, the Khorasans down the east
with Sistan and Baluchestan in the south-east, the Azerbaijans, Kurdistan, Kermanshah and Ilam down
the west, and Tehran among Alborz, Qom, Semnan and Mazandaran. It was checked against the centroids
(``lat``, ``lon`` in ``sim/data/provinces.csv``) and a list of 72 well-known land borders:

- 62 of the 72 bordering pairs touch on the grid (side or corner); the ten that do not are
  Markazi-Isfahan, Markazi-Tehran, Gilan-Zanjan, Mazandaran-Qazvin, Khuzestan-Kohgiluyeh,
  Khuzestan-Bushehr, Isfahan-Chaharmahal, Isfahan-Lorestan, Bushehr-Hormozgan, Semnan-Qom;
- no province is left of one whose centroid lies more than 1.5 degrees west of it;
- a province is drawn on a lower row than one whose centroid lies more than 1 degree south of it
  in five pairs only: Khuzestan below Fars, Kerman and Sistan and Baluchestan (the Gulf row), and
  Ilam and Lorestan below Yazd.

A simulated-annealing search over 5 x 7 grids with the same top and bottom rows, scored on those
borders and orientations, found at best 63 borders kept (one more), by swapping Qom and Isfahan:
that puts Isfahan under Alborz and west of Qom, whose centroid is 1.5 degrees west of Isfahan's.
It is not clearly better, so the layout above is kept as proposed.

Persian names. Matplotlib 3.11 and later lays out text with libraqm, which shapes Arabic script
(joining forms) and orders right-to-left runs; its bundled DejaVu Sans font has the Persian letters
(پ چ ژ گ ک ی). Older matplotlib draws Persian as disconnected letters in the wrong order, so
``labels="fa"`` requires matplotlib >= 3.11 (the ``report`` and ``viz`` extras ask for it).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

LAYOUT: tuple[tuple[str | None, ...], ...] = (
    ("IR-04", "IR-03", "IR-24", "IR-01", "IR-02", "IR-27", "IR-28"),
    ("IR-12", "IR-19", "IR-26", "IR-30", "IR-23", "IR-20", "IR-09"),
    ("IR-05", "IR-13", "IR-00", "IR-25", "IR-10", "IR-21", "IR-29"),
    ("IR-16", "IR-15", "IR-14", "IR-17", "IR-07", "IR-08", "IR-11"),
    (None, "IR-06", None, "IR-18", None, "IR-22", None),
)
"""Rows top (north) to bottom (south), columns west to east; ``None`` is an empty cell."""

TILES: dict[str, tuple[int, int]] = {
    code: (row, col) for row, cells in enumerate(LAYOUT) for col, code in enumerate(cells) if code is not None
}
"""Province code -> (row, column) of its tile."""

SHORT_EN: dict[str, str] = {
    "IR-00": "Markazi",
    "IR-01": "Gilan",
    "IR-02": "Mazandaran",
    "IR-03": "E. Azerb.",
    "IR-04": "W. Azerb.",
    "IR-05": "Kermanshah",
    "IR-06": "Khuzestan",
    "IR-07": "Fars",
    "IR-08": "Kerman",
    "IR-09": "Razavi Kh.",
    "IR-10": "Isfahan",
    "IR-11": "Sistan-Bal.",
    "IR-12": "Kurdistan",
    "IR-13": "Hamadan",
    "IR-14": "Chaharmahal",
    "IR-15": "Lorestan",
    "IR-16": "Ilam",
    "IR-17": "Kohgiluyeh",
    "IR-18": "Bushehr",
    "IR-19": "Zanjan",
    "IR-20": "Semnan",
    "IR-21": "Yazd",
    "IR-22": "Hormozgan",
    "IR-23": "Tehran",
    "IR-24": "Ardabil",
    "IR-25": "Qom",
    "IR-26": "Qazvin",
    "IR-27": "Golestan",
    "IR-28": "N. Khorasan",
    "IR-29": "S. Khorasan",
    "IR-30": "Alborz",
}
"""Short English labels that fit a tile."""

MISSING_COLOUR = "#d9d9d9"


def grid_neighbours(code: str) -> set[str]:
    """Provinces whose tiles touch ``code``'s tile, by a side or a corner."""
    row, col = TILES[code]
    return {other for other, (r, c) in TILES.items() if other != code and max(abs(r - row), abs(c - col)) == 1}


@lru_cache(maxsize=1)
def persian_names() -> dict[str, str]:
    """Persian names of the provinces (``name_fa`` of the packaged ``provinces.csv``)."""
    with resources.files("sim").joinpath("data/provinces.csv").open(encoding="utf-8") as handle:
        table = pd.read_csv(handle, dtype=str)
    return dict(zip(table["code"], table["name_fa"], strict=True))


def tile_labels(kind: str = "en") -> dict[str, str]:
    """Labels of the tiles: ``"en"`` (short English), ``"fa"`` (Persian) or ``"code"``.

    Raises:
        ValueError: On another kind.
        RuntimeError: For ``"fa"`` with matplotlib older than 3.11 (it cannot shape Persian).
    """
    if kind == "en":
        return dict(SHORT_EN)
    if kind == "code":
        return {code: code for code in TILES}
    if kind == "fa":
        _require_text_shaping()
        # Names of two words or more are broken into two lines so that they fit a tile.
        return {code: _two_lines(name) for code, name in persian_names().items()}
    raise ValueError(f"labels must be 'en', 'fa' or 'code', got {kind!r}")


def _two_lines(name: str) -> str:
    """Break a name of several words at the space nearest its middle."""
    spaces = [i for i, ch in enumerate(name) if ch == " "]
    if not spaces:
        return name
    cut = min(spaces, key=lambda i: abs(i - len(name) / 2))
    return f"{name[:cut]}\n{name[cut + 1 :]}"


def _require_text_shaping() -> None:
    import matplotlib

    major, minor = (int(part) for part in matplotlib.__version__.split(".")[:2])
    if (major, minor) < (3, 11):
        raise RuntimeError(
            f"Persian labels need matplotlib >= 3.11 (text shaping with libraqm); found {matplotlib.__version__}"
        )


def draw_tile_map(
    ax,
    values: pd.Series,
    *,
    cmap: str = "viridis",
    vmin: float | None = None,
    vmax: float | None = None,
    labels: str = "en",
    title: str | None = None,
    value_format: str | None = None,
    colorbar_label: str | None = None,
):
    """Colour each province's tile by its value, label it, and add a colour bar.

    Args:
        ax: A matplotlib ``Axes`` to draw into (its figure receives the colour bar).
        values: Values indexed by province code; provinces absent or NaN are drawn grey.
        cmap: A matplotlib colour map name.
        vmin: Value at the bottom of the colour map (default: the smallest value).
        vmax: Value at the top of the colour map (default: the largest value).
        labels: ``"en"``, ``"fa"`` or ``"code"`` (see :func:`tile_labels`).
        title: Title of the axes.
        value_format: If given (e.g. ``"{:.0%}"``), the value is written under the label.
        colorbar_label: Label of the colour bar. Values outside ``[vmin, vmax]`` take the end
            colours; the colour bar then has an arrow at that end and its label says where the
            colours stop and the most extreme value.

    Returns:
        The colour bar.

    Raises:
        ValueError: If ``values`` names a province that has no tile.
    """
    import matplotlib as mpl
    from matplotlib.patches import Rectangle

    unknown = sorted(set(values.index) - set(TILES))
    if unknown:
        raise ValueError(f"no tile for province code(s) {', '.join(map(str, unknown))}")
    text = tile_labels(labels)
    data = values.reindex(list(TILES)).astype(float)
    finite = data[np.isfinite(data)]
    low = float(finite.min()) if vmin is None and len(finite) else (0.0 if vmin is None else vmin)
    high = float(finite.max()) if vmax is None and len(finite) else (1.0 if vmax is None else vmax)
    if high <= low:
        high = low + 1.0
    norm = mpl.colors.Normalize(vmin=low, vmax=high)
    colormap = mpl.colormaps[cmap]
    n_rows, n_cols = len(LAYOUT), len(LAYOUT[0])
    gap = 0.06
    texts = []
    for code, (row, col) in TILES.items():
        value = data[code]
        known = bool(np.isfinite(value))
        face = colormap(norm(value)) if known else mpl.colors.to_rgba(MISSING_COLOUR)
        ax.add_patch(Rectangle((col + gap / 2, n_rows - 1 - row + gap / 2), 1 - gap, 1 - gap, facecolor=face, lw=0))
        label = text.get(code, code)
        if value_format is not None:
            label = f"{label}\n{value_format.format(value) if known else 'n/a'}"
        texts.append(
            ax.text(
                col + 0.5,
                n_rows - 1 - row + 0.5,
                label,
                ha="center",
                va="center",
                fontsize=6.5,
                color=_ink_for(face),
                linespacing=1.1,
            )
        )
    ax.set_xlim(0, n_cols)
    ax.set_ylim(0, n_rows)
    ax.set_aspect("equal")
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    mappable = mpl.cm.ScalarMappable(norm=norm, cmap=colormap)
    below, above = bool((finite < low).any()), bool((finite > high).any())
    extend = {(True, True): "both", (True, False): "min", (False, True): "max"}.get((below, above), "neither")
    label = colorbar_label or ""
    if below or above:  # say where the colours stop: the tiles' numbers keep the true values
        clipped = []
        if below:
            clipped.append(f"below {_fmt(low, value_format)} (lowest {_fmt(float(finite.min()), value_format)})")
        if above:
            clipped.append(f"above {_fmt(high, value_format)} (highest {_fmt(float(finite.max()), value_format)})")
        label = f"{label}\ncolours clipped {' and '.join(clipped)}".strip()
    bar = ax.figure.colorbar(mappable, ax=ax, shrink=0.7, label=label, extend=extend)
    _fit_text(ax, texts, n_rows, n_cols)
    return bar


def _fmt(value: float, value_format: str | None) -> str:
    return value_format.format(value) if value_format else f"{value:g}"


def _fit_text(ax, texts: list, n_rows: int, n_cols: int) -> None:
    """Size the labels so that the longest line fits its tile (a glyph is about 0.55 em wide)."""
    box = ax.get_position()
    width_in, height_in = ax.figure.get_size_inches()
    tile_points = 72 * min(box.width * width_in / n_cols, box.height * height_in / n_rows)
    longest = max(len(line) for t in texts for line in t.get_text().split("\n"))
    size = float(np.clip(0.85 * tile_points / (0.55 * max(longest, 4)), 3.0, 11.0))
    for t in texts:
        t.set_fontsize(size)


def _ink_for(face: tuple[float, float, float, float]) -> str:
    """Black text on light tiles, white on dark ones (relative luminance, ITU-R BT.709)."""
    r, g, b = face[:3]
    return "black" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.5 else "white"
