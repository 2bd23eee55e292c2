"""The run's record buffer, reused from one run to the next in a process when nothing holds it.

A run's records (:class:`sim.engine.record.Recorder`) are one array of ``columns x (steps + 1) x cells``
floats, 50 MB for a daily year of 868 cells. A fresh array that large is fresh memory from the
kernel (glibc maps every allocation above 32 MB anew and unmaps it when freed), and touching it
costs page faults: 5-25 ms a run, and up to 100 ms when the kernel first compacts memory to
back it with huge pages (numpy asks for them on large arrays). Batches and benchmarks run the same
economy and horizon again and again, so :func:`zeroed` keeps the last buffer it handed out and
hands it out again, zeroed, once no recorder, results table or view of it is left: every view of
an array holds a reference to it, so its reference count says whether anything still uses it.
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
    key = tuple(int(n) for n in shape)
    owner = _spare.get(key)
    # References to a free owner: the dict's, ``owner``'s and getrefcount's argument.
    if owner is not None and sys.getrefcount(owner) == 3:
        owner.fill(0.0)
        return owner[...]
    owner = touched_zeros(key)
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
