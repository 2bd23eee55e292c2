"""docs/validation.md's episode tables are what `growthsim history` gives (no random shocks).

Two tables: the packaged episodes (`growthsim history`) and the eight files written apart from the
fit (`growthsim history --scenarios scenarios/history/independent/<folder> --runs 1`, folders in
the table's order). Each quoted swing must be the simulated one rounded to 0.1 point.
"""

from __future__ import annotations

import re
from pathlib import Path

from analysis.commands.history import history_table

ROOT = Path(__file__).resolve().parent.parent
PAGE = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
INDEPENDENT = sorted(p for p in (ROOT / "scenarios" / "history" / "independent").iterdir() if p.is_dir())


def packaged_block() -> list[tuple[str, int, str]]:
    """``(episode, year, simulated median)`` of the first table after "Episodes with the packaged defaults"."""
    block = PAGE.split("## Episodes with the packaged defaults")[1].split("```")[1]
    rows = re.findall(r"^(\w+)\s+(\d)\s+\[[^\]]+\]\s+([+-]?\d+\.\d)\s+\[", block, re.M)
    return [(episode, int(year), median) for episode, year, median in rows]


def independent_rows() -> list[tuple[str, str]]:
    """``(year 1, year 2)`` swings of the table of files written apart from the fit, in row order."""
    block = PAGE.split("| file | inputs | year 1 | year 2 |")[1].split("\n\n")[0]
    return [tuple(c.strip() for c in line.strip("|").split("|")[2:4]) for line in block.strip().splitlines()[1:]]


def test_the_packaged_episodes_table():
    quoted = packaged_block()
    assert len(quoted) == 8
    simulated = history_table(runs=1, seed=0, workers=None, scenarios=None, progress=False)
    got = {(r.episode, r.year): r.simulated_median for r in simulated.itertuples()}
    for episode, year, median in quoted:
        assert f"{got[(episode, year)]:+.1f}" == median, (episode, year)


def test_the_table_of_files_written_apart_from_the_fit():
    quoted = independent_rows()
    assert len(quoted) == len(INDEPENDENT) == 8
    simulated = history_table(runs=1, seed=0, workers=None, scenarios=INDEPENDENT, progress=False)
    files = list(dict.fromkeys(simulated["file"]))
    assert [Path(f).parent for f in files] == INDEPENDENT
    for file, (year_1, year_2) in zip(files, quoted, strict=True):
        rows = simulated[simulated["file"] == file].set_index("year")["simulated_median"]
        assert (f"{rows[1]:+.1f}", f"{rows[2]:+.1f}") == (year_1, year_2), file
