"""Sums over each cell's firms or lines for an ensemble's (R, N) and (R, P) arrays, compiled with Numba.

The records of :mod:`sim.engine.record` sum firm and line values by cell with ``np.add.reduceat``,
which costs a fixed amount per segment and run (about 870 cells of 15 firms at the default
economy, 17 columns a step). The compiled passes below sum each segment as ``reduceat`` does, bit
for bit: the first value, plus numpy's pairwise sum of the rest (one accumulator under 8 values,
eight interleaved accumulators combined as ``((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))``
up to 128, halves at a multiple of 8 beyond; numpy's ``pairwise_sum``), checked against
``reduceat`` for every segment length to 700 (``tests/test_fused_kernels.py``).
:func:`segment_sum` (one array's sums by segment) is ``reduceat`` itself, faster than a compiled
loop of one array.

:func:`record_firm_columns` takes a step's firm columns of the records in one compiled pass a run,
cell by cell: the values of every column for the cell's firms (a state array's value, or a product
or clip of them as in the numpy expressions of :meth:`sim.engine.record.Recorder.record`) side by
side in a small work array, then every column's sum as above, the 16 columns' additions
interleaved (each column's own sum in numpy's order: independent additions that need not wait for
one another, where a column's sum over a cell's few firms alone is a chain of dependent
additions), and the output and potential output less output by cell and binding constraint summed
firm by firm from zero (as ``np.bincount`` sums its weights): the same values bit for bit, without
a temporary array a column.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy as np


def _pairwise_flat(values, lo, n):  # pragma: no cover - compiled
    """numpy's pairwise sum of ``values[lo : lo + n]`` for ``n <= 128`` (not recursive, so the compiler inlines it)."""
    if n < 8:
        total = 0.0
        for i in range(n):
            total += values[lo + i]
        return total
    r0, r1, r2, r3 = values[lo], values[lo + 1], values[lo + 2], values[lo + 3]
    r4, r5, r6, r7 = values[lo + 4], values[lo + 5], values[lo + 6], values[lo + 7]
    i = 8
    whole = n - n % 8
    while i < whole:
        r0 += values[lo + i]
        r1 += values[lo + i + 1]
        r2 += values[lo + i + 2]
        r3 += values[lo + i + 3]
        r4 += values[lo + i + 4]
        r5 += values[lo + i + 5]
        r6 += values[lo + i + 6]
        r7 += values[lo + i + 7]
        i += 8
    total = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        total += values[lo + i]
        i += 1
    return total


def _pairwise_deep(values, lo, n, stack, left):  # pragma: no cover - compiled
    """numpy's pairwise sum of ``values[lo : lo + n]``, any ``n``: halves at a multiple of 8 beyond
    128 values, summed left + right, on an explicit stack rather than by recursion (a function that
    calls a recursive one does not load from Numba's cache: it crashed). ``stack`` (64, 3) intp and
    ``left`` (64,) float are work arrays."""
    if n <= 128:
        return _pairwise_flat(values, lo, n)
    top = 0
    stack[0, 0], stack[0, 1], stack[0, 2] = lo, n, 0
    while True:
        start, m = stack[top, 0], stack[top, 1]
        if m > 128:  # split: the left half first
            half = m // 2
            half -= half % 8
            top += 1
            stack[top, 0], stack[top, 1], stack[top, 2] = start, half, 0
            continue
        value = _pairwise_flat(values, start, m)
        top -= 1
        while top >= 0:
            if stack[top, 2] == 0:  # the left half done: keep it, then the right half
                left[top] = value
                stack[top, 2] = 1
                half = stack[top, 1] // 2
                half -= half % 8
                stack[top + 1, 0], stack[top + 1, 1], stack[top + 1, 2] = stack[top, 0] + half, stack[top, 1] - half, 0
                top += 1
                break
            value = left[top] + value
            top -= 1
        if top < 0:
            return value


FIRM_COLUMNS = (
    "output",
    "value_added",
    "installed_capacity",
    "operable_capacity",
    "peak_output",
    "idle_capacity",
    "employment",
    "final_demand",
    "unmet_demand",
    "latent_demand_served",
    "exports",
    "unmet_final_demand",
    "potential_output",
    "energy_availability",
    "import_availability",
    "productivity",
)
"""The record columns :func:`record_firm_columns` sums by cell, in the order of its work columns."""


