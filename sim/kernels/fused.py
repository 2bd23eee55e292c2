"""The line rules of production and inventories for an ensemble's (R, P) arrays, fused and compiled with Numba.

A run alone evaluates each line rule of :mod:`sim.engine.phases` as a handful of numpy calls over
its P input lines (:class:`sim.kernels.lines.InputLines`). An ensemble (:mod:`sim.engine.ensemble`)
makes the same calls on (R, P) arrays, and at the default economy (82,872 lines) and R = 16 each
temporary is 10 MB: every call streams its operands and result through memory instead of the CPU's
cache, and a rule of six calls makes six passes. The loops below do the work of a rule in one
pass over a run's lines, run after run (a run's lines, 0.7 MB an array, stay in the cache), with
no temporaries.

Every value is computed with the same operations, in the same order, as the numpy rule it
replaces (no fused multiply-add: Numba does not contract ``a * b + c`` without ``fastmath``), and
minima and maxima follow numpy's ``minimum``/``maximum`` (a NaN wins): an ensemble's runs stay
equal to runs alone bit for bit (``tests/test_ensemble.py``, which also runs the numpy path).
Division follows numpy (``error_model="numpy"``: ``x / 0`` is ``inf`` or ``nan``, as in the rule).
The rules divide by the pace ``tau`` as they multiply by ``restore_rate = 1 / tau`` (rounded once,
:class:`sim.engine.plan.StepRates`), in both writings: a multiplication costs a fraction of a
division, and the orders loop made two a line (measured: the loop 12% faster).

The rules, for line ``p`` of buyer ``k`` (pairs sorted by buyer, firm ``k`` owning lines
``first[k] .. first[k + 1] - 1``):

- input bound (production): ``X_k = min_p X_p``, ``X_p = S_p / (a_p dt)`` for a critical input and
  ``(S_p / (a_p dt) + K_k) / 2`` otherwise (``inf`` for a firm without lines);
- inputs used (production): ``U_p = (x_k a_p) dt``, at most ``S_p`` for a non-critical input;
- orders (inventories): with ``S_p`` first updated, ``(S_p + R_p) - U_p`` (received, used), checked
  (finite, at least minus the tolerance times the run's largest use) and raised to 0,
  ``O_p = max(((f_k u_p - S_p) / tau) + u_p, F_p)``, ``u_p = x^d_k (a_p dt)``, the floor
  ``F_p = max(0, x_F a_p dt - g_k max(0, S_p - f_k (q_k (a_p dt))) / tau)`` with the floor's output
  ``x_F = x_k`` where ``x^d_k < q_k`` (capacity-bound), 0 elsewhere, and ``g_k = 1`` where readiness
  binds (``K_op <= x^d_k < q_k``), 0 elsewhere.

Numba is a dependency of growthsim; :func:`compiled` returns ``None`` (and the phases keep their
numpy rules) for runs alone, and for ensembles when :data:`USE_NUMBA` is off (the test of the
numpy path for ensembles switches it off).
"""

from __future__ import annotations

from functools import lru_cache
from types import SimpleNamespace

import numpy as np

from sim.kernels.compiled import compile_loops

USE_NUMBA = True
"""Ensembles use the compiled loops (tests switch it off to check the numpy rules on (R, P) arrays)."""


def _input_bound(stock, coef, critical, capacity_bound, dt, first, out):  # pragma: no cover - compiled
    runs, n = out.shape
    for r in range(runs):
        s_row = stock[r]
        k_row = capacity_bound[r]
        o_row = out[r]
        for k in range(n):
            lo = first[k]
            hi = first[k + 1]
            m = np.inf
            for p in range(lo, hi):
                cover = s_row[p] / (coef[p] * dt)
                v = cover if critical[p] else 0.5 * (cover + k_row[k])
                if p == lo or (m == m and (v < m or v != v)):  # the first line, then np.minimum (a NaN wins)
                    m = v
            o_row[k] = m


def _inputs_used(output, coef, critical, stock, dt, first, out):  # pragma: no cover - compiled
    runs, n = output.shape
    for r in range(runs):
        x_row = output[r]
        s_row = stock[r]
        u_row = out[r]
        for k in range(n):
            x = x_row[k]
            for p in range(first[k], first[k + 1]):
                need = x * coef[p] * dt
                if critical[p]:
                    u_row[p] = need
                else:
                    s = s_row[p]
                    u_row[p] = need if (need <= s or need != need) else s  # np.minimum(need, S)


