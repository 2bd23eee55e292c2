"""Calibration specs: which parameters to fit, within which bounds, on which episodes.

A spec is a TOML file::

    algorithm = "scipy_neldermead"   # an optimagic derivative-free optimizer
    max_evaluations = 400            # criterion evaluations of the optimizer
    runs = 4                         # seeds per evaluation, the same at every evaluation
    seed = 0                         # master seed (common random numbers)
    episodes = []                    # episode keys of episodes.csv; empty: all
    years = 2                        # swings of years 1..years are the moments
    floor = 1.0                      # least standard error of a recorded swing, points
    readings = ["../scenarios/history/readings/highs"]   # optional, relative to the spec file

``readings`` are folders of other readings of the same record: scenario files named as the
episodes' own (``2012_currency_sanctions.toml``), whose shock inputs read the recorded facts
another way (another base of the exchange rate, a peak quote for a month's mean). Each file found
for a fitted episode adds that episode's recorded swings again as moments
(``<episode>@<folder>:year<k>``), so the fit weighs every reading of an uncertain input, not only
the packaged one.

    [parameters.fx_working_capital]  # a [parameters] key of the model, or "stochastic.<key>"
    start = 1.5
    lower = 1.0
    upper = 4.0

    [volatility]                     # optional: also fit annual-growth and firm-growth moments
    scenario = "../scenarios/volatility.toml"   # relative to the spec file
    runs = 2
    series = ["manufacturing_production_index", "gdp_constant_prices_wdi_2026"]
    firm_kurtosis = [3.0, 1.0]       # target and standard error (literature)
    size_slope = [-0.175, 0.05]

``stochastic.<key>`` parameters change the ``[stochastic]`` table of the volatility scenario only
(the episodes have no random shocks); ``imports.<key>`` parameters the ``[imports]`` table and model
parameters the ``[parameters]`` table of every scenario.

Every key is checked; an error names the file and the key.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sim.errors import InputError
from sim.scenario.parameters import ModelParameters
from sim.scenario.policy import ImportSpec
from sim.scenario.stochastic import StochasticSpec

ALGORITHMS = ("scipy_neldermead", "scipy_powell", "scipy_cobyla", "nlopt_bobyqa", "nlopt_neldermead", "nlopt_cobyla")


TABLES = {"": ModelParameters, "stochastic": StochasticSpec, "imports": ImportSpec}


class Bound(BaseModel):
    """Start value and bounds of one fitted parameter."""

    model_config = ConfigDict(extra="forbid")

    start: float
    lower: float
    upper: float

    @model_validator(mode="after")
    def _ordered(self) -> Bound:
        if not self.lower <= self.start <= self.upper or self.lower >= self.upper:
            raise ValueError(f"lower < upper and lower <= start <= upper, got {self.lower}, {self.start}, {self.upper}")
        return self


class VolatilitySpec(BaseModel):
    """``[volatility]``: the stochastic economy and the moments of its growth rates."""

    model_config = ConfigDict(extra="forbid")

    scenario: str
    runs: int = Field(2, ge=1)
    series: list[str] = Field(
        ["manufacturing_production_index", "mining_excl_oil_gas_production_index", "gdp_constant_prices_wdi_2026"],
        min_length=1,
    )
    firm_kurtosis: tuple[float, float] | None = (3.0, 1.0)
    size_slope: tuple[float, float] | None = (-0.175, 0.05)


class CalibrationSpec(BaseModel):
    """A validated calibration spec (see the module docstring)."""

    model_config = ConfigDict(extra="forbid")

    algorithm: Literal[ALGORITHMS] = "scipy_neldermead"  # type: ignore[valid-type]
    max_evaluations: int = Field(400, ge=1)
    runs: int = Field(4, ge=1)
    seed: int = Field(0, ge=0)
    episodes: list[str] = []
    years: int = Field(2, ge=1, le=2)
    floor: float = Field(1.0, gt=0.0)
    parameters: dict[str, Bound] = Field(min_length=1)
    volatility: VolatilitySpec | None = None
    readings: list[str] = []
    base_dir: str = Field(".", exclude=True)

    @model_validator(mode="after")
    def _known_parameters(self) -> CalibrationSpec:
        for name, bound in self.parameters.items():
            table, key = name.split(".", 1) if "." in name else ("", name)
            model = TABLES.get(table)
            known = model.model_fields if model is not None else {}
            if key not in known:
                raise ValueError(
                    f"parameters.{name}: not a [parameters] key, stochastic.<key> or imports.<key> of the model"
                )
            if known[key].annotation is not float:
                raise ValueError(f"parameters.{name}: only real-valued parameters can be fitted")
            try:
                model(**{key: bound.lower})
                model(**{key: bound.upper})
            except ValidationError as exc:
                message = exc.errors()[0]["msg"]
                raise ValueError(f"parameters.{name}: bounds outside the parameter's range ({message})") from None
        if any(n.startswith("stochastic.") for n in self.parameters) and self.volatility is None:
            raise ValueError("volatility: needed to fit stochastic.<key> parameters")
        return self

    def reading_folders(self) -> list[Path]:
        """The ``readings`` folders, resolved against the spec's folder."""
        return [Path(f) if Path(f).is_absolute() else Path(self.base_dir) / f for f in self.readings]

    def volatility_scenario(self) -> Path | None:
        """The volatility scenario file, resolved against the spec's folder."""
        if self.volatility is None:
            return None
        path = Path(self.volatility.scenario)
        return path if path.is_absolute() else Path(self.base_dir) / path


def load_spec(path: str | Path) -> CalibrationSpec:
    """Read and validate a calibration spec.

    Raises:
        InputError: One line naming the file, the key and what was expected.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "file", "an existing calibration spec (TOML)")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        spec = CalibrationSpec.model_validate({**data, "base_dir": str(path.parent)})
    except tomllib.TOMLDecodeError as exc:
        raise InputError(path, "TOML", f"valid TOML ({exc})") from None
    except ValidationError as exc:
        error = exc.errors()[0]
        key = ".".join(str(p) for p in error["loc"]) or "spec"
        if key == "base_dir":
            key = "spec"
        message = (
            "not a known key" if error["type"] == "extra_forbidden" else error["msg"].removeprefix("Value error, ")
        )
        raise InputError(path, key, message) from None
    for index, folder in enumerate(spec.reading_folders()):
        if not folder.is_dir():
            raise InputError(path, f"readings[{index}]", f"an existing folder of episode scenarios, got '{folder}'")
    scenario = spec.volatility_scenario()
    if scenario is not None and not scenario.is_file():
        raise InputError(path, "volatility.scenario", f"an existing scenario file, got '{scenario}'")
    return spec
