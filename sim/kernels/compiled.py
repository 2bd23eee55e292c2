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


def prefetch_intrinsic() -> Callable:
    """``prefetch(array, i)``: ask the CPU to bring the cache line of ``array[i]`` (1-D) in, for a
    read, without waiting for it (LLVM's ``llvm.prefetch``, locality 3). For compiled loops whose
    reads jump about memory (a few scattered lines of a large table): the loop asks for the line it
    will read some iterations ahead, so the reads' waits overlap instead of adding up. It changes
    no value. A compiled loop's module binds its own ``prefetch`` name to this before compiling;
    called from Python (uncompiled), the loops use a no-op.

    Returns:
        The Numba intrinsic.
    """
    from llvmlite import ir
    from numba.core import cgutils, types
    from numba.extending import intrinsic

    @intrinsic
    def prefetch(typingctx, array, index):
        def codegen(context, builder, signature, args):
            array_type = signature.args[0]
            view = context.make_array(array_type)(context, builder, args[0])
            address = cgutils.get_item_pointer(context, builder, array_type, view, [args[1]], wraparound=False)
            byte = ir.IntType(8).as_pointer()
            i32 = ir.IntType(32)
            function_type = ir.FunctionType(ir.VoidType(), [byte, i32, i32, i32])
            function = cgutils.get_or_insert_function(builder.module, function_type, "llvm.prefetch")
            # read (0), keep in every cache level (3), data cache (1)
            builder.call(function, [builder.bitcast(address, byte), i32(0), i32(3), i32(1)])
            return context.get_dummy_value()

        return types.void(array, index), codegen

    return prefetch