def _columns_pairwise(buf, lo, n, acc, total):  # pragma: no cover - compiled
    """numpy's pairwise sum of ``buf[lo : lo + n, c]`` for every column ``c`` at once into ``total``,
    ``n <= 128``: the same additions as :func:`_pairwise_flat` column by column, the columns side by
    side (independent sums, so one's addition does not wait for another's). ``acc``: (8, columns) work."""
    columns = buf.shape[1]
    if n < 8:
        for c in range(columns):
            total[c] = 0.0
        for i in range(n):
            for c in range(columns):
                total[c] += buf[lo + i, c]
        return
    for j in range(8):
        for c in range(columns):
            acc[j, c] = buf[lo + j, c]
    i = 8
    whole = n - n % 8
    while i < whole:
        for j in range(8):
            for c in range(columns):
                acc[j, c] += buf[lo + i + j, c]
        i += 8
    for c in range(columns):
        low = (acc[0, c] + acc[1, c]) + (acc[2, c] + acc[3, c])
        total[c] = low + ((acc[4, c] + acc[5, c]) + (acc[6, c] + acc[7, c]))
    while i < n:
        for c in range(columns):
            total[c] += buf[lo + i, c]
        i += 1


def _firm_columns(  # pragma: no cover - compiled
    output,
    value_added_share,
    installed,
    capacity_factor,
    operable,
    peak,
    employment,
    final_demand,
    unmet,
    latent_served,
    exports,
    unmet_final,
    potential,
    energy,
    import_availability,
    productivity,
    weight,
    weighted,
    starts,
    filled,
    columns,
    cell,
    limit,
    n_limits,
    limit_start,
    lost_start,
    buf,
    bound,
    lost,
    rows,
):
    """:func:`record_firm_columns`' pass: for each run, cell by cell, the values of every column of
    :data:`FIRM_COLUMNS` of the cell's firms side by side in ``buf`` (a cell's firms by columns), each
    column's sum as ``reduceat`` takes it (the first value plus the pairwise sum of the rest), and
    output and potential less output by cell and constraint, firm by firm from zero (``bincount``'s
    sums), all cells written."""
    runs, n = output.shape
    n_cells = rows.shape[2]
    n_columns = buf.shape[1]
    segments = starts.size
    acc = np.empty((8, n_columns))
    total = np.empty(n_columns)
    single = np.empty(buf.shape[0])
    stack = np.empty((64, 3), dtype=np.intp)
    left = np.empty(64)
    for r in range(runs):
        bound[:] = 0.0
        lost[:] = 0.0
        for i in range(segments):
            lo = starts[i]
            hi = starts[i + 1] if i + 1 < segments else n
            for f in range(lo, hi):
                k = f - lo
                x = output[r, f]
                buf[k, 0] = x
                buf[k, 1] = x * value_added_share[f]
                buf[k, 2] = installed[r, f] * capacity_factor[r, f]
                buf[k, 3] = operable[r, f]
                buf[k, 4] = peak[r, f]
                idle = peak[r, f] - x
                buf[k, 5] = 0.0 if idle <= 0.0 else idle  # np.maximum(0, peak - x): a NaN stays
                buf[k, 6] = employment[r, f]
                buf[k, 7] = final_demand[r, f]
                buf[k, 8] = unmet[r, f]
                buf[k, 9] = latent_served[r, f]
                buf[k, 10] = exports[r, f]
                buf[k, 11] = unmet_final[r, f]
                buf[k, 12] = potential[r, f]
                if weighted:
                    buf[k, 13] = energy[r, f] * weight[f]
                    buf[k, 14] = import_availability[r, f] * weight[f]
                    buf[k, 15] = productivity[r, f] * weight[f]
                else:
                    buf[k, 13] = energy[r, f]
                    buf[k, 14] = import_availability[r, f]
                    buf[k, 15] = productivity[r, f]
                key = cell[f] * n_limits + limit[r, f]
                bound[key] += x
                lost[key] += potential[r, f] - x
            m = hi - lo - 1
            if m <= 128:
                _columns_pairwise(buf, 1, m, acc, total)
            else:  # a large cell (a few at the default economy): column by column
                for c in range(n_columns):
                    for k in range(m):
                        single[k] = buf[1 + k, c]
                    total[c] = _pairwise_deep(single, 0, m, stack, left)
            j = filled[i]
            for c in range(n_columns):
                rows[r, columns[c], j] = buf[0, c] + total[c]
        for m in range(n_limits):
            for j in range(n_cells):
                rows[r, limit_start + m, j] = bound[j * n_limits + m]
        for m in range(1, n_limits):  # a firm bound by demand loses nothing
            for j in range(n_cells):
                rows[r, lost_start + m - 1, j] = lost[j * n_limits + m]


