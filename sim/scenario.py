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
    [imports]                 # how buyers replace imports they cannot get
    [parameters]              # behavioural parameters of the model (see sim.parameters)

Shock kinds: ``demand``, ``capacity``, ``import``, ``energy``, ``fx``. Every key, its unit, default
and range is listed in ``docs/scenarios.md``. Unknown keys are errors. Every error becomes an
:class:`~sim.errors.InputError` naming the file and the key.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sim.economy import Economy, resolve_data_dir
from sim.errors import InputError
from sim.parameters import ModelParameters
from sim.tables import Column, check_codes, read_table


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


class ImportShock(ShockBase):
    """Availability of imported inputs to the buyers in ``sectors`` x ``provinces``.

    Attributes:
        availability: Share of the imported inputs the buyers need that they can get, in [0, 1].
            How the shortfall binds (fully for missing links, partly replaced by domestic
            suppliers otherwise) is :mod:`sim.imports`.
    """

    kind: Literal["import"]
    availability: float = Field(ge=0.0, le=1.0)


class EnergyShock(ShockBase):
    """Electricity or gas availability to the firms in ``sectors`` x ``provinces``.

    Attributes:
        availability: Share of normal energy supply available, in [0, 1]; operable capacity is
            multiplied by it.
        carrier: ``"electricity"`` or ``"gas"`` (a label: both act the same way).
        season: Months of the calendar year (1..12) in which the cut applies, each year between
            ``start`` and ``end``; ``None``: every month. The calendar month of simulated month
            1 is ``Scenario.first_calendar_month``.
        energy_intensive_only: Restrict the cut to the sectors tagged ``energy_intensive``
            (among ``sectors``).
    """

    kind: Literal["energy"]
    availability: float = Field(ge=0.0, le=1.0)
    carrier: Literal["electricity", "gas"] = "electricity"
    season: list[Annotated[int, Field(ge=1, le=12)]] | None = Field(None, min_length=1)
    energy_intensive_only: bool = False

    @model_validator(mode="after")
    def _season_unique(self) -> EnergyShock:
        if self.season is not None and len(set(self.season)) != len(self.season):
            raise ValueError(f"season must list each month once, got {self.season}")
        return self


class FxShock(ShockBase):
    """A currency depreciation that, under a working-capital limit, cuts what firms can import.

    The rial price of imported inputs is ``p_t = 1 + pass_through (e_t - 1)``, ``e_t`` the
    exchange rate relative to before the shock; a firm's working capital for imports is
    ``working_capital`` times its normal import bill, so the share of its imported inputs it can
    buy is ``min(1, working_capital / p_t)`` (a cash-in-advance limit as in Feenstra, Li and Yu
    2014, JIE 92 on credit constraints and imports).

    Attributes:
        path: Exchange rate (foreign currency in rials) relative to before the shock, one value
            a month from ``start``; the last value holds until ``end`` (or the horizon). Each > 0.
        pass_through: Share of the depreciation passed into the rial price of imported inputs,
            in [0, 1].
        working_capital: Working capital available for imports, as a multiple of the normal
            import bill (>= 0; 1 = no headroom).
    """

    kind: Literal["fx"]
    path: list[Annotated[float, Field(gt=0.0)]] = Field(min_length=1)
    pass_through: float = Field(1.0, ge=0.0, le=1.0)
    working_capital: float = Field(1.0, ge=0.0)


Shock = Annotated[
    DemandShock | CapacityShock | ImportShock | EnergyShock | FxShock,
    Field(discriminator="kind"),
]
SHOCK_KINDS = ("demand", "capacity", "import", "energy", "fx")


