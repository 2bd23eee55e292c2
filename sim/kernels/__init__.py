"""Kernels: pair arithmetic over the supply network's input lines, blocked and laid out for the cache.

Nothing here knows economics; the engine's phases call it through :class:`sim.kernels.lines.InputLines`.
"""
