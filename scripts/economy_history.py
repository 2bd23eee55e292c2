"""The default economy's output history, 1390-1399 (annual paths by group, sector, cell; then months), and capacity.

Part of ``build_default_economy.py`` (which writes ``sim/data/output_history.csv`` from it): the
illustrative growth figures below are shaped on the published ones in ``facts/SOURCES.md``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SIG_DIGITS = 6  # significant digits of written floats
N_YEARS = 10  # Iranian years 1390-1399
FIRST_MONTH = "2011-04"  # Farvardin 1390 starts 21 March 2011
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
    ``lambda_c`` the cell's amplitude (lognormal, sd ``CELL_AMPLITUDE_SD``, alike in every province),
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
    amplitude = rng.lognormal(0.0, CELL_AMPLITUDE_SD, size=n_cells)
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
