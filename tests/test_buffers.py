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