def _rows_flat(buf, order, lo, n, acc, total):  # pragma: no cover - compiled
    """:func:`_pairwise_flat` of the rows ``order[lo : lo + n]`` of ``buf`` (K, L), lane by lane, into
    ``total`` (L,): for every lane ``q`` the sum of ``buf[order[lo + i], q]`` in numpy's pairwise order,
    the lanes' additions side by side (a lane is one step of one column of one run: independent
    sums, each added in the same order as alone). ``acc``: (8, L) work."""
    lanes = buf.shape[1]
    if n < 8:
        for q in range(lanes):
            total[q] = 0.0
        for i in range(n):
            row = order[lo + i]
            for q in range(lanes):
                total[q] += buf[row, q]
        return
    for j in range(8):
        row = order[lo + j]
        for q in range(lanes):
            acc[j, q] = buf[row, q]
    i = 8
    whole = n - n % 8
    while i < whole:
        for j in range(8):
            row = order[lo + i + j]
            for q in range(lanes):
                acc[j, q] += buf[row, q]
        i += 8
    for q in range(lanes):
        low = (acc[0, q] + acc[1, q]) + (acc[2, q] + acc[3, q])
        total[q] = low + ((acc[4, q] + acc[5, q]) + (acc[6, q] + acc[7, q]))
    while i < n:
        row = order[lo + i]
        for q in range(lanes):
            total[q] += buf[row, q]
        i += 1


def _rows_deep(buf, order, lo, n, acc, stack, left, value):  # pragma: no cover - compiled
    """:func:`_pairwise_deep` lane by lane (:func:`_rows_flat`): numpy's pairwise sum of the rows
    ``order[lo : lo + n]`` of ``buf`` for any ``n`` into ``value`` (L,), halves at a multiple of 8
    beyond 128 rows, left + right, on an explicit stack. ``stack`` (64, 3) intp, ``left`` (64, L) work."""
    if n <= 128:
        _rows_flat(buf, order, lo, n, acc, value)
        return
    lanes = buf.shape[1]
    top = 0
    stack[0, 0], stack[0, 1], stack[0, 2] = lo, n, 0
    while True:
        start, m = stack[top, 0], stack[top, 1]
        if m > 128:  # split: the left half first
            half = m // 2
            half -= half % 8
            top += 1
            stack[top, 0], stack[top, 1], stack[top, 2] = start, half, 0
            continue
        _rows_flat(buf, order, start, m, acc, value)
        top -= 1
        while top >= 0:
            if stack[top, 2] == 0:  # the left half done: keep it, then the right half
                for q in range(lanes):
                    left[top, q] = value[q]
                stack[top, 2] = 1
                half = stack[top, 1] // 2
                half -= half % 8
                stack[top + 1, 0], stack[top + 1, 1], stack[top + 1, 2] = stack[top, 0] + half, stack[top, 1] - half, 0
                top += 1
                break
            for q in range(lanes):
                value[q] = left[top, q] + value[q]
            top -= 1
        if top < 0:
            return


