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

SEED = 20261127
ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = Path(__file__).resolve().parent / "facts" / "provinces_iran.csv"
DEFAULT_OUT = ROOT / "sim" / "data"

SIG_DIGITS = 6  # significant digits of written floats
IO_DECIMALS = 6  # fixed decimals of the coefficient tables, so column sums stay exact
TOTAL_GROSS_OUTPUT = 1.5e6  # billion rials a month, national, illustrative
TOTAL_EMPLOYMENT = 1.8e6  # workers in 10+ worker establishments (SOURCES.md: about 1.8 million)
FIRST_MONTH = "2011-04"  # Farvardin 1390 starts 21 March 2011
N_YEARS = 10  # Iranian years 1390-1399
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
SECTOR_TABLE = """
code,name,kind,export_share,inventory_months,value_added,output_weight,firm_weight,jobs_weight,trend,utilisation,energy_intensive,needs,sensitive,missing_link,complex_export
05,Coal and lignite,mining,0.00,1,0.45,0.3,1.2,0.8,0.00,0.55,0,0,0,0,0
07,Metal ores,mining,0.35,1,0.50,3.6,2.5,2.0,0.015,0.60,0,0,0,0,0
08,Other mining and quarrying,mining,0.15,1,0.48,2.0,3.0,3.0,0.00,0.55,0,0,0,0,0
09,Mining support services,mining,0.00,1,0.42,0.4,0.4,0.4,0.00,0.55,0,0,0,0,0
10,Food products,manufacturing,0.10,1,0.22,13.0,17.0,15.0,0.01,0.50,0,1,0,0,0
11,Beverages,manufacturing,0.05,1,0.30,1.0,1.5,1.2,0.00,0.50,0,0,0,0,0
12,Tobacco products,manufacturing,0.02,1,0.45,0.3,0.3,0.3,-0.01,0.50,0,0,0,0,0
13,Textiles,manufacturing,0.10,1,0.25,2.5,6.0,5.5,-0.01,0.45,0,0,0,0,0
14,Wearing apparel,manufacturing,0.05,1,0.30,0.6,1.8,1.8,0.00,0.45,0,1,0,0,0
15,Leather and footwear,manufacturing,0.10,1,0.30,0.4,1.2,0.9,0.00,0.45,0,1,0,0,0
16,Wood products,manufacturing,0.02,1,0.30,0.4,1.3,1.0,0.00,0.45,0,0,0,0,0
17,Paper products,manufacturing,0.03,2,0.25,1.2,2.2,1.6,0.00,0.30,1,0,0,1,0
18,Printing,manufacturing,0.01,1,0.35,0.4,1.3,0.9,-0.02,0.45,0,0,0,0,0
19,Coke and refined petroleum,manufacturing,0.25,1,0.30,13.0,0.9,1.5,0.02,0.80,1,0,1,0,0
20,Chemicals,manufacturing,0.50,1,0.30,14.0,7.0,6.0,0.025,0.60,1,0,1,0,1
21,Pharmaceuticals,manufacturing,0.03,2,0.35,2.0,1.8,2.6,0.01,0.55,0,1,1,1,0
22,Rubber and plastics,manufacturing,0.12,1,0.25,3.5,7.0,6.0,0.00,0.50,0,0,0,0,0
23,Non-metallic minerals,manufacturing,0.25,1,0.40,5.5,15.0,12.5,-0.01,0.50,1,0,0,0,0
24,Basic metals,manufacturing,0.45,1,0.20,14.0,4.0,6.5,0.03,0.30,1,0,1,0,0
25,Fabricated metal products,manufacturing,0.08,1,0.30,3.0,8.0,6.0,0.00,0.45,0,0,0,0,0
26,Computer electronic and optical,manufacturing,0.02,2,0.30,1.0,1.5,1.5,-0.01,0.35,0,0,1,1,1
27,Electrical equipment,manufacturing,0.08,1,0.25,3.0,4.0,4.5,0.00,0.45,0,0,0,1,1
28,Machinery n.e.c.,manufacturing,0.06,1,0.27,3.0,6.0,6.0,0.00,0.40,0,0,1,1,1
29,Motor vehicles,manufacturing,0.03,2,0.20,8.0,3.5,8.0,0.00,0.40,0,0,0,0,1
30,Other transport equipment,manufacturing,0.05,2,0.25,0.5,0.6,0.8,0.00,0.40,0,0,0,1,1
31,Furniture,manufacturing,0.05,1,0.35,0.5,1.3,1.2,0.00,0.45,0,0,0,0,0
32,Other manufacturing,manufacturing,0.10,1,0.35,0.5,1.0,0.9,0.00,0.45,0,1,0,0,0
33,Repair and installation,manufacturing,0.00,1,0.40,0.6,0.8,0.8,0.00,0.50,0,0,1,0,0
"""
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
IO_TABLE = """
05 05 0.02 0 0
05 09 0.04 0 0
05 19 0.04 0 1
05 20 0.01 0 1
05 22 0.005 0 0
05 25 0.01 0 0
05 28 0.02 0.02 0
07 07 0.03 0 0
07 09 0.05 0 0
07 19 0.05 0 1
07 20 0.02 0.01 1
07 22 0.01 0 0
07 25 0.01 0 0
07 28 0.02 0.04 0
07 29 0.01 0.01 0
08 08 0.02 0 0
08 09 0.03 0 0
08 19 0.05 0 1
08 20 0.015 0 1
08 22 0.01 0 0
08 28 0.02 0.02 0
09 09 0.03 0 0
09 19 0.04 0 1
09 20 0.02 0.02 0
09 24 0.02 0 0
09 25 0.03 0 0
09 28 0.04 0.06 1
10 10 0.12 0.06 1
10 17 0.03 0 0
10 20 0.015 0.01 0
10 22 0.03 0.01 1
10 23 0.01 0 0
10 25 0.02 0 0
10 28 0 0.005 0
11 10 0.12 0 1
11 11 0.02 0 0
11 17 0.03 0 0
11 20 0.02 0.02 0
11 22 0.06 0 1
11 23 0.04 0 0
12 12 0.05 0 1
12 13 0.01 0 0
12 17 0.06 0 1
12 20 0.01 0.03 1
12 22 0.01 0 0
12 28 0 0.005 0
13 13 0.20 0.02 1
13 17 0.01 0 0
13 20 0.08 0.06 1
13 22 0.01 0 0
13 28 0 0.01 0
14 13 0.30 0.06 1
14 14 0.03 0 0
14 17 0.01 0 0
14 22 0.01 0 0
14 32 0.01 0.005 0
15 13 0.03 0 0
15 15 0.15 0.02 1
15 17 0.01 0 0
15 20 0.05 0.03 1
15 22 0.04 0 0
15 25 0.01 0 0
16 16 0.10 0.06 1
16 17 0.02 0.01 0
16 19 0.01 0 0
16 20 0.04 0.01 1
16 25 0.01 0 0
16 28 0 0.005 0
17 08 0.02 0 0
17 16 0.02 0 0
17 17 0.06 0.16 1
17 19 0.01 0 0
17 20 0.05 0.01 1
17 22 0.01 0 0
17 28 0 0.01 0
18 17 0.22 0.12 1
18 18 0.02 0 0
18 20 0.04 0.02 1
18 22 0.01 0 0
18 25 0.005 0 0
18 28 0 0.01 0
19 19 0.03 0 0
19 20 0.02 0.02 1
19 25 0.005 0 0
19 27 0.003 0 0
19 28 0 0.005 0
19 33 0.01 0 0
20 08 0.02 0 0
20 10 0.01 0 0
20 19 0.06 0 1
20 20 0.15 0.06 1
20 22 0.01 0 0
20 23 0.005 0 0
20 28 0 0.02 0
20 33 0.01 0 0
21 10 0.01 0 0
21 17 0.03 0 0
21 20 0.05 0.03 1
21 21 0.05 0.18 1
21 22 0.03 0 0
21 23 0.01 0 0
21 26 0 0.005 0
22 13 0.02 0 0
22 19 0.03 0 1
22 20 0.25 0.06 1
22 22 0.04 0 0
22 24 0.01 0.01 0
22 28 0 0.01 0
23 08 0.12 0 1
23 17 0.02 0 0
23 19 0.04 0 1
23 20 0.01 0 0
23 22 0.01 0 0
23 23 0.05 0 0
23 28 0.01 0.02 0
24 05 0.015 0.02 1
24 07 0.20 0 1
24 19 0.01 0 0
24 20 0.02 0 0
24 23 0.02 0.01 1
24 24 0.12 0.03 1
24 28 0.01 0.02 0
24 33 0.01 0 0
25 19 0.005 0 0
25 20 0.02 0 0
25 22 0.005 0 0
25 24 0.30 0.05 1
25 25 0.05 0 0
25 27 0.01 0 0
25 28 0 0.01 0
26 17 0.005 0 0
26 20 0.01 0.01 0
26 22 0.03 0 0
26 24 0.01 0 0
26 25 0.02 0 0
26 26 0.08 0.25 1
26 27 0.03 0 0
27 20 0.02 0 0
27 22 0.04 0 1
27 24 0.18 0.03 1
27 25 0.03 0 0
27 26 0.02 0.06 1
27 27 0.06 0.04 0
28 20 0.01 0 0
28 22 0.02 0 0
28 24 0.12 0.02 1
28 25 0.08 0 1
28 26 0 0.04 0
28 27 0.05 0.04 1
28 28 0.06 0.08 1
28 33 0.01 0 0
29 13 0.01 0 0
29 20 0.02 0 0
29 22 0.06 0 1
29 23 0.01 0 0
29 24 0.08 0.02 1
29 25 0.08 0 1
29 26 0.01 0.05 1
29 27 0.04 0 1
29 29 0.12 0.08 1
30 22 0.03 0 0
30 24 0.08 0 1
30 25 0.06 0 0
30 26 0.01 0.05 1
30 27 0.04 0 0
30 28 0.03 0.04 0
30 30 0.05 0.08 1
31 13 0.04 0 0
31 16 0.20 0.02 1
31 20 0.03 0 0
31 22 0.03 0 0
31 24 0.01 0 0
31 25 0.04 0 0
32 13 0.02 0 0
32 20 0.04 0.02 0
32 22 0.06 0 1
32 24 0.04 0 1
32 26 0 0.02 0
32 32 0.04 0 0
33 19 0.01 0 0
33 22 0.02 0 0
33 24 0.02 0 0
33 25 0.05 0 0
33 27 0.04 0.02 0
33 28 0.08 0.06 1
"""

