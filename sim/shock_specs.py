"""Shock tables of a scenario: ``[[shock]]`` (scheduled) and ``[stochastic]`` (random)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from sim.spec_base import Strict, Window


class ShockBase(Window):
    """Fields shared by every shock.

    Attributes:
        sectors: Sector codes hit (default: all).
        provinces: Province codes hit (default: all).
        start: First month of the shock, 1-based.
        end: Last month, inclusive (``None``: permanent).
    """


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
