"""sim/engine/buffers.py: the record buffer is reused only when nothing holds it, and reuse changes no result."""

from __future__ import annotations

import pandas as pd
from helpers import scenario, sector, write_folder

import sim
from sim.engine import buffers


def _folder(tmp_path):
    return write_folder(
        tmp_path / "two",
        sectors=[sector("A"), sector("B")],
        coefficients=[("A", "B", 0.3), ("B", "A", 0.2)],
        demand={("P1", "A"): 100.0, ("P1", "B"): 50.0},
    )


def test_a_buffer_in_use_is_never_handed_out_again():
    held = buffers.zeroed((3, 4))
    held[:] = 7.0
    other = buffers.zeroed((3, 4))
    assert not (other == 7.0).any() and other.base is not held.base
    del other
    view = held[1]
    del held
    again = buffers.zeroed((3, 4))
    assert again.base is not view.base and (view == 7.0).all()  # a view alone keeps it in use


def test_a_free_buffer_is_reused_zeroed():
    first = buffers.zeroed((2, 5))
    first[:] = 3.0
    owner = id(first.base)  # (not a reference: that would keep it in use)
    del first
    second = buffers.zeroed((2, 5))
    assert id(second.base) == owner and (second == 0.0).all()


def test_a_free_buffer_serves_a_smaller_leading_axis_and_a_held_one_does_not():
    """The last, smaller ensemble of a batch takes the first rows of the larger ones' records."""
    large = buffers.unset((4, 2, 3))
    owner = id(large.base)
    del large
    small = buffers.zeroed((3, 2, 3))
    assert id(small.base) == owner and small.shape == (3, 2, 3) and (small == 0.0).all()
    small[:] = 5.0
    other = buffers.unset((2, 2, 3))  # the buffer is held (by ``small``): a new one
    assert id(other.base) != owner and other.shape == (2, 2, 3)
    assert (small == 5.0).all()
    bigger = buffers.unset((5, 2, 3))  # larger than the spare: a new one
    assert bigger.shape == (5, 2, 3)


def test_results_held_across_runs_are_unchanged_and_runs_repeat_exactly(tmp_path):
    """A results table shares its run's buffer: a later run must not write into it."""
    folder = _folder(tmp_path)
    shocked = scenario(folder, shock=[{"kind": "capacity", "start": 2, "end": 4, "loss": 0.4}])
    first = sim.run(shocked, seed=1).trajectories
    kept = first.copy()
    sim.run(scenario(folder), seed=2)  # a different run while ``first`` is held
    pd.testing.assert_frame_equal(first, kept)
    del first
    again = sim.run(shocked, seed=1).trajectories  # may reuse the freed buffer
    pd.testing.assert_frame_equal(again, kept)