# Provincial specialisation: multipliers of the national sector mix (illustrative).
PROVINCE_TILTS = """
IR-00 19:2 20:1.5 24:2 27:1.5 28:2.5 29:1.5
IR-01 10:1.5 12:20 16:2.5 17:2 31:1.5
IR-02 05:10 08:1.3 10:1.6 16:2.5 17:1.5 31:1.5
IR-03 07:2 10:1.2 15:2 19:1.5 28:1.8 29:1.5
IR-04 08:1.5 10:1.5 12:20
IR-05 08:1.5 10:1.3 19:2 23:1.3
IR-06 09:5 10:1.3 19:4 20:3 24:3 30:2
IR-07 10:1.2 19:2 20:1.5 23:1.3 26:1.5
IR-08 05:40 07:8 08:2 09:3 10:1.2 24:3
IR-09 05:5 07:2 10:1.4 13:1.3 23:1.2
IR-10 07:3 08:1.5 13:2 19:2 23:1.5 24:3 27:1.3 28:1.5 29:1.3 30:3
IR-11 08:1.5 10:1.5 23:1.3
IR-12 08:1.5 10:1.3 23:1.3
IR-13 08:1.3 10:1.3 23:1.3
IR-14 08:1.5 10:1.3 22:1.3 23:1.2
IR-15 08:1.5 10:1.3 23:1.3
IR-16 08:1.3 10:1.2 20:2.5 23:1.3
IR-17 10:1.2 19:3 20:2 23:1.3
IR-18 09:4 10:1.3 19:5 20:6 30:2
IR-19 07:8 08:1.5 24:2.5 27:1.3
IR-20 05:15 07:3 08:3 17:1.5 23:2
IR-21 07:8 08:2.5 09:2 13:2.5 23:2 24:1.5
IR-22 09:4 19:4 20:3 24:3 30:3
IR-23 05:0.2 07:0.2 08:0.3 12:5 14:1.5 18:2.5 21:3 26:3 27:2 28:1.8 29:1.5 32:1.5 33:1.5
IR-24 08:1.3 10:1.5 23:1.2
IR-25 10:1.1 13:1.2 22:1.5 25:1.2 27:1.3 31:1.5
IR-26 13:1.3 21:1.3 27:1.8 28:1.5 29:1.5
IR-27 05:5 10:1.8 13:1.3 16:2
IR-28 07:4 08:2 10:1.3 24:1.5
IR-29 05:40 07:6 08:2
IR-30 21:1.5 22:1.3 26:2 27:1.8 28:1.5 29:1.5
"""
# Sectors tied to deposits or large plants: weight outside the provinces tilted towards them.
SECTOR_BASE_TILT = {"05": 0.05, "07": 0.3, "09": 0.5, "12": 0.1, "19": 0.4, "30": 0.5}
# Average firm size relative to the national average (SOURCES.md: Tehran holds 19% of
# establishments but 11.8% of industrial value added).
PROVINCE_FIRM_SIZE = {"IR-23": 0.62}
# Amplitude of a province's swings relative to its sectors (Tehran: diversified, low reported
# 1401 target, so little idle capacity).
PROVINCE_AMPLITUDE = {"IR-23": 0.6}

