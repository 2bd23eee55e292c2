"""Exceptions raised by growthsim.

Two families: :class:`InputError` for a user's mistake in a data folder or scenario file
(reported as one line, exit code 2, never a traceback) and :class:`AccountingError` for a
violated invariant inside a step (a bug or a numerical failure, reported with the phase and
the firm).
"""

from __future__ import annotations

from pathlib import Path


class GrowthsimError(Exception):
    """Base class of every growthsim exception."""


class InputError(GrowthsimError):
    """A data folder or scenario file is malformed.

    Args:
        source: The file (or object) in which the problem was found.
        key: The row, column or key at fault.
        expected: What was expected instead, in words.
    """

    def __init__(self, source: str | Path, key: str, expected: str) -> None:
        self.source = str(source)
        self.key = key
        self.expected = expected
        super().__init__(f"{self.source}: {key}: {expected}")


class AccountingError(GrowthsimError):
    """An accounting identity or bound failed during a step.

    Args:
        phase: The phase of the step that produced the bad state.
        firm: Index of the first offending firm (or -1 if not firm-specific).
        detail: What failed.
    """

    def __init__(self, phase: str, firm: int, detail: str) -> None:
        self.phase = phase
        self.firm = firm
        self.detail = detail
        super().__init__(f"accounting failed in phase '{phase}' at firm {firm}: {detail}")
