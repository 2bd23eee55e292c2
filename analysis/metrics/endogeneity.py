"""Endogeneity: where growth came from, and whether it lasts.

The split compares a run ``X`` with its *paired* run ``P``: the same scenario and the same seed
(common random numbers) with the exogenous shocks switched off (see
:func:`analysis.metrics.pairing.shock_free`). Both start from the same state at month 0. For a
cell ``c`` with value added per unit of output ``v_c`` (fixed per sector), output ``x_c``, 10-year
peak at month 0 ``p_c`` and installed capacity at month 0 ``K_c``, the growth of national value
added over the run, ``dV = V^X_T - V_0``, splits exactly into

    dV = C_idle + C_new + C_exo

    C_idle = sum_c v_c [min(x^P_cT, p_c) - min(x_c0, p_c)]   idle capacity recovered: output
                                                              regained up to the 10-year peak;
    C_new  = sum_c v_c [max(x^P_cT, p_c) - max(x_c0, p_c)]   new capacity: output beyond the peak,
                                                              on capacity unused for ten years or
                                                              newly installed (of which
                                                              C_installed = the same with K_c for p_c,
                                                              beyond initial installed capacity);
    C_exo  = V^X_T - V^P_T                                    exogenous movement (shocks, demand).

(``min(a, p) + max(a, p) = a + p`` makes the first two sum to ``V^P_T - V_0``.) Shares are of the
gross movement, ``share_k = C_k / (|C_idle| + |C_new| + |C_exo|)``, so they sum to one when the
parts have the same sign and stay bounded when they do not; ``endogenous_share = (C_idle + C_new)
/ (|C_idle| + |C_new| + |C_exo|)`` is 1 for a run without exogenous shocks. Without a paired run
the split is not identified and the shares are NaN.

Whether growth lasts, from the national path ``V``:

- ``persistence``: the share of the largest gain still held ``k`` months later (default 12),
  ``clip((V_{t*+k} - V_0) / (V_{t*} - V_0), 0, 1)`` with ``t* = argmax_{t <= T-k} V_t`` (0: the
  whole gain lost, whatever happened below the start, which ``reversal`` records); NaN when there
  was no gain;
- ``reversal``: 1 if national value added ever falls more than ``REVERSAL_BAND`` (1%, the band of
  the recovery time) below its starting level, else 0 (its mean over runs is the chance of
  reversal; the band keeps month-to-month noise from counting); ``reversal_provinces``: the share
  of provinces whose value added does.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.metrics.series import by_key, endpoints, national

PERSISTENCE_MONTHS = 12
REVERSAL_BAND = 0.01
KEYS = (
    "idle_recovered_share",
    "new_capacity_share",
    "exogenous_share",
    "endogenous_share",
    "persistence",
    "reversal",
    "reversal_provinces",
)


def components(frame: pd.DataFrame, paired: pd.DataFrame | None) -> dict[str, float]:
    """``C_idle, C_new, C_installed, C_exo`` and ``dV`` in value added per month.

    Without ``paired`` the capacity split is computed on the run itself and ``C_exo`` is NaN.
    """
    first, last, _ = endpoints(frame)
    endogenous = last if paired is None else endpoints(paired)[1].reindex(first.index)
    output0 = first["output"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        v = np.where(output0 > 0, first["value_added"].to_numpy() / output0, 0.0)
    peak, installed = first["peak_output"].to_numpy(), first["installed_capacity"].to_numpy()
    x1 = endogenous["output"].to_numpy()
    idle = float(np.sum(v * (np.minimum(x1, peak) - np.minimum(output0, peak))))
    new = float(np.sum(v * (np.maximum(x1, peak) - np.maximum(output0, peak))))
    new_installed = float(np.sum(v * (np.maximum(x1, installed) - np.maximum(output0, installed))))
    total = float(last["value_added"].sum() - first["value_added"].sum())
    exo = float(last["value_added"].sum() - endogenous["value_added"].sum()) if paired is not None else float("nan")
    return {
        "idle_recovered": idle,
        "new_capacity": new,
        "new_installed": new_installed,
        "exogenous": exo,
        "total": total,
    }


def shares(parts: dict[str, float]) -> dict[str, float]:
    """Shares of the gross movement ``|C_idle| + |C_new| + |C_exo|`` (NaN without a pair)."""
    idle, new, exo = parts["idle_recovered"], parts["new_capacity"], parts["exogenous"]
    gross = abs(idle) + abs(new) + abs(exo)
    if not np.isfinite(gross) or gross == 0:
        return dict.fromkeys(
            ("idle_recovered_share", "new_capacity_share", "exogenous_share", "endogenous_share"), np.nan
        )
    return {
        "idle_recovered_share": idle / gross,
        "new_capacity_share": new / gross,
        "exogenous_share": exo / gross,
        "endogenous_share": (idle + new) / gross,
    }


def persistence(values: np.ndarray, k: int = PERSISTENCE_MONTHS) -> float:
    """``clip((V_{t*+k} - V_0) / (V_{t*} - V_0), 0, 1)``, ``t* = argmax_{t <= T-k} V_t``."""
    values = np.asarray(values, float)
    if values.size <= k:
        return float("nan")
    peak_month = int(np.argmax(values[: values.size - k]))
    gain = values[peak_month] - values[0]
    if gain <= 1e-9 * abs(values[0]):
        return float("nan")
    return float(np.clip((values[peak_month + k] - values[0]) / gain, 0.0, 1.0))


def reversed_below_start(values: np.ndarray, band: float = REVERSAL_BAND) -> bool:
    """Whether a path ever falls more than ``band`` below its first value."""
    values = np.asarray(values, float)
    return bool(np.any(values[1:] < values[0] * (1.0 - band)))


def endogeneity(frame: pd.DataFrame, paired: pd.DataFrame | None = None) -> tuple[dict[str, float], dict]:
    """Endogeneity metrics of a run (flat) and the components of its growth.

    Args:
        frame: Trajectories of the run.
        paired: Trajectories of its shock-free paired run (same seed), if any.
    """
    parts = components(frame, paired)
    flat = shares(parts) if paired is not None else shares({**parts, "exogenous": float("nan")})
    flat["persistence"] = persistence(national(frame).to_numpy())
    flat["reversal"] = float(reversed_below_start(national(frame).to_numpy()))
    provinces = by_key(frame, "province", "value_added")
    fell = [reversed_below_start(provinces[p].to_numpy()) for p in provinces.columns]
    flat["reversal_provinces"] = float(np.mean(fell)) if fell else float("nan")
    flat = {key: flat[key] for key in KEYS}
    return flat, {"components": parts, "paired": paired is not None}