# Annual growth (%) for Iranian years 1391-1399. Manufacturing: 1391 is the Central Bank's
# industry-and-mining value added, 1397-1399 the SCI production index; 1392-1396 are
# illustrative, guided by World Bank GDP growth. Mining: 1397-1399 SCI index, the rest
# illustrative.
MANUFACTURING_GROWTH = (-9.5, -1.5, 5.0, -3.0, 4.0, 5.0, -2.8, -1.9, -0.9)
MINING_GROWTH = (-3.0, 3.0, 6.0, -1.0, 5.0, 6.0, 0.8, -3.1, -0.1)
# Motor vehicle output, million units, Iranian years 1390-1399 (approximate reported figures:
# 1.6 million in 2011, about 0.7 million in 2012).
VEHICLE_OUTPUT = (1.60, 0.75, 0.74, 1.09, 0.98, 1.35, 1.45, 0.92, 0.82, 0.88)
VEHICLES = "29"
SEASONAL = {4: 0.90, 5: 0.98}  # Nowruz: Farvardin holidays, calendar month -> factor
IMPORT_EXPOSURE = 2.5  # downturn amplification per unit of import share
CELL_AMPLITUDE_SD = 0.2  # lognormal sd of a cell's swing relative to its sector
CELL_TREND_SD = 0.01  # sd of a cell's own log trend, per year
CELL_WALK_SD = 0.035  # sd of a cell's annual random-walk steps
NOISE_SD = 0.025  # sd of monthly AR(1) innovations (log)
NOISE_RHO = 0.5  # autocorrelation of monthly noise
FIRM_MIX_SD = 0.25  # lognormal sd of the noise on a cell's share of its province's firms
DEMAND_SD = 0.3  # lognormal sd of the noise on a cell's share of its sector's final demand
SMOOTHING_MONTHS = 5  # width of the moving average joining one year to the next


