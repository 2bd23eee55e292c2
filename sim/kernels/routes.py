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

from sim.kernels.compiled import compile_loops, prefetch_intrinsic

AHEAD = 8
"""Lines :func:`_update_lines` asks the memory for ahead of the one it computes (measured: about
a third less time a call on an ensemble's cold caches, 8 to 32 alike)."""


def prefetch(array, index):  # pragma: no cover - replaced by the intrinsic when compiled
    """No-op stand-in for :func:`sim.kernels.compiled.prefetch_intrinsic` (called uncompiled)."""


def _update_lines(  # pragma: no cover - compiled
    write_share,
    before,
    distrusted,
    reliability,
    supplier_ptr,
    supplier_pairs,
    pair_ptr,
    table,
    share,
    mark,
    found,
    links,
    change,
    link_line,
    link_firm,
):
    """Shares of the lines served by ``distrusted``: their links into ``links``, ``w_e - b_e`` into
    ``change``, each link's line and supplier into ``link_line`` and ``link_firm``; their count
    returned. With ``write_share``, also ``w_e`` into ``share`` (the links ``before`` first back at
    base). ``table[e]`` is link ``e``'s base share, standby size and supplier, side by side: one
    trip to memory a link. The lines go into ``found`` first (increasing), so that the loop over
    them can ask for the table rows of the line :data:`AHEAD` lines on while it computes this one:
    the lines are scattered over the table, and each one's first read would otherwise wait for
    memory on its own."""
    if write_share:
        for e in before:
            share[e] = table[e, 0]
    for k in distrusted:
        for i in range(supplier_ptr[k], supplier_ptr[k + 1]):
            mark[supplier_pairs[i]] = True
    m = 0
    for p in range(mark.size):
        if not mark[p]:
            continue
        mark[p] = False
        found[m] = p
        m += 1
    flat = table.reshape(table.size)
    for i in range(min(AHEAD, m)):
        prefetch(flat, 3 * pair_ptr[found[i]])
    n = 0
    for i in range(m):
        if i + AHEAD < m:
            ahead = 3 * pair_ptr[found[i + AHEAD]]
            prefetch(flat, ahead)
            # a line's links (about four, 24 bytes each) may span two cache lines
            prefetch(flat, min(ahead + 8, flat.size - 1))
        p = found[i]
        lo = pair_ptr[p]
        hi = pair_ptr[p + 1]
        lost = 0.0
        capacity = 0.0
        for e in range(lo, hi):
            rho = reliability[int(table[e, 2])]
            lost += table[e, 0] * (1.0 - rho)
            capacity += table[e, 1] * rho
        stuck = capacity <= 0.0
        if not stuck:
            lost = lost / capacity
        for e in range(lo, hi):
            b = table[e, 0]
            k = int(table[e, 2])
            if stuck:
                new = b
            else:
                new = table[e, 1] * lost
                new += b
                new *= reliability[k]
            if write_share:
                share[e] = new
            links[n] = e
            change[n] = new - b
            link_line[n] = p
            link_firm[n] = k
            n += 1
    return n


def _judge_runs(  # pragma: no cover - compiled
    reliability, output, intermediate, weight, trusted, supplier_ptr, distrusted, count, served, lowest
):
    """Every run's fill rates, smoothed reliability and distrusted suppliers, in one pass.

    For run ``r`` and firm ``k``: ``f = x / I`` where ``I > 0`` (else 1), at most 1 (``np.minimum``:
    a NaN stays); ``rho <- rho + w (f - rho)``, set to 1 from ``trusted`` up (in place). The
    suppliers with ``rho < 1`` go, increasing, into ``distrusted[r, :count[r]]``, the links they
    serve summed into ``served[r]``; ``lowest[r]`` is 1 where every ``rho >= 1``, 0 where some
    ``rho < 1`` and none is NaN, -1 where one is NaN (the sign of ``np.minimum.reduce(rho,
    initial=1) - 1``, NaN taken as -1).
    """
    runs, n = reliability.shape
    for r in range(runs):
        c = 0
        links = 0
        nan = False
        for k in range(n):
            i = intermediate[r, k]
            f = 1.0
            if i > 0:
                f = output[r, k] / i
            if not (f <= 1.0 or f != f):  # np.minimum(f, 1.0)
                f = 1.0
            rho = reliability[r, k]
            rho = rho + weight * (f - rho)
            if rho >= trusted:
                rho = 1.0
            reliability[r, k] = rho
            if rho < 1.0:
                distrusted[r, c] = k
                c += 1
                links += supplier_ptr[k + 1] - supplier_ptr[k]
            elif rho != rho:
                nan = True
        count[r] = c
        served[r] = links
        lowest[r] = -1 if nan else (0 if c > 0 else 1)


