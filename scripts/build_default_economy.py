"""Build growthsim's packaged default economy: Iran-shaped, partly public, partly illustrative.

Reads the public province facts (ISO 3166-2:IR codes in the 2020 scheme, names, 2016 census
population, establishments with 10+ workers in 1394, centroids) and writes the CSV tables of
``sim/data``: ``provinces``, ``sectors``, ``io_coefficients``, ``final_demand``, ``firms``,
``capacity`` and ``output_history``. Everything that is not a public fact (coefficients, demands,
the spread of firms over sectors, capacities, histories, tags) is illustrative, set by the tables
below and drawn from one ``numpy.random.default_rng(20261127)``; the output is byte-identical from
run to run.

Usage, from the project root::

    python scripts/build_default_economy.py [--provinces PATH] [--out DIR]

``sim/data/README.md`` gives the meaning, unit and provenance of every column.
"""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import numpy as np
import pandas as pd
from economy_history import (
    align_to_sectors,
    build_capacity,
    cell_annual_paths,
    month_labels,
    monthly_history,
    round_sig,
    sector_annual_levels,
)

SEED = 20261127
ROOT = Path(__file__).resolve().parents[1]
FACTS = Path(__file__).resolve().parent / "facts"
"""The script's tables: public facts (``SOURCES.md``) and the illustrative profiles it builds on."""
DEFAULT_SOURCE = FACTS / "provinces_iran.csv"
DEFAULT_OUT = ROOT / "sim" / "data"

FIRM_MIX_SD = 0.25  # lognormal sd of the noise on a cell's share of its province's firms
DEMAND_SD = 0.3  # lognormal sd of the noise on a cell's share of its sector's final demand
IO_DECIMALS = 6  # fixed decimals of the coefficient tables, so column sums stay exact
TOTAL_GROSS_OUTPUT = 1.5e6  # billion rials a month, national, illustrative
TOTAL_EMPLOYMENT = 1.8e6  # workers in 10+ worker establishments (SOURCES.md: about 1.8 million)
MIN_FINAL_SHARE = 0.05  # smallest final demand of a sector, as a share of its gross output

# Broad regions (illustrative grouping for the between/within split of the Theil index).
REGIONS = {
    "Caspian": ("IR-01", "IR-02", "IR-27"),
    "Northwest": ("IR-03", "IR-04", "IR-19", "IR-24"),
    "West": ("IR-05", "IR-12", "IR-13", "IR-14", "IR-15", "IR-16", "IR-17"),
    "Centre": ("IR-00", "IR-10", "IR-20", "IR-21", "IR-23", "IR-25", "IR-26", "IR-30"),
    "South": ("IR-06", "IR-07", "IR-18", "IR-22"),
    "East": ("IR-08", "IR-09", "IR-11", "IR-28", "IR-29"),
}

# One row a sector. value_added: target share of output; output_weight: share of national gross
# output (%); firm_weight: share of establishments (%); jobs_weight: share of employment (%);
# trend: extra log growth a year 1390-1399; utilisation: mean current output / installed capacity.
# Flags (0/1): energy_intensive, needs, sensitive, missing_link, complex_export. All illustrative.
SECTOR_TABLE = (FACTS / "sector_profiles.csv").read_text(encoding="utf-8")
TAGS = ("energy_intensive", "needs", "sensitive", "missing_link", "complex_export")
SECTOR_COLUMNS = [
    "code",
    "name",
    "kind",
    "import_share",
    "inventory_months",
    "labour_per_output",
    "other_inputs_share",
    "export_share",
    *TAGS,
]

# Input recipes: output input domestic imported critical (illustrative, Iran-like).
IO_TABLE = (FACTS / "input_recipes.txt").read_text(encoding="utf-8")

# Provincial specialisation: multipliers of the national sector mix (illustrative).
PROVINCE_TILTS = (FACTS / "province_tilts.txt").read_text(encoding="utf-8")
# Sectors tied to deposits or large plants: weight outside the provinces tilted towards them.
SECTOR_BASE_TILT = {"05": 0.05, "07": 0.3, "09": 0.5, "12": 0.1, "19": 0.4, "30": 0.5}
# Average firm size relative to the national average (SOURCES.md: Tehran holds 19% of
# establishments but 11.8% of industrial value added).
PROVINCE_FIRM_SIZE = {"IR-23": 0.62}