def round_sig(values: np.ndarray, digits: int = SIG_DIGITS) -> np.ndarray:
    """Round every value to a number of significant digits (exactly as written in text).

    Args:
        values: Numbers of any shape.
        digits: Significant digits kept.

    Returns:
        Array of the same shape, each value the double nearest its rounded decimal form.
    """
    array = np.asarray(values, dtype=float)
    flat = [float(f"{v:.{digits}g}") for v in array.ravel()]
    return np.array(flat, dtype=float).reshape(array.shape)


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


def group_levels(
    growth: np.ndarray, weights: np.ndarray, target_pct: tuple[float, ...], fixed: np.ndarray
) -> np.ndarray:
    """Annual levels of a group of sectors whose weighted aggregate follows a growth path.

    Works backward from the last year (level 1). Free sectors grow by ``growth[s, y] + c[y]``
    with the common shift ``c[y]`` chosen so that ``sum_s w_s L[s, y] / sum_s w_s L[s, y-1]``
    equals ``1 + target[y]``; fixed sectors keep the rows of ``fixed`` that are not NaN.

    Args:
        growth: Log growth of each sector into each year, shape (S, Y); column 0 unused.
        weights: Aggregation weights (value added), shape (S,).
        target_pct: Aggregate growth (%) into years 1..Y-1.
        fixed: Given levels (NaN where free), shape (S, Y), last column 1.

    Returns:
        Levels relative to the last year, shape (S, Y).
    """
    n_years = growth.shape[1]
    free = np.isnan(fixed[:, 0])
    level = np.where(free[:, None], 1.0, fixed)
    for y in range(n_years - 1, 0, -1):
        target = (weights @ level[:, y]) / (1.0 + target_pct[y - 1] / 100.0)
        base = level[free, y] * np.exp(-growth[free, y])
        shift = (target - weights[~free] @ level[~free, y - 1]) / (weights[free] @ base)
        level[free, y - 1] = base * shift
    return level


