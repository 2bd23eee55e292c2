"""Iran's recorded history, as packaged in ``sim/data/history`` (every row with its source).

Tables (see ``sim/data/history/SOURCES.md``):

- ``growth.csv``: annual growth rates in percent by series and year (industry-and-mining value
  added, the SCI production indices of manufacturing and of mining, GDP in two World Bank vintages);
- ``facts.csv``: dated facts (exchange rates, imports, steel and cement output, energy cuts), one
  number a row with its source, where it was read, and a note on its quality;
- ``episodes.csv``: the four episodes, their scenario files and the measures they are judged by;
- ``provincial_targets.csv``: the provincial growth targets of the 1401 budget bill, by ``scope``
  (``economy``, ``industry``, ``mining``; :mod:`analysis.history.recorded_targets`).

An episode's recorded *swing* in year ``k`` (1 = the year the shock hits) for a measure is its
growth that year minus its growth in the year before the episode,
``swing_k = g(y_1 + k - 1) - g(y_1 - 1)`` in points: the growth of the year before stands in for
the growth the economy would have had without the shock (its shock-free twin). A measure whose
year before (or year ``k``) is not recorded gives no swing; it is reported as missing, never filled.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

HISTORY_DIR = Path(__file__).resolve().parent.parent.parent / "sim" / "data" / "history"


def history_dir() -> Path:
    """The packaged folder of recorded data."""
    return HISTORY_DIR


def _read(name: str, folder: Path | None = None) -> pd.DataFrame:
    path = (folder or HISTORY_DIR) / name
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def growth_table(folder: Path | None = None) -> pd.DataFrame:
    """``growth.csv`` with ``year_gregorian`` as int and ``growth_pct`` as float."""
    table = _read("growth.csv", folder)
    table["year_gregorian"] = table["year_gregorian"].astype(int)
    table["growth_pct"] = table["growth_pct"].astype(float)
    return table


def facts_table(folder: Path | None = None) -> pd.DataFrame:
    """``facts.csv``: every dated fact with its source (values kept as text, as recorded)."""
    return _read("facts.csv", folder)


def provincial_targets(folder: Path | None = None) -> pd.DataFrame:
    """``provincial_targets.csv`` with ``target_pct`` as float (NaN where the source gives none)."""
    table = _read("provincial_targets.csv", folder)
    table["target_pct"] = pd.to_numeric(table["target_pct"].replace("", np.nan))
    return table


@dataclass(frozen=True)
class Episode:
    """One recorded episode.

    Attributes:
        name: Key of the episode (e.g. ``2012_currency_sanctions``).
        scenario: File name of its scenario in ``scenarios/history``.
        first_year: Gregorian year in which the Iranian year of the shock starts (year 1).
        measures: Series of ``growth.csv`` it is judged by.
        description: One line on what happened.
    """

    name: str
    scenario: str
    first_year: int
    measures: tuple[str, ...]
    description: str


def episodes(folder: Path | None = None) -> list[Episode]:
    """The episodes of ``episodes.csv``, in file order."""
    table = _read("episodes.csv", folder)
    return [
        Episode(row.episode, row.scenario, int(row.first_year), tuple(row.measures.split()), row.description)
        for row in table.itertuples()
    ]


def series_growth(growth: pd.DataFrame, series: str, year: int) -> float:
    """Growth in percent of ``series`` in Gregorian ``year`` (NaN when not recorded)."""
    hit = growth[(growth["series"] == series) & (growth["year_gregorian"] == year)]
    return float(hit["growth_pct"].iloc[0]) if len(hit) else float("nan")


def recorded_swings(episode: Episode, growth: pd.DataFrame | None = None, years: int = 2) -> pd.DataFrame:
    """Swings of every measure of an episode, year by year (see the module docstring).

    Returns:
        One row per measure x year: ``episode, measure, year, growth_pct, before_pct, swing``
        (``swing`` NaN where a needed year is not recorded).
    """
    growth = growth_table() if growth is None else growth
    rows = []
    for measure in episode.measures:
        before = series_growth(growth, measure, episode.first_year - 1)
        for k in range(1, years + 1):
            now = series_growth(growth, measure, episode.first_year + k - 1)
            rows.append(
                {
                    "episode": episode.name,
                    "measure": measure,
                    "year": k,
                    "growth_pct": now,
                    "before_pct": before,
                    "swing": now - before,
                }
            )
    return pd.DataFrame(rows)


def recorded_range(episode: Episode, year: int, growth: pd.DataFrame | None = None) -> tuple[float, float, int]:
    """``(low, high, measures)``: the range of the recorded swings in ``year`` over the measures.

    ``(nan, nan, 0)`` when no measure has both years recorded.
    """
    swings = recorded_swings(episode, growth)
    values = swings.loc[swings["year"] == year, "swing"].dropna()
    if values.empty:
        return float("nan"), float("nan"), 0
    return float(values.min()), float(values.max()), int(values.size)


def growth_statistics(series: str, growth: pd.DataFrame | None = None) -> dict[str, float]:
    """Standard deviation, lag-1 autocorrelation and share of contraction years of a series.

    Over the recorded years of the series in order: ``sd`` is the sample standard deviation
    (``ddof = 1``) in points; ``autocorr`` is ``corr(g_t, g_{t-1})`` over consecutive recorded
    pairs; ``contraction_share`` is the share of years with ``g < 0``; ``years`` counts them.
    """
    growth = growth_table() if growth is None else growth
    values = growth[growth["series"] == series].sort_values("year_gregorian")
    g = values["growth_pct"].to_numpy(float)
    years = values["year_gregorian"].to_numpy(int)
    consecutive = np.flatnonzero(np.diff(years) == 1)
    autocorr = float(np.corrcoef(g[consecutive], g[consecutive + 1])[0, 1]) if consecutive.size >= 3 else float("nan")
    return {
        "sd": float(np.std(g, ddof=1)) if g.size >= 2 else float("nan"),
        "autocorr": autocorr,
        "contraction_share": float(np.mean(g < 0)) if g.size else float("nan"),
        "years": int(g.size),
    }