def _group_sums(
    cube, rows, cells, orders, starts, counts, first_group, buf, acc, stack, left, value, out
):  # pragma: no cover - compiled
    """For each run and column of ``cube`` (R, C, T, cells): its rows ``rows`` at ``cells`` turned
    into ``buf`` (cells, rows), then, for every row at once (the rows as lanes), the values summed
    over all cells as numpy's ``sum`` (pairwise from zero) into ``out[c, r, 0, :]``, and for each
    grouping ``g`` the values taken in the order ``orders[g]`` summed over the segments
    ``starts[g, :counts[g]]`` as ``reduceat`` (the first value plus the pairwise sum of the rest)
    into ``out[c, r, first_group[g] + j, :]``. ``out``: (C, R, groups, rows)."""
    runs, columns = cube.shape[0], cube.shape[1]
    n = cells.size
    n_rows = rows.size
    every = np.arange(n)
    for r in range(runs):
        for c in range(columns):
            for i in range(n_rows):
                t = rows[i]
                for k in range(n):
                    buf[k, i] = cube[r, c, t, cells[k]]
            _rows_deep(buf, every, 0, n, acc, stack, left, value)
            for i in range(n_rows):
                out[c, r, 0, i] = value[i]
            for g in range(orders.shape[0]):
                order = orders[g]
                segments = counts[g]
                for j in range(segments):
                    lo = starts[g, j]
                    hi = starts[g, j + 1] if j + 1 < segments else n
                    _rows_deep(buf, order, lo + 1, hi - lo - 1, acc, stack, left, value)
                    head = order[lo]
                    for i in range(n_rows):
                        out[c, r, first_group[g] + j, i] = buf[head, i] + value[i]


@lru_cache(maxsize=1)
def _compiled() -> tuple[Callable, Callable] | None:
    """The compiled firm columns and group sums (the pairwise helpers with them), or ``None`` without Numba."""
    try:
        import numba
    except ImportError:  # pragma: no cover - numba is a dependency
        return None
    global _pairwise_flat, _pairwise_deep, _columns_pairwise, _rows_flat, _rows_deep
    _pairwise_flat = numba.njit(cache=True, nogil=True)(_pairwise_flat)
    _pairwise_deep = numba.njit(cache=True, nogil=True)(_pairwise_deep)
    _columns_pairwise = numba.njit(cache=True, nogil=True)(_columns_pairwise)
    _rows_flat = numba.njit(cache=True, nogil=True)(_rows_flat)
    _rows_deep = numba.njit(cache=True, nogil=True)(_rows_deep)
    jit = numba.njit(cache=True, nogil=True)
    return jit(_firm_columns), jit(_group_sums)


def firm_columns_kernel() -> Callable | None:
    """The compiled pass of :func:`record_firm_columns`, or ``None`` (no Numba, or the numpy path asked for)."""
    from sim.kernels import fused

    kernels = _compiled() if fused.USE_NUMBA else None
    return None if kernels is None else kernels[0]