def load_provinces(path: Path) -> pd.DataFrame:
    """Read the public province facts and add the illustrative region.

    Args:
        path: ``provinces_iran.csv`` (columns ``code, name_en, name_fa, population_2016,
            establishments_10plus_1394, centroid_lat, centroid_lon``).

    Returns:
        Provinces sorted by code with columns ``code, name, population, name_fa, lat, lon,
        region, establishments``.
    """
    raw = pd.read_csv(path, dtype={"code": str}, encoding="utf-8")
    table = pd.DataFrame(
        {
            "code": raw["code"],
            "name": raw["name_en"],
            "population": raw["population_2016"].astype(int),
            "name_fa": raw["name_fa"],
            "lat": raw["centroid_lat"],
            "lon": raw["centroid_lon"],
            "establishments": raw["establishments_10plus_1394"].astype(int),
        }
    )
    region_of = {code: region for region, codes in REGIONS.items() for code in codes}
    if set(region_of) != set(table["code"]):
        raise ValueError("REGIONS must list every province code exactly once")
    table.insert(6, "region", table["code"].map(region_of))
    return table.sort_values("code").reset_index(drop=True)


def load_sector_table() -> pd.DataFrame:
    """Parse the sector parameter table, with the 0/1 flags as booleans."""
    table = pd.read_csv(io.StringIO(SECTOR_TABLE.strip()), dtype={"code": str})
    for tag in TAGS:
        table[tag] = table[tag].astype(bool)
    return table


def load_io_table() -> pd.DataFrame:
    """Parse the input recipes into ``input, output, coefficient, critical, imported``.

    Coefficients are rounded to fixed decimals so that sums over a column are exact to ~1e-16.
    """
    rows = [line.split() for line in IO_TABLE.strip().splitlines()]
    table = pd.DataFrame(rows, columns=["output", "input", "domestic", "imported", "critical"])
    table = pd.DataFrame(
        {
            "input": table["input"],
            "output": table["output"],
            "coefficient": np.round(table["domestic"].astype(float), IO_DECIMALS),
            "critical": table["critical"] == "1",
            "imported": np.round(table["imported"].astype(float), IO_DECIMALS),
        }
    )
    if table.duplicated(["input", "output"]).any():
        raise ValueError("IO_TABLE repeats an (input, output) pair")
    if (table["critical"] & (table["coefficient"] <= 0)).any():
        raise ValueError("a critical input needs a domestic coefficient")
    return table.sort_values(["output", "input"]).reset_index(drop=True)


def domestic_matrix(io_table: pd.DataFrame, codes: list[str], column: str) -> np.ndarray:
    """Square matrix ``a[j, s]`` of one coefficient column, in the order of ``codes``."""
    index = {code: i for i, code in enumerate(codes)}
    matrix = np.zeros((len(codes), len(codes)))
    rows = io_table["input"].map(index).to_numpy(), io_table["output"].map(index).to_numpy()
    matrix[rows] = io_table[column].to_numpy()
    return matrix


def input_shares(table: pd.DataFrame, io_table: pd.DataFrame) -> pd.DataFrame:
    """Derive ``import_share`` from the imported column and ``other_inputs_share`` from value added.

    ``m[s] = sum_j imported[j, s]``; ``o[s] = 1 - v[s] - sum_j a[j, s] - m[s]`` for the target
    value-added share ``v[s]`` of the sector table.

    Raises:
        ValueError: If a sector would need negative other inputs.
    """
    codes = table["code"].tolist()
    imported = io_table.groupby("output")["imported"].sum().reindex(codes, fill_value=0.0)
    domestic = io_table.groupby("output")["coefficient"].sum().reindex(codes, fill_value=0.0)
    out = table.copy()
    out["import_share"] = np.round(imported.to_numpy(), IO_DECIMALS)
    other = 1.0 - out["value_added"] - domestic.to_numpy() - out["import_share"]
    out["other_inputs_share"] = np.round(other, IO_DECIMALS)
    if (out["other_inputs_share"] < 0).any():
        bad = out.loc[out["other_inputs_share"] < 0, "code"].tolist()
        raise ValueError(f"value-added targets leave negative other inputs for sectors {bad}")
    return out