def _orders(  # pragma: no cover - compiled
    stock,
    received,
    used,
    lowest,
    coef,
    desired,
    stock_factor,
    planned,
    operable,
    output,
    dt,
    restore_rate,
    first,
    out,
    bad,
):
    """The stock update ``S <- (S + R) - U``, its check, and the orders from the stock raised to 0.

    ``O = max(F, u + (f u - S) / tau)``; ``F = a x dt`` where a shock binds (``x^d < min(q, K_op)``),
    ``F = max(0, a x dt - max(0, S - f a q dt) / tau)`` where readiness binds (``K_op <= x^d < q``):
    inventories' ``order_of``. Returns the first flat index ``r P + p`` of a stock after the update
    that is not finite or below ``lowest[r]`` (-1 if none), its value in ``bad[0]``.
    """
    runs, n = desired.shape
    lines = stock.shape[1]
    first_bad = -1
    for r in range(runs):
        s_row = stock[r]
        in_row = received[r]
        use_row = used[r]
        least_stock = lowest[r]
        d_row = desired[r]
        q_row = planned[r]
        k_row = operable[r]
        x_row = output[r]
        o_row = out[r]
        for k in range(n):
            d = d_row[k]
            q = q_row[k]
            factor = stock_factor[k]
            floor = x_row[k] if d < q else 0.0  # np.where(x^d < q, x, 0): a capacity-bound firm's output
            narrow = 1.0 if (d < q and d >= k_row[k]) else 0.0  # readiness binds: the floor lets excess go
            for p in range(first[k], first[k + 1]):
                s = s_row[p] + in_row[p]
                s -= use_row[p]
                if first_bad < 0 and not (s >= least_stock and s < np.inf):  # the check: finite, >= -tol scale
                    first_bad = r * lines + p
                    bad[0] = s
                if not (s >= 0.0 or s != s):  # np.maximum(S, 0)
                    s = 0.0
                s_row[p] = s
                a_dt = coef[p] * dt
                use = d * a_dt
                refill = (factor * use - s) * restore_rate + use
                excess = s - factor * (q * a_dt)  # S - T_q, then np.maximum(., 0)
                if not (excess >= 0.0 or excess != excess):
                    excess = 0.0
                least = floor * a_dt - excess * narrow * restore_rate  # F, then np.maximum(., 0)
                if not (least >= 0.0 or least != least):
                    least = 0.0
                o_row[p] = refill if (refill >= least or refill != refill) else least  # np.maximum
    return first_bad


@lru_cache(maxsize=1)
def _kernels() -> SimpleNamespace | None:
    """The compiled loops (Numba imported on first use: ``import sim`` stays light), or ``None``."""
    return compile_loops(input_bound=_input_bound, inputs_used=_inputs_used, orders=_orders)


def compiled(values: np.ndarray) -> SimpleNamespace | None:
    """The compiled loops for an ensemble's firm or line array ``values`` (2-D), else ``None``."""
    if not USE_NUMBA or values.ndim != 2:
        return None
    return _kernels()


def input_bound(
    kernels: SimpleNamespace,
    first: np.ndarray,
    stock: np.ndarray,
    coef: np.ndarray,
    critical: np.ndarray,
    capacity_bound: np.ndarray,
    dt: float,
) -> np.ndarray:
    """``X_k = min_p X_p`` of every run and firm, (R, N): production's rule ``input_bound_of``.

    Args:
        kernels: :func:`compiled`'s loops.
        first: ``first[k]``, the first line of firm ``k``, and the number of lines last, (N + 1,).
        stock: Input stocks ``S``, (R, P).
        coef: Coefficients ``a``, (P,).
        critical: Whether each line's input is critical, (P,).
        capacity_bound: ``K`` of each firm, (R, N).
        dt: The step, months.
    """
    out = np.empty(capacity_bound.shape)
    kernels.input_bound(stock, coef, critical, capacity_bound, float(dt), first, out)
    return out


def inputs_used(
    kernels: SimpleNamespace,
    first: np.ndarray,
    output: np.ndarray,
    coef: np.ndarray,
    critical: np.ndarray,
    stock: np.ndarray,
    dt: float,
    out: np.ndarray,
) -> np.ndarray:
    """``U_p`` of every run and line into ``out`` (R, P), returned: production's rule ``used_of``."""
    kernels.inputs_used(output, coef, critical, stock, float(dt), first, out)
    return out


def orders(
    kernels: SimpleNamespace,
    first: np.ndarray,
    stock: np.ndarray,
    received: np.ndarray,
    used: np.ndarray,
    lowest: np.ndarray,
    coef: np.ndarray,
    desired: np.ndarray,
    stock_factor: np.ndarray,
    planned: np.ndarray,
    operable: np.ndarray,
    output: np.ndarray,
    dt: float,
    restore_rate: float,
    out: np.ndarray,
) -> tuple[int, float]:
    """The stock update and ``O_p`` of every run and line into ``out`` (R, P): inventories' rules.

    ``stock`` (R, P) becomes ``(S + R) - U`` (``received`` and ``used``, (R, P)), checked as
    :func:`sim.engine.phases.accounting.check` checks it (finite and at least ``lowest[r]``, minus
    the tolerance times the run's scale), then raised to 0 in place (``np.maximum(S, 0, out=S)``),
    in the one pass over the lines that computes the orders. The floor
    ``F = max(0, a x_F dt - g max(0, S - f a q dt) / tau)`` is taken firm by firm in the loop: its
    output ``x_F`` is ``x`` where ``x^d < q`` and 0 elsewhere, ``g`` is 1 where readiness binds
    (``K_op <= x^d < q``) and 0 elsewhere (inventories' ``floor_output`` and ``narrow``, without
    their (R, N) temporaries): ``desired`` ``x^d``, ``planned`` ``q``, ``operable`` ``K_op`` and
    ``output`` ``x`` are (R, N).

    Returns:
        The first flat index ``r P + p`` whose stock failed the check (-1: none) and that stock.
    """
    bad = np.zeros(1)
    where = kernels.orders(
        stock,
        received,
        used,
        np.ascontiguousarray(lowest, dtype=np.float64).reshape(-1),
        coef,
        desired,
        stock_factor,
        planned,
        operable,
        output,
        float(dt),
        float(restore_rate),
        first,
        out,
        bad,
    )
    return int(where), float(bad[0])
