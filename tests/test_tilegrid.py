"""The province tile grid: every province once, neighbours where a reader expects them, true colours."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import tilegrid
from analysis.tilegrid import LAYOUT, TILES, grid_neighbours

mpl = pytest.importorskip("matplotlib")
mpl.use("Agg")
import matplotlib.image  # noqa: E402

PROVINCES = pd.read_csv(Path(__file__).parent.parent / "sim" / "data" / "provinces.csv").set_index("code")


def test_every_province_has_exactly_one_tile():
    placed = [code for row in LAYOUT for code in row if code is not None]
    assert sorted(placed) == sorted(PROVINCES.index)
    assert len(placed) == len(set(placed)) == 31
    assert len(set(TILES.values())) == 31  # no two provinces on one tile
    assert all(len(row) == len(LAYOUT[0]) for row in LAYOUT)


def test_neighbours_a_reader_expects():
    assert {"IR-30", "IR-25", "IR-20", "IR-02"} <= grid_neighbours("IR-23")  # Tehran
    bottom = len(LAYOUT) - 1
    assert {TILES[c][0] for c in ("IR-06", "IR-18", "IR-22")} == {bottom}  # the Gulf
    assert {TILES[c][0] for c in ("IR-01", "IR-02", "IR-27")} == {0}  # the Caspian
    east = len(LAYOUT[0]) - 1
    assert [TILES[c] for c in ("IR-28", "IR-09", "IR-29", "IR-11")] == [(r, east) for r in range(4)]
    assert [TILES[c][1] for c in ("IR-04", "IR-12", "IR-05", "IR-16")] == [0, 0, 0, 0]  # the west
    assert "IR-03" in grid_neighbours("IR-04") and "IR-24" in grid_neighbours("IR-03")
    assert {"IR-10", "IR-21", "IR-08"} <= grid_neighbours("IR-07")  # Fars
    assert {"IR-08", "IR-22"} <= grid_neighbours("IR-11")  # Sistan and Baluchestan


def test_rows_and_columns_follow_centroids_west_to_east():
    # No province is drawn left of one whose centroid is more than 1.5 degrees west of it.
    lon = PROVINCES["lon"]
    for a, (_, col_a) in TILES.items():
        for b, (_, col_b) in TILES.items():
            if lon[a] - lon[b] > 1.5:
                assert col_a >= col_b, (a, b)


def render(values: pd.Series, tmp_path, **kwargs) -> np.ndarray:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7, 4), dpi=100)
    ax = fig.add_subplot()
    tilegrid.draw_tile_map(ax, values, **kwargs)
    path = tmp_path / "map.png"
    fig.savefig(path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    image = matplotlib.image.imread(path)
    return fig, ax, image


def tile_pixel(fig, ax, image: np.ndarray, code: str) -> np.ndarray:
    """The colour at a tile's lower-left corner area (clear of the label)."""
    row, col = TILES[code]
    n_rows = len(LAYOUT)
    x, y = ax.transData.transform((col + 0.12, n_rows - 1 - row + 0.12))
    height = image.shape[0]
    return image[int(round(height - y)), int(round(x)), :3]


def test_png_tile_colours_match_values(tmp_path):
    values = pd.Series(np.linspace(0.0, 1.0, 31), index=sorted(TILES))
    values["IR-25"] = np.nan  # Qom missing
    fig, ax, image = render(values, tmp_path, cmap="viridis", vmin=0.0, vmax=1.0, labels="code", title="test")
    cmap = mpl.colormaps["viridis"]
    for code in ("IR-00", "IR-11", "IR-23", "IR-22", "IR-30"):
        expected = np.array(cmap(values[code])[:3])
        assert np.abs(tile_pixel(fig, ax, image, code) - expected).max() < 2.5 / 255, code
    grey = np.array(mpl.colors.to_rgb(tilegrid.MISSING_COLOUR))
    assert np.abs(tile_pixel(fig, ax, image, "IR-25") - grey).max() < 2.5 / 255
    # The colour bar spans vmin..vmax.
    bar_axes = [a for a in fig.axes if a is not ax]
    assert len(bar_axes) == 1 and bar_axes[0].get_ylim() == pytest.approx((0.0, 1.0))


def test_default_range_is_the_data_range(tmp_path):
    values = pd.Series({"IR-23": 5.0, "IR-10": 15.0, "IR-07": 10.0})
    fig, ax, image = render(values, tmp_path, cmap="Greys")
    cmap = mpl.colormaps["Greys"]
    for code, level in (("IR-23", 0.0), ("IR-10", 1.0), ("IR-07", 0.5)):
        assert np.abs(tile_pixel(fig, ax, image, code) - np.array(cmap(level)[:3])).max() < 2.5 / 255


def test_unknown_province_is_an_error():
    from matplotlib.figure import Figure

    ax = Figure().add_subplot()
    with pytest.raises(ValueError, match="IR-99"):
        tilegrid.draw_tile_map(ax, pd.Series({"IR-99": 1.0}))
    with pytest.raises(ValueError, match="labels"):
        tilegrid.draw_tile_map(ax, pd.Series({"IR-23": 1.0}), labels="xx")


def rasterise(text: str) -> np.ndarray:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(2, 1), dpi=100)
    FigureCanvasAgg(fig)
    fig.text(0.5, 0.5, text, ha="center", va="center", fontsize=20)
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba())[..., 0].copy()


@pytest.mark.skipif(
    tuple(int(p) for p in mpl.__version__.split(".")[:2]) < (3, 11), reason="Persian shaping needs matplotlib >= 3.11"
)
def test_persian_names_are_shaped_and_every_glyph_exists(tmp_path):
    # Shaped text draws the contextual forms, right to left: Qom (قم) is initial qaf then final
    # meem (U+FED7 U+FEE2), Yazd (یزد) initial yeh, final zain, isolated dal (U+FBFE U+FEB0 U+FEA9).
    assert np.array_equal(rasterise("قم"), rasterise("\ufed7\ufee2"))
    assert np.array_equal(rasterise("یزد"), rasterise("\ufbfe\ufeb0\ufea9"))
    assert not np.array_equal(rasterise("قم"), rasterise("\ufed5\ufee1"))  # isolated forms differ
    labels = tilegrid.tile_labels("fa")
    assert labels["IR-25"] == "قم" and labels["IR-11"].replace("\n", " ") == "سیستان و بلوچستان"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font" would fail the test
        render(PROVINCES["lat"], tmp_path, labels="fa", value_format="{:.1f}")