def national_final_demand(a: np.ndarray, output_weight: np.ndarray) -> np.ndarray:
    """National final demand that yields the target gross-output mix, ``F = (I - A) x``.

    Each sector keeps at least ``MIN_FINAL_SHARE`` of its output as final demand; the vector is
    then scaled so that ``x = (I - A)^-1 F`` sums to ``TOTAL_GROSS_OUTPUT``.
    """
    x = output_weight / output_weight.sum()
    final = np.maximum((np.eye(len(x)) - a) @ x, MIN_FINAL_SHARE * x)
    total = np.linalg.solve(np.eye(len(x)) - a, final).sum()
    return final * TOTAL_GROSS_OUTPUT / total


def parse_tilts(codes: list[str], sectors: list[str]) -> np.ndarray:
    """Province x sector multipliers of the national sector mix (base tilt x provincial tilt)."""
    tilt = np.ones((len(codes), len(sectors)))
    for sector, base in SECTOR_BASE_TILT.items():
        tilt[:, sectors.index(sector)] = base
    for line in PROVINCE_TILTS.strip().splitlines():
        province, *pairs = line.split()
        for pair in pairs:
            sector, factor = pair.split(":")
            tilt[codes.index(province), sectors.index(sector)] *= float(factor)
    return tilt


def largest_remainder(total: int, weights: np.ndarray) -> np.ndarray:
    """Split an integer total in proportion to weights (Hamilton's method, ties by order)."""
    quota = total * weights / weights.sum()
    counts = np.floor(quota).astype(int)
    short = total - counts.sum()
    order = np.argsort(-(quota - counts), kind="stable")
    counts[order[:short]] += 1
    return counts


