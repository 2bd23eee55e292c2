"""Base of the scenario tables: strict pydantic models and errors that know their key."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Strict(BaseModel):
    """Base of every scenario table: unknown keys are rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True)


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

    sectors: list[str] | None = None
    provinces: list[str] | None = None
    start: int = Field(1, ge=1)
    end: int | None = Field(None, ge=1)

    @model_validator(mode="after")
    def _start_before_end(self) -> Window:
        if self.end is not None and self.end < self.start:
            raise ValueError(f"end ({self.end}) must not be before start ({self.start})")
        return self