def segment_sum(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """``np.add.reduceat(values, starts, axis=-1)`` for (R, M) float values and increasing ``starts``.

    ``reduceat`` itself, for runs alone and ensembles: numpy adds a segment's eight interleaved
    sums in vector registers, and measured twice as fast as a compiled loop over the same segments
    (bit for bit the same sums, with :func:`_pairwise_deep`) on an ensemble's (11, 82,872) line stocks, 0.35-0.52
    against 0.7-1.1 ms, and (11, 13,126) firm values, 0.13-0.23 against 0.24-0.43 ms (2026-12-03,
    CPU time, load 3-4). The pairwise sums that the records' and the series' compiled passes take
    are checked against ``reduceat`` in ``tests/test_fused_kernels.py``.
    """
    return np.add.reduceat(values, starts, axis=-1)


def record_firm_columns(
    kernel: Callable,
    state,
    value_added_share: np.ndarray,
    weight: np.ndarray | None,
    starts: np.ndarray,
    filled: np.ndarray,
    columns: np.ndarray,
    cell: np.ndarray,
    n_limits: int,
    limit_start: int,
    lost_start: int,
    rows: np.ndarray,
    work: np.ndarray,
) -> None:
    """A step's firm columns of an ensemble's records into ``rows`` (R, record columns, cells).

    Args:
        kernel: :func:`firm_columns_kernel`.
        state: The ensemble's state ((R, N) firm arrays; shared (N,) ones are broadcast).
        value_added_share: Value added per unit of output, by firm.
        weight: Each firm's weight in its cell (the means of availabilities and productivity), or ``None`` (all 1).
        starts: First firm of each cell with firms; ``filled``: those cells.
        columns: The record column of each of :data:`FIRM_COLUMNS`.
        cell: Each firm's cell.
        n_limits: Binding constraints; ``limit_start``, ``lost_start``: the first record column of
            output by constraint and of output lost by constraint (all but demand).
        rows: The step's rows of the records (a view), written.
        work: (largest cell's firms, len(FIRM_COLUMNS)) work array (or larger).
    """
    shape = state.output.shape

    def firms(values):
        return np.broadcast_to(values, shape)

    bins = rows.shape[-1] * n_limits
    kernel(
        state.output,
        value_added_share,
        firms(state.installed),
        firms(state.capacity_factor),
        firms(state.operable),
        firms(state.peak),
        firms(state.employment),
        firms(state.final_demand),
        firms(state.unmet),
        firms(state.latent_served),
        firms(state.exports),
        firms(state.unmet_final),
        firms(state.potential),
        firms(state.energy),
        firms(state.import_availability),
        firms(state.productivity),
        value_added_share if weight is None else weight,
        weight is not None,
        starts,
        filled,
        columns,
        cell,
        firms(state.limit),
        n_limits,
        limit_start,
        lost_start,
        work,
        np.empty(bins),
        np.empty(bins),
        rows,
    )


def group_sums(cube: np.ndarray, rows: np.ndarray, cells: np.ndarray, keys: list[np.ndarray]) -> np.ndarray | None:
    """Sums of a record cube over its cells, and over the cells of each group of each key, at once.

    ``out[r, c, t, 0]`` is ``cube[r, c, rows[t], cells].sum()`` and then, key after key, each
    group's ``np.add.reduceat`` of the values taken in the key's stable order
    (:meth:`analysis.metrics.many.RunCube.by`): the same sums bit for bit (each in numpy's
    pairwise order), in one compiled pass instead of a copy, a ``take`` and two reductions a
    column. A run's column is turned once into a (cells, rows) work array and every sum is taken
    for all its rows at once, the rows' additions side by side: on an ensemble's (11, 27, 61, 868)
    records of the default economy this took 0.41-0.45 of the time of summing row by row
    (2026-12-03, CPU time, alternated in one process, load 1-2).

    Args:
        cube: (R, columns, steps, all cells) float64.
        rows: The steps read.
        cells: The cells read, (K,).
        keys: Per key, the group of each cell read, (K,).

    Returns:
        (R, columns, rows, 1 + groups of every key), or ``None`` without the compiled loops: a
        view of a (columns, R, groups, rows) array, so ``out.transpose(1, 0, 3, 2)`` (each column's
        values run by run, group by group, row by row: a table's columns) is C-contiguous.
    """
    from sim.kernels import fused

    kernels = _compiled() if fused.USE_NUMBA else None
    if kernels is None or cube.dtype != np.float64 or cells.size == 0:
        return None
    orders, starts, first = [], [], [1]
    for key in keys:
        order = np.argsort(key, kind="stable")
        _, begin = np.unique(key[order], return_index=True)
        orders.append(order)
        starts.append(begin.astype(np.intp))
        first.append(first[-1] + begin.size)
    lanes = rows.size
    out = np.empty((cube.shape[1], cube.shape[0], first[-1], lanes))
    counts = np.array([begin.size for begin in starts], dtype=np.intp)
    padded = np.zeros((len(keys), int(counts.max(initial=0))), dtype=np.intp)
    for g, begin in enumerate(starts):
        padded[g, : begin.size] = begin
    kernels[1](
        cube,
        rows.astype(np.intp),
        cells.astype(np.intp),
        np.array(orders, dtype=np.intp).reshape(len(keys), cells.size),
        padded,
        counts,
        np.array(first[:-1], dtype=np.intp),
        np.empty((cells.size, lanes)),
        np.empty((8, lanes)),
        np.empty((64, 3), dtype=np.intp),
        np.empty((64, lanes)),
        np.empty(lanes),
        out,
    )
    return out.transpose(1, 0, 3, 2)
