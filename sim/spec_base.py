"""Base of the scenario tables: strict pydantic models and errors that know their key."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    """Base of every scenario table: unknown keys are rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class KeyedError(ValueError):
    """A validation error that knows its key (raised inside validators)."""

    def __init__(self, key: str, expected: str) -> None:
        self.key = key
        self.expected = expected
        super().__init__(f"{key}: {expected}")
