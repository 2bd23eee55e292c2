"""The run's record buffer, reused from one run to the next in a process when nothing holds it.

A run's records (:class:`sim.engine.record.Recorder`) are one array of ``columns x (steps + 1) x cells``
floats, 50 MB for a daily year of 868 cells. A fresh array that large is fresh memory from the
kernel (glibc maps every allocation above 32 MB anew and unmaps it when freed), and touching it
costs page faults: 5-25 ms a run, and up to 100 ms when the kernel first compacts memory to
back it with huge pages (numpy asks for them on large arrays). Batches and benchmarks run the same
economy and horizon again and again, so :func:`zeroed` keeps the last buffer it handed out and
hands it out again, zeroed, once no recorder, results table or view of it is left: every view of
an array holds a reference to it, so its reference count says whether anything still uses it. A
buffer also serves a smaller leading axis (its first rows): the last, smaller ensemble of a batch
(64 runs go in five ensembles of 11 and one of 9) reuses the records of the larger ones, instead of
mapping 120 MB afresh (0.2-0.26 s of page faults measured for an ensemble of 11).
"""

from __future__ import annotations

import sys

import numpy as np

_spare: dict[tuple[int, ...], np.ndarray] = {}
"""The last buffer handed out, by shape (one at most): the owner of the views handed out."""


def zeroed(shape: tuple[int, ...]) -> np.ndarray:
    """A zeroed float array of ``shape`` with every page touched (a view of a reused buffer if free).

    Args:
        shape: The array's shape.

    Returns:
        A writable view; the caller owns it until it drops every reference to it and its views.
    """
    return _handed_out(shape, zero=True)


def unset(shape: tuple[int, ...]) -> np.ndarray:
    """A float array of ``shape`` whose values are not set (a view of a reused buffer if free).

    For a caller that writes every entry before reading it: no pass over the array (an ensemble's
    records, 200 MB for 16 runs of 60 months at the default economy, were zeroed in 0.2-0.4 s).
    A fresh array's pages are touched by the caller's writes as it goes.

    Args:
        shape: The array's shape.

    Returns:
        A writable view; the caller owns it until it drops every reference to it and its views.
    """
    return _handed_out(shape, zero=False)


def _handed_out(shape: tuple[int, ...], zero: bool) -> np.ndarray:
    """A view of the spare buffer if it is free and holds ``shape`` (the same shape, or the same but
    for a larger leading axis: its first rows, as a smaller ensemble after larger ones of a batch takes
    them), else a new buffer, kept as the spare."""
    key = tuple(int(n) for n in shape)
    owner = _spare.get(key)
    if owner is None and key:
        owner = next((o for o in _spare.values() if o.shape[1:] == key[1:] and o.shape[0] >= key[0]), None)
    # References to a free owner: the dict's, ``owner``'s and getrefcount's argument.
    if owner is not None and sys.getrefcount(owner) == 3:
        view = owner[: key[0]] if key else owner[...]
        if zero:
            view.fill(0.0)
        return view
    owner = touched_zeros(key) if zero else np.empty(key)
    _spare.clear()
    _spare[key] = owner
    return owner[...]


def touched_zeros(shape: tuple[int, ...]) -> np.ndarray:
    """A new zeroed float array whose memory pages are all touched now, in one pass.

    ``np.zeros`` maps fresh pages lazily, so the first write to each page would fault later, a few
    at every step (for the investment pipeline: 19 ms a step at 1,000,000 firms during its first
    ``G`` steps); touching them here makes every step cost the same.
    """
    out = np.empty(shape)
    out.fill(0.0)
    return out
