"""Base of the scenario tables: strict pydantic models and errors that know their key.

Every table of a scenario file (and every table a later lever or data file adds) derives from
:class:`Strict`: unknown keys are errors, nothing is coerced (the string ``"24"`` is not a
number, ``true`` is not an integer, ``24.0`` is not an integer) and floats must be finite
(``inf`` and ``nan`` are refused). The annotated types below add the bounds the model assumes
for durations and lists, so one malformed value is refused in one line before anything runs.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

MAX_MONTHS = 1200.0
"""Longest duration a scenario may give in months (100 years; the horizon is at most 600)."""

MAX_LIST = 1000
"""Most items in one list of a scenario (shocks, levers, codes, an fx path)."""

STRICT_CONFIG = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)
"""The configuration of every scenario table: no unknown keys, no coercion, finite floats."""

Months = Annotated[float, Field(ge=0.0, le=MAX_MONTHS)]
"""A duration in months, ``0 <= months <= MAX_MONTHS``."""

Codes = Annotated[list[str], Field(min_length=1, max_length=MAX_LIST)]
"""A non-empty list of province or sector codes."""


class Strict(BaseModel):
    """Base of every scenario table: unknown keys rejected, no coercion, finite floats."""

    model_config = STRICT_CONFIG


class KeyedError(ValueError):
    """A validation error that knows its key (raised inside validators)."""

    def __init__(self, key: str, expected: str) -> None:
        self.key = key
        self.expected = expected
        super().__init__(f"{key}: {expected}")


class Window(Strict):
    """Cells and months a lever covers.

    Attributes:
        sectors: Sector codes (default: all).
        provinces: Province codes (default: all).
        start: First month, 1-based.
        end: Last month, inclusive (``None``: to the horizon).
    """

    sectors: Codes | None = None
    provinces: Codes | None = None
    start: int = Field(1, ge=1)
    end: int | None = Field(None, ge=1)

    @model_validator(mode="after")
    def _start_before_end(self) -> Window:
        if self.end is not None and self.end < self.start:
            raise ValueError(f"end ({self.end}) must not be before start ({self.start})")
        return self