def sector_annual_levels(sectors: pd.DataFrame, value_added: np.ndarray) -> np.ndarray:
    """National annual output of each sector, Iranian years 1390-1399, relative to 1399.

    Sector log growth = trend + (1 + IMPORT_EXPOSURE x import_share) x aggregate log growth,
    so import-dependent sectors swing more; mining and manufacturing aggregates (value-added
    weights) then match ``MINING_GROWTH`` and ``MANUFACTURING_GROWTH`` exactly, and motor
    vehicles follow ``VEHICLE_OUTPUT``.

    Returns:
        Levels, shape (sectors, N_YEARS).
    """
    codes = sectors["code"].tolist()
    beta = 1.0 + IMPORT_EXPOSURE * sectors["import_share"].to_numpy(float)
    trend = sectors["trend"].to_numpy(float)
    levels = np.ones((len(codes), N_YEARS))
    fixed = np.full((len(codes), N_YEARS), np.nan)
    fixed[codes.index(VEHICLES)] = np.array(VEHICLE_OUTPUT) / VEHICLE_OUTPUT[-1]
    is_mining = (sectors["kind"] == "mining").to_numpy()
    for mask, path in ((is_mining, MINING_GROWTH), (~is_mining, MANUFACTURING_GROWTH)):
        aggregate = np.log1p(np.array((0.0, *path)) / 100.0)
        growth = trend[mask, None] + beta[mask, None] * aggregate[None, :]
        levels[mask] = group_levels(growth, value_added[mask], path, fixed[mask])
    return levels


def monthly_interpolation() -> np.ndarray:
    """Weights (months x years) turning annual log levels into a smooth monthly path.

    Each year's level is held through its months, the steps between years are smoothed by a
    centred moving average over ``SMOOTHING_MONTHS`` (ends padded), and the levels fed in are
    solved so that each year's mean of the monthly path equals its annual level.
    """
    steps = np.repeat(np.eye(N_YEARS), 12, axis=0)
    half = SMOOTHING_MONTHS // 2
    padded = np.pad(steps, ((half, half), (0, 0)), mode="edge")
    smooth = sum(padded[k : k + len(steps)] for k in range(SMOOTHING_MONTHS)) / SMOOTHING_MONTHS
    annual_mean = smooth.reshape(N_YEARS, 12, N_YEARS).mean(axis=1)
    return smooth @ np.linalg.inv(annual_mean)


def month_labels() -> list[str]:
    """Month labels ``YYYY-MM`` from ``FIRST_MONTH``, 12 a year for ``N_YEARS`` years."""
    periods = pd.period_range(FIRST_MONTH, periods=12 * N_YEARS, freq="M")
    return [str(p) for p in periods]


