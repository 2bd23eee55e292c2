"""Re-routing's per-line work for the runs of an ensemble, compiled with Numba.

:class:`sim.engine.reroute.Router` recomputes, each step a few suppliers are not trusted fully,
the order shares of the lines they serve, and the supplier products then add the change of those
links' shares to the plan's products (:class:`sim.engine.reroute.Routing`). In numpy that is
``np.unique`` over the distrusted suppliers' lines, ragged index arrays and ``bincount`` sums:
about a millisecond a step at the default economy (profiled), for every run of an ensemble. The
loops below do the same work in one pass each; an ensemble's routings use them
(``Routing(..., compiled=True)``), runs alone keep the numpy code, which is the reference.

Every value is computed as the numpy code computes it: a line's sums ``L_p = sum_e b_e (1 - rho_e)``
and ``C_p = sum_e s_e rho_e`` over its links in order from zero (as ``bincount`` accumulates),
the share ``w_e = ((s_e (L_p / C_p)) + b_e) rho_e`` (the base share where ``C_p <= 0``), the lines
taken in increasing order (as ``np.unique`` returns them), so the touched links and their order are
the same; and a product's change accumulated link by link into zeroed bins, then added to the
plan's product everywhere (as ``out += np.bincount(...)``). Runs stay equal to runs alone bit for
bit (``tests/test_ensemble.py``).
"""

from __future__ import annotations

from functools import lru_cache
from types import SimpleNamespace

import numpy as np


def _update_lines(  # pragma: no cover - compiled
    before,
    distrusted,
    reliability,
    supplier_ptr,
    supplier_pairs,
    pair_ptr,
    link_supplier,
    base,
    standby,
    share,
    mark,
    links,
    change,
):
    """Shares of the lines served by ``distrusted`` (the links ``before`` first back at base); their
    links into ``links`` and ``w_e - b_e`` into ``change``, their count returned."""
    for e in before:
        share[e] = base[e]
    for k in distrusted:
        for i in range(supplier_ptr[k], supplier_ptr[k + 1]):
            mark[supplier_pairs[i]] = True
    n = 0
    for p in range(mark.size):
        if not mark[p]:
            continue
        mark[p] = False
        lo = pair_ptr[p]
        hi = pair_ptr[p + 1]
        lost = 0.0
        capacity = 0.0
        for e in range(lo, hi):
            rho = reliability[link_supplier[e]]
            lost += base[e] * (1.0 - rho)
            capacity += standby[e] * rho
        stuck = capacity <= 0.0
        if not stuck:
            lost = lost / capacity
        for e in range(lo, hi):
            if stuck:
                share[e] = base[e]
            else:
                new = standby[e] * lost
                new += base[e]
                new *= reliability[link_supplier[e]]
                share[e] = new
            links[n] = e
            change[n] = share[e] - base[e]
            n += 1
    return n


def _add_change(links, change, into_of_link, from_of_link, values, out, bins, seen):  # pragma: no cover - compiled
    """``out += bincount(into_of_link[links], change * values[from_of_link[links]], out.size)``.

    ``bins`` (zeros) and ``seen`` (all false), both ``out.size`` long, are left as they were found.
    Only the entries the links reach change: elsewhere ``out + 0.0`` is ``out`` (a product's
    entries, sums from ``+0.0``, are never ``-0.0``).
    """
    for i in range(links.size):
        e = links[i]
        bins[into_of_link[e]] += change[i] * values[from_of_link[e]]
    for i in range(links.size):
        k = into_of_link[links[i]]
        if not seen[k]:
            seen[k] = True
            out[k] += bins[k]
    for i in range(links.size):
        k = into_of_link[links[i]]
        seen[k] = False
        bins[k] = 0.0


@lru_cache(maxsize=1)
def kernels() -> SimpleNamespace | None:
    """The compiled loops (Numba imported on first use), or ``None`` without Numba."""
    try:
        import numba
    except ImportError:  # pragma: no cover - numba is a dependency; a broken install falls back to numpy
        return None
    jit = numba.njit(cache=True, nogil=True, error_model="numpy")
    return SimpleNamespace(update_lines=jit(_update_lines), add_change=jit(_add_change))


class Scratch:
    """Work arrays of :func:`add_change` for outputs of one length (zeros and false, as left after each call)."""

    def __init__(self, size: int) -> None:
        self.bins = np.zeros(size)
        self.seen = np.zeros(size, dtype=np.bool_)


def add_change(
    loops: SimpleNamespace,
    links: np.ndarray,
    change: np.ndarray,
    into_of_link: np.ndarray,
    from_of_link: np.ndarray,
    values: np.ndarray,
    out: np.ndarray,
    scratch: Scratch,
) -> None:
    """``out += np.bincount(into_of_link[links], change * values[from_of_link[links]], out.size)`` in place.

    Args:
        loops: :func:`kernels`.
        links: The links off their base shares, increasing.
        change: Their shares' change from base, ``w_e - b_e``.
        into_of_link: Where each link's term goes (its supplier, its line, or its class row).
        from_of_link: Which value each link's term multiplies (its line or its supplier).
        values: The values the product multiplies.
        out: The plan's product, to which the change is added.
        scratch: Work arrays as long as ``out``.
    """
    loops.add_change(links, change, into_of_link, from_of_link, values, out, scratch.bins, scratch.seen)
