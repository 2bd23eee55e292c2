"""Numba compilation of the kernels' loops, in one place (one set of options for all of them)."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace


def compile_loops(**loops: Callable) -> SimpleNamespace | None:
    """The loops compiled by Numba (``njit``, cached on disk, no GIL, numpy's error model), by name.

    Numba is imported here, on first use, so ``import sim`` stays light. ``None`` when Numba cannot
    be imported (it is a dependency; a broken install falls back to the numpy rules).
    """
    try:
        import numba
    except ImportError:  # pragma: no cover - numba is a dependency
        return None
    jit = numba.njit(cache=True, nogil=True, error_model="numpy")
    return SimpleNamespace(**{name: jit(loop) for name, loop in loops.items()})