class StochasticSpec(Strict):
    """``[stochastic]``: random shocks drawn from the run's one generator (all off by default).

    See :mod:`sim.stochastic` for the equations.

    Attributes:
        productivity_sigma: Standard deviation of the monthly AR(1) innovation of log firm
            productivity (idiosyncratic).
        productivity_rho: AR(1) persistence of log productivity.
        outage_rate: Poisson rate of outages per firm per month (a firm in an outage cannot
            start another).
        outage_months: Duration of an outage in months.
        outage_loss: Share of the firm's capacity lost during an outage, in [0, 1].
        regime_enter: Monthly probability of switching from the normal to the high-uncertainty
            regime.
        regime_exit: Monthly probability of switching back from high to normal.
        regime_start_high: Start the run in the high-uncertainty regime.
        regime_volatility: Multiplier of the productivity and correlated shock sigmas in the
            high regime (>= 1).
        correlated_sigma: Standard deviation of the monthly innovation of a log productivity
            shock common to all firms of a province (or sector).
        correlated_rho: AR(1) persistence of the common shock.
        correlated_by: ``"province"`` or ``"sector"``: who shares a common shock.
    """

    productivity_sigma: float = Field(0.0, ge=0.0, le=1.0)
    productivity_rho: float = Field(0.9, ge=0.0, lt=1.0)
    outage_rate: float = Field(0.0, ge=0.0, le=10.0)
    outage_months: float = Field(1.0, gt=0.0)
    outage_loss: float = Field(1.0, ge=0.0, le=1.0)
    regime_enter: float = Field(0.0, ge=0.0, le=1.0)
    regime_exit: float = Field(0.25, ge=0.0, le=1.0)
    regime_start_high: bool = False
    regime_volatility: float = Field(2.0, ge=1.0)
    correlated_sigma: float = Field(0.0, ge=0.0, le=1.0)
    correlated_rho: float = Field(0.5, ge=0.0, lt=1.0)
    correlated_by: Literal["province", "sector"] = "province"


PRIORITY_CLASSES = ("needs", "sensitive", "other")


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


class RecoverySupport(Window):
    """Financing that speeds up the return of idle capacity.

    Attributes:
        factor: Multiplier of the recovery speed (>= 1): the monthly share of the gap closed
            becomes ``1 - (1 - rho) ** factor`` (about ``factor * rho`` for small ``rho``).
    """

    factor: float = Field(ge=1.0)


class MarketGuarantee(Window):
    """A long-term purchase commitment for the covered cells.

    Attributes:
        share: Share of each firm's normal (month-0) sales, orders plus final demand, that the
            state guarantees to buy, in [0, 1]; the same share of the uncertainty brake on
            investment is lifted.
    """

    share: float = Field(ge=0.0, le=1.0)


class MissingLinkProject(Strict):
    """New domestic capacity in one sector and province that substitutes imports.

    Attributes:
        sector: Sector code of the new plant.
        province: Province code of the new plant.
        capacity: Monthly output capacity of the plant as a share of the sector's national
            output at month 0 (> 0; 0.05 = 5% of the sector's output).
        start: Month the project starts, 1-based.
        gestation_months: Months from start to operation.
    """

    sector: str
    province: str
    capacity: float = Field(gt=0.0, le=10.0)
    start: int = Field(1, ge=1)
    gestation_months: float = Field(0.0, ge=0.0)


class InvestmentGuidance(Strict):
    """New fixed investment directed to named provinces and sectors.

    Attributes:
        sectors: Sector codes (default: all).
        provinces: Province codes (default: all).
        amount: New installed capacity as a share of each covered cell's month-0 output (> 0).
        start: Month the investment starts, 1-based.
        gestation_months: Months from start to operation.
    """

    sectors: list[str] | None = None
    provinces: list[str] | None = None
    amount: float = Field(gt=0.0, le=10.0)
    start: int = Field(1, ge=1)
    gestation_months: float = Field(12.0, ge=0.0)


class PolicySpec(Strict):
    """``[policy]``: the ministry's levers (see :mod:`sim.policy` for what each does).

    Attributes:
        rationing: How a short supplier shares its output: ``"proportional"`` to orders, or by
            ``"priority"`` class.
        priority_order: Order of the classes under priority rationing: ``needs`` (people's
            needs, households' final demand), ``sensitive`` products, ``other``.
        targets: ``"ministry"`` (targets computed by the analysis layer) or a CSV file
            ``province, sector, target`` relative to the scenario file.
        recovery_support: Faster recovery of idle capacity.
        market_guarantee: Purchase commitments.
        missing_link_projects: New domestic capacity substituting imports.
        investment_guidance: Directed new capacity.
    """

    rationing: Literal["proportional", "priority"] = "proportional"
    priority_order: list[Literal["needs", "sensitive", "other"]] = list(PRIORITY_CLASSES)
    targets: str = "ministry"
    recovery_support: list[RecoverySupport] = []
    market_guarantee: list[MarketGuarantee] = []
    missing_link_projects: list[MissingLinkProject] = []
    investment_guidance: list[InvestmentGuidance] = []

    @model_validator(mode="after")
    def _order_is_permutation(self) -> PolicySpec:
        if sorted(self.priority_order) != sorted(PRIORITY_CLASSES):
            raise ValueError(f"priority_order must list each of {', '.join(PRIORITY_CLASSES)} once")
        return self