def cell_annual_paths(cells: pd.DataFrame, sector_levels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Annual log output of every cell, relative to its last year (0).

    ``log y[c, year] = lambda_c log L[s, year] + tau_c (year - last) + rw_c[year]`` with
    ``lambda_c`` the cell's amplitude (province factor x lognormal ``CELL_AMPLITUDE_SD``),
    ``tau_c`` a cell trend (normal, sd ``CELL_TREND_SD`` a year) and ``rw_c`` a random walk
    (steps with sd ``CELL_WALK_SD``) anchored at the last year.

    Args:
        cells: Cells with ``province`` and ``sector_index`` columns.
        sector_levels: National annual levels, shape (sectors, N_YEARS).
        rng: The build's random generator.

    Returns:
        Log levels, shape (cells, N_YEARS), last column 0.
    """
    n_cells = len(cells)
    amplitude = cells["province"].map(PROVINCE_AMPLITUDE).fillna(1.0).to_numpy()
    amplitude = amplitude * rng.lognormal(0.0, CELL_AMPLITUDE_SD, size=n_cells)
    trend = rng.normal(0.0, CELL_TREND_SD, size=n_cells)
    steps = rng.normal(0.0, CELL_WALK_SD, size=(n_cells, N_YEARS - 1))
    walk = np.cumsum(steps[:, ::-1], axis=1)[:, ::-1]
    walk = np.concatenate([walk, np.zeros((n_cells, 1))], axis=1)
    years = np.arange(N_YEARS) - (N_YEARS - 1)
    sector_log = np.log(sector_levels[cells["sector_index"].to_numpy()])
    return amplitude[:, None] * sector_log + trend[:, None] * years + walk


def align_to_sectors(
    annual: np.ndarray,
    weight: np.ndarray,
    groups: list[np.ndarray],
    target: np.ndarray,
) -> np.ndarray:
    """Shift the cells of each group so that their weighted aggregate follows the national paths.

    For every group and year, all cells move by ``log(sum_c w_c T[c, y] / sum_c w_c y[c, y])``,
    so the cells' aggregate (weights: value added) equals the aggregate of the calibrated
    national sector levels ``T``; the last year (all ones) is unchanged.

    Args:
        annual: Cell log levels, shape (cells, N_YEARS).
        weight: Cell weights (value added), shape (cells,).
        groups: Boolean cell masks (mining, manufacturing).
        target: National level of each cell's sector, shape (cells, N_YEARS).

    Returns:
        Shifted log levels, same shape.
    """
    out = annual.copy()
    for mask in groups:
        wanted = weight[mask] @ target[mask]
        have = weight[mask] @ np.exp(annual[mask])
        out[mask] += np.log(wanted / have)[None, :]
    return out


def monthly_history(annual: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Monthly output index of every cell, relative to its last month (exactly 1).

    ``log y[c, t] = W annual[c] + log season(t) + e[c, t]`` with ``W`` the mean-preserving
    interpolation of :func:`monthly_interpolation`, the Nowruz factors ``SEASONAL`` and ``e``
    AR(1) noise (``NOISE_RHO``, innovations with sd ``NOISE_SD``).

    Returns:
        Indices rounded to ``SIG_DIGITS``, shape (cells, months).
    """
    log_monthly = annual @ monthly_interpolation().T
    calendar = [int(label[5:]) for label in month_labels()]
    log_monthly += np.log([SEASONAL.get(m, 1.0) for m in calendar])[None, :]
    noise = rng.normal(0.0, NOISE_SD, size=log_monthly.shape)
    for t in range(1, noise.shape[1]):
        noise[:, t] += NOISE_RHO * noise[:, t - 1]
    log_monthly += noise
    return round_sig(np.exp(log_monthly - log_monthly[:, -1:]))


def build_capacity(
    history: np.ndarray, utilisation: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Peak and installed capacity of every cell, as multiples of current output.

    ``peak = max_t history``; ``installed = max(peak x (1 + spare), 1 / u)`` with ``spare``
    uniform in [0.02, 0.10] and ``u`` the sector's utilisation x lognormal noise (sigma 0.15),
    clipped to [0.15, 0.95].

    Args:
        history: Rounded monthly indices, shape (cells, months).
        utilisation: Sector utilisation target of each cell, shape (cells,).
        rng: The build's random generator.

    Returns:
        ``(installed_ratio, peak_ratio)``, each shape (cells,).
    """
    peak = history.max(axis=1)
    spare = rng.uniform(0.02, 0.10, size=peak.shape)
    use = np.clip(utilisation * rng.lognormal(0.0, 0.15, size=peak.shape), 0.15, 0.95)
    installed = round_sig(np.maximum(peak * (1.0 + spare), 1.0 / use))
    return np.maximum(installed, peak), peak


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
