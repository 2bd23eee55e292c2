"""Scenario files: what to simulate, validated strictly.

A scenario is a TOML file::

    name = "baseline"
    description = "The default economy for five years, no shocks."
    horizon_months = 60

    [economy]
    data = "default"          # or a folder, relative to this file

    [[shock]]
    kind = "demand"
    sectors = ["29"]          # default: all
    provinces = ["IR-23"]     # default: all
    start = 13                # first month, 1-based
    end = 24                  # last month, inclusive; absent: permanent
    change = -0.2             # relative change

    [stochastic]              # random shocks (all off by default)
    [policy]                  # levers
    [parameters]              # behavioural parameters of the model (see sim.parameters)

Unknown keys are errors. Every error becomes an :class:`~sim.errors.InputError` naming the file
and the key.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sim.economy import Economy, resolve_data_dir
from sim.errors import InputError
from sim.parameters import ModelParameters


class Strict(BaseModel):
    """Base of every scenario table: unknown keys are rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class EconomySpec(Strict):
    """``[economy]``: which data folder, and the seed of the firm sizes and supply network.

    Attributes:
        data: ``"default"`` or a data folder, relative to the scenario file.
        seed: Seed of the economy's own draws (firm sizes, suppliers). The economy is data: it
            stays the same across the runs of a Monte Carlo batch, whose seeds drive the shocks.
    """

    data: str = "default"
    seed: int = Field(0, ge=0)


class ShockBase(Strict):
    """Fields shared by every shock.

    Attributes:
        sectors: Sector codes hit (default: all).
        provinces: Province codes hit (default: all).
        start: First month of the shock, 1-based.
        end: Last month, inclusive (``None``: permanent).
    """

    sectors: list[str] | None = None
    provinces: list[str] | None = None
    start: int = Field(1, ge=1)
    end: int | None = Field(None, ge=1)

    @model_validator(mode="after")
    def _start_before_end(self) -> ShockBase:
        if self.end is not None and self.end < self.start:
            raise ValueError(f"end ({self.end}) must not be before start ({self.start})")
        return self


class DemandShock(ShockBase):
    """A relative change of final demand: ``f = f0 * (1 + change)`` while active.

    Attributes:
        change: Relative change, > -1 (e.g. 0.10 for +10%).
        channel: ``"domestic"``, ``"export"`` or ``"all"`` final demand.
    """

    kind: Literal["demand"]
    change: float = Field(gt=-1.0)
    channel: Literal["domestic", "export", "all"] = "all"


class CapacityShock(ShockBase):
    """Loss of a fraction of installed capacity while active, then recovery.

    Attributes:
        loss: Fraction of installed capacity lost, in [0, 1].
        recovery_months: Months over which the lost capacity comes back (linearly) after
            ``end``; 0 means at once.
    """

    kind: Literal["capacity"]
    loss: float = Field(ge=0.0, le=1.0)
    recovery_months: float = Field(0.0, ge=0.0)


Shock = Annotated[DemandShock | CapacityShock, Field(discriminator="kind")]
SHOCK_KINDS = ("demand", "capacity")


class StochasticSpec(Strict):
    """``[stochastic]``: random shocks drawn from the run's generator (all off by default).

    Attributes:
        productivity_sigma: Standard deviation of the monthly AR(1) innovation of log firm
            productivity.
        productivity_rho: AR(1) persistence of log productivity.
    """

    productivity_sigma: float = Field(0.0, ge=0.0, le=1.0)
    productivity_rho: float = Field(0.9, ge=0.0, lt=1.0)


PRIORITY_CLASSES = ("needs", "sensitive", "other")


class PolicySpec(Strict):
    """``[policy]``: the ministry's levers.

    Attributes:
        rationing: How a short supplier shares its output: ``"proportional"`` to orders, or by
            ``"priority"`` class.
        priority_order: Order of the classes under priority rationing: ``needs`` (people's
            needs, households' final demand), ``sensitive`` products, ``other``.
    """

    rationing: Literal["proportional", "priority"] = "proportional"
    priority_order: list[Literal["needs", "sensitive", "other"]] = list(PRIORITY_CLASSES)

    @model_validator(mode="after")
    def _order_is_permutation(self) -> PolicySpec:
        if sorted(self.priority_order) != sorted(PRIORITY_CLASSES):
            raise ValueError(f"priority_order must list each of {', '.join(PRIORITY_CLASSES)} once")
        return self