class ImportSpec(Strict):
    """``[imports]``: how buyers replace imported inputs they cannot get (see :mod:`sim.imports`).

    Attributes:
        substitution_share: Share of an import shortfall that buyers move to domestic suppliers
            of the same input, where such suppliers exist, in [0, 1].
        substitution_months: Time constant (months) of that shift: buyers close
            ``dt / substitution_months`` of the gap each step.
    """

    substitution_share: float = Field(0.5, ge=0.0, le=1.0)
    substitution_months: float = Field(6.0, gt=0.0)


TARGET_COLUMNS = ("province", "sector", "target")


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
        imports: Buyers' response to import shortfalls.
        parameters: Behavioural parameters of the model.
        first_calendar_month: Calendar month (1..12) of simulated month 1, for seasonal shocks
            (default 4: the default economy's history ends in March 2021).
        path: The file the scenario came from (``None`` when built in code).
    """

    name: str = "scenario"
    description: str = ""
    horizon_months: int = Field(60, ge=1, le=600)
    economy: EconomySpec = EconomySpec()
    shock: list[Shock] = []
    stochastic: StochasticSpec = StochasticSpec()
    policy: PolicySpec = PolicySpec()
    imports: ImportSpec = ImportSpec()
    parameters: ModelParameters = ModelParameters()
    first_calendar_month: int = Field(4, ge=1, le=12)
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
        policy = self.policy
        for table in ("recovery_support", "market_guarantee", "missing_link_projects", "investment_guidance"):
            for i, item in enumerate(getattr(policy, table)):
                for key in ("start", "end"):
                    month = getattr(item, key, None)
                    if month is not None and month > self.horizon_months:
                        raise _KeyError(
                            f"policy.{table}[{i}].{key}",
                            f"a month within the horizon (1..{self.horizon_months}), got {month}",
                        )
        if self.targets_path is not None:
            _check_targets_file(self.targets_path)
        return self

    @property
    def targets_path(self) -> Path | None:
        """The user's target CSV, resolved against the scenario file (``None``: the ministry's)."""
        if self.policy.targets == "ministry":
            return None
        path = Path(self.policy.targets)
        if not path.is_absolute() and self.path:
            path = Path(self.path).parent / path
        return path

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
        known["sector"], known["province"] = known["sectors"], known["provinces"]
        tables = [(f"shock[{i}]", shock) for i, shock in enumerate(self.shock)]
        for table in ("recovery_support", "market_guarantee", "missing_link_projects", "investment_guidance"):
            tables += [(f"policy.{table}[{i}]", item) for i, item in enumerate(getattr(self.policy, table))]
        for name, item in tables:
            for key, codes in known.items():
                value = getattr(item, key, None)
                for code in [value] if isinstance(value, str) else value or []:
                    if code not in codes:
                        what = key.rstrip("s")
                        raise InputError(source, f"{name}.{key}", f"a {what} code of the economy, got '{code}'")
        if self.targets_path is not None:
            table = read_table(self.targets_path, TARGET_COLUMNS_SPEC, keys=["province", "sector"])
            check_codes(self.targets_path, table, "province", economy.province_codes, "province")
            check_codes(self.targets_path, table, "sector", economy.sector_codes, "sector")

    def with_changes(self, **changes: object) -> Scenario:
        """A copy with top-level fields replaced, validated again."""
        data = self.model_dump()
        data.update(changes)
        return Scenario.model_validate({**data, "path": self.path})


TARGET_COLUMNS_SPEC = [
    Column("province", "code"),
    Column("sector", "code"),
    Column("target", "number", low=-1.0),
]


def _check_targets_file(path: Path) -> None:
    """A user target file must exist and hold the columns ``province, sector, target``."""
    if not path.is_file():
        raise _KeyError("policy.targets", f"'ministry' or an existing CSV file, got '{path}'")
    with path.open(encoding="utf-8") as handle:
        header = [c.strip() for c in handle.readline().strip().split(",")]
    missing = [c for c in TARGET_COLUMNS if c not in header]
    if missing:
        raise _KeyError("policy.targets", f"a CSV file with columns {', '.join(TARGET_COLUMNS)} (missing {missing[0]})")


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
    elif error["type"] == "value_error":
        message = message.removeprefix("Value error, ")
    elif "input" in error and error["type"] not in ("missing",):
        message = f"{message}, got {error['input']!r}"
    return InputError(source, key, message)


def _format_loc(loc: tuple) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts[-1] = f"{parts[-1]}[{item}]" if parts else f"[{item}]"
        elif parts and parts[-1].startswith("shock[") and item in SHOCK_KINDS and len(parts) == 1:
            continue  # the discriminator's branch name adds nothing for the user
        else:
            parts.append(str(item))
    return ".".join(parts) or "scenario"
