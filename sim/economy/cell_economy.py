"""The economy at the level of provinces and sectors, loaded from a data folder.

A data folder holds CSV tables (see the README, section "Your own economy"):
``provinces.csv``, ``sectors.csv``, ``io_coefficients.csv``, ``final_demand.csv`` and optionally
``capacity.csv``, ``firms.csv`` and ``output_history.csv``. ``"default"`` names the packaged,
Iran-shaped economy in ``sim/data``.

The cell-level accounting follows the input-output identity: a sector ``s`` spends, per unit of
output, ``sum_j a[j, s]`` on domestic inputs, ``m[s]`` on imported inputs and ``o[s]`` on inputs from
outside the modelled sectors, leaving value added ``v[s] = 1 - sum_j a[j, s] - m[s] - o[s]``
(Miller and Blair 2009, ch. 2).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from sim.economy.checks import (
    check_demand_per_sector,
    check_dimensions,
    check_firm_total,
    consecutive_months,
)
from sim.economy.tables import Column, check_codes, header, read_table
from sim.errors import InputError
from sim.paths import check_dir, exists_or_none

PRIORITY_TAGS = ("needs", "sensitive", "missing_link", "complex_export")

PROVINCE_COLUMNS = [
    Column("code", "code"),
    Column("name", "text"),
    Column("population", "number", positive=True),
    Column("name_fa", "text", default="-"),
    Column("lat", "number", default=0.0, low=-90, high=90),
    Column("lon", "number", default=0.0, low=-180, high=180),
    Column("region", "text", default="all"),
]
SECTOR_COLUMNS = [
    Column("code", "code"),
    Column("name", "text"),
    Column("kind", "text", choices=("mining", "manufacturing")),
    Column("import_share", "number", high=1.0),
    Column("inventory_months", "number", default=1.0),
    Column("labour_per_output", "number", default=0.0),
    Column("other_inputs_share", "number", default=0.0, high=1.0),
    Column("export_share", "number", default=0.0, high=1.0),
    Column("energy_intensive", "bool", default="false"),
    *[Column(tag, "bool", default="false") for tag in PRIORITY_TAGS],
]
IO_COLUMNS = [
    Column("input", "code"),
    Column("output", "code"),
    Column("coefficient", "number"),
    Column("critical", "bool", default="true"),
    Column("imported", "number", default=0.0),
]
DEMAND_COLUMNS = [Column("province", "code"), Column("sector", "code"), Column("demand", "number")]
CAPACITY_COLUMNS = [
    Column("province", "code"),
    Column("sector", "code"),
    Column("installed_ratio", "number", default=1.0),
    Column("peak_ratio", "number", default=1.0),
]
FIRM_COLUMNS = [Column("province", "code"), Column("sector", "code"), Column("firms", "integer")]
HISTORY_COLUMNS = [
    Column("province", "code"),
    Column("sector", "code"),
    Column("month", "month"),
    Column("output_index", "number", positive=True),
]


@dataclass
class Economy:
    """Provinces, sectors and their cell-level tables (province x sector).

    Attributes:
        provinces: One row a province: ``code, name, population, name_fa, lat, lon, region``.
        sectors: One row a sector: ``code, name, kind, import_share, inventory_months,
            labour_per_output, other_inputs_share, export_share, energy_intensive`` and the
            priority tags ``needs, sensitive, missing_link, complex_export``.
        a: Domestic technical coefficients ``a[j, s]``, input of sector j per unit output of s.
        critical: ``critical[j, s]`` is True when input j is essential to s (Leontief).
        imported: Imported input of sector j per unit output of s (columns sum to at most m[s]).
        final_demand: Final demand per month by province and sector, shape (P, S).
        firm_counts: Number of firms by province and sector, shape (P, S).
        installed_ratio: Installed capacity as a multiple of current output, shape (P, S).
        peak_ratio: 10-year peak output as a multiple of current output, shape (P, S).
        history: Monthly output index relative to current output, shape (P, S, H), or None.
        history_months: Labels of the history months (oldest first).
        source: The folder the economy was read from.
    """

    provinces: pd.DataFrame
    sectors: pd.DataFrame
    a: np.ndarray
    critical: np.ndarray
    imported: np.ndarray
    final_demand: np.ndarray
    firm_counts: np.ndarray
    installed_ratio: np.ndarray
    peak_ratio: np.ndarray
    history: np.ndarray | None = None
    history_months: list[str] = field(default_factory=list)
    source: str = "default"

    @property
    def n_provinces(self) -> int:
        return len(self.provinces)

    @property
    def n_sectors(self) -> int:
        return len(self.sectors)

    @property
    def province_codes(self) -> list[str]:
        return self.provinces["code"].tolist()

    @property
    def sector_codes(self) -> list[str]:
        return self.sectors["code"].tolist()

    @property
    def import_share(self) -> np.ndarray:
        return self.sectors["import_share"].to_numpy(float)

    @property
    def value_added_share(self) -> np.ndarray:
        """Value added per unit of output, ``v[s] = 1 - sum_j a[j, s] - m[s] - o[s]``."""
        other = self.sectors["other_inputs_share"].to_numpy(float)
        return 1.0 - self.a.sum(axis=0) - self.import_share - other

    @property
    def is_mining(self) -> np.ndarray:
        return (self.sectors["kind"] == "mining").to_numpy()

    def tag(self, name: str) -> np.ndarray:
        """Boolean sector mask of a priority tag or ``energy_intensive``."""
        return self.sectors[name].to_numpy(bool)


def default_data_dir() -> Path:
    """The packaged default economy."""
    return Path(str(resources.files("sim") / "data"))


def resolve_data_dir(data: str, relative_to: Path | None = None) -> Path:
    """Turn ``[economy] data`` into a folder: ``"default"`` or a path relative to the scenario."""
    if data == "default":
        return default_data_dir()
    path = Path(data)
    if not path.is_absolute() and relative_to is not None:
        path = relative_to / path
    return path


def load_economy(folder: str | Path = "default") -> Economy:
    """Load and check an economy from a data folder.

    Args:
        folder: A data folder, or ``"default"`` for the packaged economy.

    Returns:
        The checked economy.

    Raises:
        InputError: Naming the file, row or column and what was expected.
    """
    root = resolve_data_dir(str(folder)) if str(folder) == "default" else Path(folder)
    check_dir(root, "[economy] data", "an existing data folder")
    provinces = read_table(root / "provinces.csv", PROVINCE_COLUMNS, keys=["code"])
    sectors = read_table(root / "sectors.csv", SECTOR_COLUMNS, keys=["code"])
    if provinces.empty:
        raise InputError(root / "provinces.csv", "rows", "at least one province")
    if sectors.empty:
        raise InputError(root / "sectors.csv", "rows", "at least one sector")
    check_dimensions(root, len(provinces), len(sectors))
    p_codes, s_codes = provinces["code"].tolist(), sectors["code"].tolist()
    p_index = {c: i for i, c in enumerate(p_codes)}
    s_index = {c: i for i, c in enumerate(s_codes)}
    shape = (len(p_codes), len(s_codes))

    a, critical, imported = _read_coefficients(root / "io_coefficients.csv", s_codes, s_index)
    _check_value_added(root, sectors, a, imported)

    final_demand = _cell_table(
        root / "final_demand.csv", DEMAND_COLUMNS, "demand", p_codes, s_codes, p_index, s_index, 0.0
    )
    firm_path = root / "firms.csv"
    if exists_or_none(firm_path, "file"):
        firm_grid = _cell_table(firm_path, FIRM_COLUMNS, "firms", p_codes, s_codes, p_index, s_index, 0)
        check_firm_total(firm_path, firm_grid)
        firm_counts = firm_grid.astype(np.int64)
    else:
        firm_counts = np.ones(shape, dtype=np.int64)
        check_firm_total(firm_path, firm_counts)
    _check_firms(root, firm_counts, final_demand, p_codes, s_codes)
    check_demand_per_sector(root, final_demand, firm_counts, a, s_codes)

    installed, peak = np.ones(shape), np.ones(shape)
    cap_path = root / "capacity.csv"
    cap_table = None
    if exists_or_none(cap_path, "file"):
        cap_table = read_table(cap_path, CAPACITY_COLUMNS, keys=["province", "sector"])
        check_codes(cap_path, cap_table, "province", p_codes, "province")
        check_codes(cap_path, cap_table, "sector", s_codes, "sector")
        rows = (
            _positions(cap_table["province"], p_index),
            _positions(cap_table["sector"], s_index),
        )
        installed[rows] = cap_table["installed_ratio"].to_numpy()
        peak[rows] = cap_table["peak_ratio"].to_numpy()

    hist_path = root / "output_history.csv"
    history, months = _read_history(hist_path, p_codes, s_codes, p_index, s_index)
    peak_source, peak_key, where = cap_path, "peak_ratio", ""
    if history is not None:
        peak_source, peak_key, where = hist_path, "maximum output_index", " in capacity.csv"
        derived = history.max(axis=2)
        has_peak_column = cap_table is not None and "peak_ratio" in header(cap_path)
        if has_peak_column:
            mismatch = np.abs(derived - peak) > 1e-6 * np.maximum(1.0, peak)
            mismatch &= firm_counts > 0
            if mismatch.any():
                p, s = np.argwhere(mismatch)[0]
                raise InputError(
                    cap_path,
                    f"peak_ratio of {p_codes[p]}/{s_codes[s]}",
                    f"the maximum of output_history.csv ({derived[p, s]:.6g}), got {peak[p, s]:.6g}",
                )
        peak = derived
    bad = (peak > installed * (1 + 1e-12)) & (firm_counts > 0)
    if bad.any():
        p, s = np.argwhere(bad)[0]
        raise InputError(
            peak_source,
            f"{peak_key} of {p_codes[p]}/{s_codes[s]}",
            f"at most installed_ratio{where} ({installed[p, s]:g}), got {peak[p, s]:g}",
        )
    bad = (peak < 1.0 - 1e-12) & (firm_counts > 0)
    if bad.any():
        p, s = np.argwhere(bad)[0]
        raise InputError(
            peak_source,
            f"{peak_key} of {p_codes[p]}/{s_codes[s]}",
            f"at least 1 (the 10-year peak is at least current output), got {peak[p, s]:g}",
        )
    return Economy(
        provinces=provinces,
        sectors=sectors,
        a=a,
        critical=critical,
        imported=imported,
        final_demand=final_demand,
        firm_counts=firm_counts,
        installed_ratio=installed,
        peak_ratio=peak,
        history=history,
        history_months=months,
        source=str(folder),
    )


def _positions(codes: pd.Series, index: dict[str, int]) -> np.ndarray:
    """Positions of (already checked) codes, as an integer array even when the table is empty."""
    return codes.map(index).to_numpy(dtype=np.int64)


def _read_coefficients(
    path: Path, s_codes: list[str], s_index: dict[str, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    table = read_table(path, IO_COLUMNS, keys=["input", "output"])
    check_codes(path, table, "input", s_codes, "sector")
    check_codes(path, table, "output", s_codes, "sector")
    n = len(s_codes)
    a, critical, imported = np.zeros((n, n)), np.zeros((n, n), dtype=bool), np.zeros((n, n))
    rows = _positions(table["input"], s_index), _positions(table["output"], s_index)
    a[rows] = table["coefficient"].to_numpy()
    critical[rows] = table["critical"].to_numpy(bool)
    imported[rows] = table["imported"].to_numpy()
    critical &= a > 0
    return a, critical, imported


def _check_value_added(root: Path, sectors: pd.DataFrame, a: np.ndarray, imported: np.ndarray) -> None:
    m = sectors["import_share"].to_numpy(float)
    other = sectors["other_inputs_share"].to_numpy(float)
    spent = a.sum(axis=0) + m + other
    bad = np.flatnonzero(spent >= 1.0)
    if bad.size:
        s = sectors["code"].iloc[bad[0]]
        raise InputError(
            root / "io_coefficients.csv",
            f"column sum of output sector {s}",
            f"coefficients + import_share + other_inputs_share below 1 (leaving value added), got {spent[bad[0]]:.4g}",
        )
    over = np.flatnonzero(imported.sum(axis=0) > m + 1e-9)
    if over.size:
        s = sectors["code"].iloc[over[0]]
        raise InputError(
            root / "io_coefficients.csv",
            f"imported inputs of output sector {s}",
            f"a sum of at most import_share in sectors.csv ({m[over[0]]:g}), got {imported[:, over[0]].sum():.6g}",
        )


def _cell_table(
    path: Path,
    columns: list[Column],
    value: str,
    p_codes: list[str],
    s_codes: list[str],
    p_index: dict[str, int],
    s_index: dict[str, int],
    fill: float,
) -> np.ndarray:
    table = read_table(path, columns, keys=["province", "sector"])
    check_codes(path, table, "province", p_codes, "province")
    check_codes(path, table, "sector", s_codes, "sector")
    grid = np.full((len(p_codes), len(s_codes)), fill, dtype=float)
    grid[_positions(table["province"], p_index), _positions(table["sector"], s_index)] = table[value].to_numpy()
    return grid


def _check_firms(root: Path, firms: np.ndarray, demand: np.ndarray, p_codes: list[str], s_codes: list[str]) -> None:
    path = root / "firms.csv"
    empty_p = np.flatnonzero(firms.sum(axis=1) == 0)
    if empty_p.size:
        raise InputError(path, f"province {p_codes[empty_p[0]]}", "at least one firm, got none")
    empty_s = np.flatnonzero(firms.sum(axis=0) == 0)
    if empty_s.size:
        raise InputError(path, f"sector {s_codes[empty_s[0]]}", "at least one firm, got none")
    orphan = (demand > 0) & (firms == 0)
    if orphan.any():
        p, s = np.argwhere(orphan)[0]
        raise InputError(
            root / "final_demand.csv",
            f"province {p_codes[p]}, sector {s_codes[s]}",
            "final demand only where firms.csv has firms",
        )


def _read_history(
    path: Path,
    p_codes: list[str],
    s_codes: list[str],
    p_index: dict[str, int],
    s_index: dict[str, int],
) -> tuple[np.ndarray | None, list[str]]:
    if not exists_or_none(path, "file"):
        return None, []
    table = read_table(path, HISTORY_COLUMNS, keys=["province", "sector", "month"])
    check_codes(path, table, "province", p_codes, "province")
    check_codes(path, table, "sector", s_codes, "sector")
    months = consecutive_months(path, table["month"], len(p_codes) * len(s_codes))
    m_index = {m: i for i, m in enumerate(months)}
    history = np.ones((len(p_codes), len(s_codes), len(months)))
    history[
        _positions(table["province"], p_index),
        _positions(table["sector"], s_index),
        _positions(table["month"], m_index),
    ] = table["output_index"].to_numpy()
    return history, months