def _add_to_suppliers(link_firm, link_line, change, values, out, bins, seen):  # pragma: no cover - compiled
    """``out += bincount(link_firm, change * values[link_line], out.size)``.

    ``bins`` (zeros) and ``seen`` (all false), both ``out.size`` long, are left as they were found.
    Only the suppliers the links reach change: elsewhere ``out + 0.0`` is ``out`` (a product's
    entries, sums from ``+0.0``, are never ``-0.0``).
    """
    for i in range(link_firm.size):
        bins[link_firm[i]] += change[i] * values[link_line[i]]
    for i in range(link_firm.size):
        k = link_firm[i]
        if not seen[k]:
            seen[k] = True
            out[k] += bins[k]
    for i in range(link_firm.size):
        k = link_firm[i]
        seen[k] = False
        bins[k] = 0.0


def _add_to_lines(link_line, link_firm, change, values, out):  # pragma: no cover - compiled
    """``out += bincount(link_line, change * values[link_firm], out.size)`` for ``link_line`` non-decreasing.

    A line's links are consecutive: their terms are summed from zero in order, then added to the line.
    """
    n = link_line.size
    i = 0
    while i < n:
        p = link_line[i]
        total = 0.0
        while i < n and link_line[i] == p:
            total += change[i] * values[link_firm[i]]
            i += 1
        out[p] += total


@lru_cache(maxsize=1)
def kernels() -> SimpleNamespace | None:
    """The compiled loops (Numba imported on first use), or ``None`` without Numba."""
    global prefetch
    try:
        prefetch = prefetch_intrinsic()  # the loops below compile with the real prefetch
    except ImportError:  # pragma: no cover - numba is a dependency
        return None
    return compile_loops(
        update_lines=_update_lines,
        add_to_suppliers=_add_to_suppliers,
        add_to_lines=_add_to_lines,
        judge_runs=_judge_runs,
    )


class Scratch:
    """Work arrays of the compiled loops, shared by the routers of one ensemble (used one run at a time).

    ``mark``, ``bins`` and ``seen`` are left as found (false, zeros) by every call; the others hold
    a call's results until the caller copies them.

    Args:
        links: Links of the network (``route_of_pair.nnz``).
        lines: Input lines (pairs).
        firms: Firms.
    """

    def __init__(self, links: int, lines: int, firms: int) -> None:
        self.mark = np.zeros(lines, dtype=np.bool_)
        self.found = np.empty(lines, dtype=np.intp)
        self.links = np.empty(links, dtype=np.intp)
        self.change = np.empty(links)
        self.link_line = np.empty(links, dtype=np.intp)
        self.link_firm = np.empty(links, dtype=np.intp)
        self.bins = np.zeros(firms)
        self.seen = np.zeros(firms, dtype=np.bool_)


def add_to_suppliers(
    loops: SimpleNamespace,
    link_firm: np.ndarray,
    link_line: np.ndarray,
    change: np.ndarray,
    line_values: np.ndarray,
    out: np.ndarray,
    scratch: Scratch,
) -> None:
    """``out += np.bincount(link_firm, change * line_values[link_line], out.size)`` in place: ``M_0 O`` to ``M O``.

    Args:
        loops: :func:`kernels`.
        link_firm: Supplier of each link off its base share (links increasing).
        link_line: Line of each of those links.
        change: Their shares' change from base, ``w_e - b_e``.
        line_values: The line values ``O`` the product sums.
        out: The plan's product, by supplier, to which the change is added.
        scratch: Work arrays as long as ``out``.
    """
    loops.add_to_suppliers(link_firm, link_line, change, line_values, out, scratch.bins, scratch.seen)


def add_to_lines(
    loops: SimpleNamespace,
    link_line: np.ndarray,
    link_firm: np.ndarray,
    change: np.ndarray,
    supplier_values: np.ndarray,
    out: np.ndarray,
) -> None:
    """``out += np.bincount(link_line, change * supplier_values[link_firm], out.size)``: ``M_0^T f`` to ``M^T f``.

    In place. ``link_line`` is non-decreasing (the links increase, and a line's links are consecutive).
    """
    loops.add_to_lines(link_line, link_firm, change, supplier_values, out)
