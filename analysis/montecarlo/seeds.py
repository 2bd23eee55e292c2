"""Seeds of a Monte Carlo batch: one ``SeedSequence`` child per run, shared by every scenario.

Run ``i`` of a batch with master seed ``S`` uses ``numpy.random.SeedSequence(S).spawn(N)[i]``, the
child with entropy ``S`` and spawn key ``(i,)`` (NumPy's recommended way to give parallel streams
independent, reproducible seeds). The child does not depend on ``N``, so a batch can be extended
or resumed and run ``i`` always gets the same stream. Every scenario of a batch uses the same list
(common random numbers), so scenario ``A`` run ``i`` and scenario ``B`` run ``i`` see the same
draws and differ only by the scenario: their difference is a paired comparison
(Law 2015, *Simulation Modeling and Analysis*, ch. 11, variance reduction by common random numbers).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_MASTER_SEED = 2**63 - 1


@dataclass(frozen=True)
class RunSeed:
    """The seed of one run, as recorded in the store.

    Attributes:
        run: Index of the run in the batch (0-based).
        entropy: The master seed (entropy of the SeedSequence).
        spawn_key: The child's spawn key, ``(run,)`` for a batch's children.
    """

    run: int
    entropy: int
    spawn_key: tuple[int, ...]

    def sequence(self) -> np.random.SeedSequence:
        """The run's ``SeedSequence``, rebuilt from entropy and spawn key."""
        return np.random.SeedSequence(self.entropy, spawn_key=self.spawn_key)

    @property
    def key_text(self) -> str:
        """The spawn key as text (``"3"``, or ``"3,1"`` for deeper keys)."""
        return ",".join(str(k) for k in self.spawn_key)

    def record(self) -> dict:
        """A JSON-able record."""
        return {"run": self.run, "entropy": self.entropy, "spawn_key": list(self.spawn_key)}


def spawn_seeds(master: int, runs: int) -> list[RunSeed]:
    """The seeds of runs ``0..runs-1``: ``SeedSequence(master).spawn(runs)``.

    Args:
        master: The batch's master seed, ``0 <= master < 2**63``.
        runs: Number of runs.

    Returns:
        One :class:`RunSeed` a run, equal to the children of ``SeedSequence(master).spawn(runs)``.
    """
    if not 0 <= master <= MAX_MASTER_SEED:
        raise ValueError(f"master seed must be in 0..2**63-1, got {master}")
    children = np.random.SeedSequence(master).spawn(runs)
    return [
        RunSeed(run=i, entropy=int(child.entropy), spawn_key=tuple(child.spawn_key)) for i, child in enumerate(children)
    ]