def allocate_firms(
    establishments: np.ndarray, mix: np.ndarray, tilt: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Spread each province's establishments over sectors.

    Weights are the national sector mix x provincial tilt x lognormal noise (sigma
    ``FIRM_MIX_SD``); each province's count is split exactly by largest remainders.

    Args:
        establishments: Establishments of each province, shape (provinces,).
        mix: National sector mix (any scale), shape (sectors,).
        tilt: Provincial specialisation, shape (provinces, sectors).
        rng: The build's random generator.

    Returns:
        Integer firm counts, shape (provinces, sectors).
    """
    weights = mix * tilt * rng.lognormal(0.0, FIRM_MIX_SD, size=tilt.shape)
    firms = np.vstack([largest_remainder(n, w) for n, w in zip(establishments, weights, strict=True)])
    if (firms.sum(axis=0) == 0).any():
        raise ValueError("a sector has no firm anywhere; raise its firm_weight or tilts")
    return firms


def firm_size(tilt: np.ndarray, province_codes: list[str]) -> np.ndarray:
    """Average firm size of each cell relative to the national average (illustrative).

    Firms are larger where a province specialises (``sqrt(tilt)`` where the tilt is above 1)
    and smaller in provinces listed in ``PROVINCE_FIRM_SIZE``.
    """
    size = np.sqrt(np.maximum(tilt, 1.0))
    factor = [PROVINCE_FIRM_SIZE.get(code, 1.0) for code in province_codes]
    return size * np.array(factor)[:, None]


def spread_final_demand(
    firms: np.ndarray, national: np.ndarray, size: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Share each sector's national final demand over the provinces where it has firms.

    A cell's share of its sector is proportional to firms x average size x lognormal noise
    (sigma ``DEMAND_SD``).

    Args:
        firms: Firm counts, shape (provinces, sectors).
        national: National final demand by sector, billion rials a month.
        size: Average firm size of each cell (:func:`firm_size`).
        rng: The build's random generator.

    Returns:
        Final demand in billion rials a month, rounded to ``SIG_DIGITS``, shape (provinces,
        sectors), zero where there is no firm.
    """
    weight = firms * size * rng.lognormal(0.0, DEMAND_SD, size=firms.shape)
    share = weight / weight.sum(axis=0, keepdims=True)
    return round_sig(share * national[None, :])


def calibrate_labour(sectors: pd.DataFrame, gross_output: np.ndarray) -> np.ndarray:
    """Workers per billion rials of monthly output, so that jobs sum to ``TOTAL_EMPLOYMENT``.

    ``l[s] = jobs_share[s] x TOTAL_EMPLOYMENT / x[s]`` with ``x`` the national gross output.
    """
    jobs = sectors["jobs_weight"].to_numpy(float)
    return round_sig(jobs / jobs.sum() * TOTAL_EMPLOYMENT / gross_output)


def as_words(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Copy of a table with boolean columns written as ``true``/``false``."""
    out = frame.copy()
    for column in columns:
        out[column] = np.where(out[column], "true", "false")
    return out


def cell_frame(provinces: pd.DataFrame, sectors: pd.DataFrame, grid: np.ndarray) -> pd.DataFrame:
    """Long table ``province, sector`` of the cells where ``grid > 0``, sorted by codes."""
    p, s = np.nonzero(grid)
    return pd.DataFrame({"province": provinces["code"].to_numpy()[p], "sector": sectors["code"].to_numpy()[s]})


def history_frame(cells: pd.DataFrame, history: np.ndarray) -> pd.DataFrame:
    """Long table ``province, sector, month, output_index``, months oldest first within a cell."""
    months = month_labels()
    long = cells.loc[cells.index.repeat(len(months))].reset_index(drop=True)
    long["month"] = months * len(cells)
    long["output_index"] = history.ravel()
    return long


def build_tables(source: Path) -> tuple[dict[str, pd.DataFrame], dict[str, float]]:
    """Build every table of the default economy.

    Args:
        source: The public province facts (``provinces_iran.csv``).

    Returns:
        The tables by file stem, ready to write, and summary numbers: national gross output
        (billion rials a month), employment, mean utilisation (current output / installed).
    """
    rng = np.random.default_rng(SEED)
    provinces = load_provinces(source)
    io_table = load_io_table()
    sectors = input_shares(load_sector_table(), io_table)
    a = domestic_matrix(io_table, sectors["code"].tolist(), "coefficient")

    national = national_final_demand(a, sectors["output_weight"].to_numpy(float))
    province_codes = provinces["code"].tolist()
    tilt = parse_tilts(province_codes, sectors["code"].tolist())
    establishments = provinces["establishments"].to_numpy(int)
    firms = allocate_firms(establishments, sectors["firm_weight"].to_numpy(float), tilt, rng)
    demand = spread_final_demand(firms, national, firm_size(tilt, province_codes), rng)
    gross_output = np.linalg.solve(np.eye(len(a)) - a, demand.sum(axis=0))
    sectors["labour_per_output"] = calibrate_labour(sectors, gross_output)

    cells = cell_frame(provinces, sectors, firms)
    p_idx, s_idx = np.nonzero(firms)
    value_added = sectors["value_added"].to_numpy(float) * gross_output
    levels = sector_annual_levels(sectors, value_added)
    annual = cell_annual_paths(cells.assign(sector_index=s_idx), levels, rng)
    cell_weight = demand[p_idx, s_idx] / demand.sum(axis=0)[s_idx] * value_added[s_idx]
    mining = (sectors["kind"] == "mining").to_numpy()[s_idx]
    annual = align_to_sectors(annual, cell_weight, [mining, ~mining], levels[s_idx])
    history = monthly_history(annual, rng)
    utilisation = sectors["utilisation"].to_numpy(float)[s_idx]
    installed, peak = build_capacity(history, utilisation, rng)

    tables = {
        "provinces": provinces,
        "sectors": as_words(sectors[SECTOR_COLUMNS], list(TAGS)),
        "io_coefficients": as_words(io_table, ["critical"]),
        "final_demand": cells.assign(demand=demand[p_idx, s_idx]),
        "firms": cells.assign(firms=firms[p_idx, s_idx]),
        "capacity": cells.assign(installed_ratio=installed, peak_ratio=peak),
        "output_history": history_frame(cells, history),
    }
    summary = {
        "gross_output": float(gross_output.sum()),
        "employment": float(sectors["labour_per_output"].to_numpy(float) @ gross_output),
        "mean_utilisation": float(np.mean(1.0 / installed)),
    }
    return tables, summary


def write_tables(tables: dict[str, pd.DataFrame], out: Path) -> None:
    """Write each table to ``out/<stem>.csv`` (UTF-8, header row, Unix line ends)."""
    out.mkdir(parents=True, exist_ok=True)
    for stem, frame in tables.items():
        frame.to_csv(out / f"{stem}.csv", index=False, lineterminator="\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--provinces", type=Path, default=DEFAULT_SOURCE, help="provinces_iran.csv")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    args = parser.parse_args(argv)
    tables, summary = build_tables(args.provinces)
    write_tables(tables, args.out)
    print(
        f"wrote {args.out}: gross output {summary['gross_output']:,.0f} billion rials a month, "
        f"employment {summary['employment']:,.0f}, "
        f"mean utilisation {summary['mean_utilisation']:.3f}"
    )


if __name__ == "__main__":
    main()