class Scenario(Strict):
    """A validated scenario.

    Attributes:
        name: Short name.
        description: What the scenario represents.
        horizon_months: Months simulated (1..600).
        economy: The economy spec.
        shock: Scheduled shocks.
        stochastic: Random shocks.
        policy: Policy levers.
        parameters: Behavioural parameters of the model.
        path: The file the scenario came from (``None`` when built in code).
    """

    name: str = "scenario"
    description: str = ""
    horizon_months: int = Field(60, ge=1, le=600)
    economy: EconomySpec = EconomySpec()
    shock: list[Shock] = []
    stochastic: StochasticSpec = StochasticSpec()
    policy: PolicySpec = PolicySpec()
    parameters: ModelParameters = ModelParameters()
    path: str | None = Field(None, exclude=True)

    @model_validator(mode="after")
    def _shocks_within_horizon(self) -> Scenario:
        for i, shock in enumerate(self.shock):
            for key in ("start", "end"):
                month = getattr(shock, key)
                if month is not None and month > self.horizon_months:
                    raise _KeyError(
                        f"shock[{i}].{key}",
                        f"a month within the horizon (1..{self.horizon_months}), got {month}",
                    )
        return self

    @property
    def data_dir(self) -> Path:
        """The economy's data folder, resolved against the scenario file."""
        base = Path(self.path).parent if self.path else None
        return resolve_data_dir(self.economy.data, base)

    def check_against(self, economy: Economy) -> None:
        """Check the codes a scenario names against its economy.

        Raises:
            InputError: On an unknown province or sector code.
        """
        source = self.path or self.name
        known = {"sectors": set(economy.sector_codes), "provinces": set(economy.province_codes)}
        for i, shock in enumerate(self.shock):
            for key, codes in known.items():
                for code in getattr(shock, key) or []:
                    if code not in codes:
                        what = key[:-1]
                        raise InputError(
                            source,
                            f"shock[{i}].{key}",
                            f"a {what} code of the economy, got '{code}'",
                        )

    def with_changes(self, **changes: object) -> Scenario:
        """A copy with top-level fields replaced, validated again."""
        data = self.model_dump()
        data.update(changes)
        return Scenario.model_validate({**data, "path": self.path})


class _KeyError(ValueError):
    """A validation error that knows its key (raised inside validators)."""

    def __init__(self, key: str, expected: str) -> None:
        self.key = key
        self.expected = expected
        super().__init__(f"{key}: {expected}")


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file.

    Args:
        path: The TOML file.

    Returns:
        The scenario (its economy not yet loaded; see :meth:`Scenario.check_against`).

    Raises:
        InputError: One line naming the file, the key and what was expected.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "file", "an existing scenario file")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(path, "TOML", f"valid TOML ({exc})") from None
    return scenario_from_dict(data, source=path)


def scenario_from_dict(data: dict, source: str | Path = "<scenario>") -> Scenario:
    """Validate a scenario given as a dictionary (as parsed from TOML).

    Raises:
        InputError: Naming the source, the key and what was expected.
    """
    try:
        return Scenario.model_validate({**data, "path": str(source)})
    except ValidationError as exc:
        raise _as_input_error(exc, source) from None


def _as_input_error(exc: ValidationError, source: str | Path) -> InputError:
    error = exc.errors()[0]
    ctx_error = error.get("ctx", {}).get("error")
    if isinstance(ctx_error, _KeyError):
        return InputError(source, ctx_error.key, ctx_error.expected)
    key = _format_loc(error["loc"])
    message = error["msg"]
    if error["type"] == "extra_forbidden":
        message = "not a known key"
    elif error["type"] == "union_tag_invalid":
        message = f"kind must be one of {error['ctx']['expected_tags']}, got {error['ctx']['tag']!r}"
    elif error["type"] == "union_tag_not_found":
        message = "a 'kind' key"
    elif "input" in error and error["type"] not in ("missing",):
        message = f"{message}, got {error['input']!r}"
    return InputError(source, key, message)


def _format_loc(loc: tuple) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts[-1] = f"{parts[-1]}[{item}]" if parts else f"[{item}]"
        elif parts and parts[-1].startswith("shock[") and item in SHOCK_KINDS:
            continue  # the discriminator's branch name adds nothing for the user
        else:
            parts.append(str(item))
    return ".".join(parts) or "scenario"
