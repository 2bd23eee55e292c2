"""Recorded against simulated, episode by episode, as a table and as text."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.history.episodes import band
from analysis.history.records import Episode, recorded_range


def comparison_rows(
    episode: Episode, swings: pd.DataFrame, growth: pd.DataFrame | None = None, lenders: tuple[str, ...] = ()
) -> list[dict]:
    """One row per year: recorded range and count of measures, simulated median and 90% band.

    ``within`` is true when the simulated median lies in the recorded range; ``error`` is the
    distance from the median to the nearest end of the range (0 inside it), in points;
    ``replayed_with`` names the episodes whose shocks the replay carries
    (:func:`analysis.history.episodes.replay`), space-separated, empty if none.
    """
    rows = []
    for row in band(swings).itertuples(index=False):
        low, high, measures = recorded_range(episode, int(row.year), growth)
        median = float(row[2])
        if measures:
            error = 0.0 if low <= median <= high else float(min(abs(median - low), abs(median - high)))
        else:
            error = float("nan")
        rows.append(
            {
                "episode": episode.name,
                "year": int(row.year),
                "recorded_low": low,
                "recorded_high": high,
                "measures": measures,
                "simulated_median": median,
                "simulated_q05": float(row[1]),
                "simulated_q95": float(row[3]),
                "runs": int(row.runs),
                "error": error,
                "within": bool(measures and error == 0.0),
                "replayed_with": " ".join(lenders),
            }
        )
    return rows


def format_table(table: pd.DataFrame) -> str:
    """The comparison as aligned text (swings in points against the shock-free twin).

    With a ``file`` column naming a file outside ``scenarios/history``, each row ends with the file
    replayed (several files may replay one episode).
    """
    from analysis.history.episodes import SCENARIO_DIR

    files = table["file"].astype(str).tolist() if "file" in table else [""] * len(table)
    show_files = any(f and Path(f).resolve().parent != SCENARIO_DIR for f in files)
    header = f"{'episode':<26} {'year':>4} {'recorded':>17} {'simulated':>26} {'error':>6}  in range"
    lines = [
        "swing of national value added against the shock-free twin, points (recorded: growth in the year",
        "minus growth in the year before, range over the measures; simulated: median [5%, 95%] over runs)",
        "",
        f"{header}  file" if show_files else header,
    ]
    for row, file in zip(table.itertuples(index=False), files, strict=True):
        recorded = f"[{row.recorded_low:+.1f}, {row.recorded_high:+.1f}]" if row.measures else "missing"
        simulated = f"{row.simulated_median:+.1f} [{row.simulated_q05:+.1f}, {row.simulated_q95:+.1f}]"
        error = "" if np.isnan(row.error) else f"{row.error:.1f}"
        mark = "yes" if row.within else ("-" if not row.measures else "no")
        line = f"{row.episode:<26} {row.year:>4} {recorded:>17} {simulated:>26} {error:>6}  {mark}"
        lines.append(f"{line:<{len(header)}}  {file}" if show_files else line)
    lent = dict.fromkeys((r.episode, r.replayed_with) for r in table.itertuples(index=False) if r.replayed_with)
    if lent:
        lines.append("")
        lines += [f"{name} replayed with the recorded shocks of {', '.join(w.split())}" for name, w in lent]
    return "\n".join(lines)
