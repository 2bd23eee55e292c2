"""Policy tables of a scenario: ``[policy]`` levers and ``[imports]`` substitution."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from sim.scenario.export_development import ExportDevelopment
from sim.strict import MAX_LIST, MAX_MONTHS, Codes, Months, Strict, Window

PRIORITY_CLASSES = ("needs", "sensitive", "other")
POLICY_TABLES = (
    "recovery_support",
    "market_guarantee",
    "missing_link_projects",
    "investment_guidance",
    "export_development",
)
"""The list-valued levers of ``[policy]`` (each table checked against the horizon and the economy)."""


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
    gestation_months: Months = 0.0


class InvestmentGuidance(Strict):
    """New fixed investment directed to named provinces and sectors.

    Attributes:
        sectors: Sector codes (default: all).
        provinces: Province codes (default: all).
        amount: New installed capacity as a share of each covered cell's month-0 output (> 0).
        start: Month the investment starts, 1-based.
        gestation_months: Months from start to operation.
    """

    sectors: Codes | None = None
    provinces: Codes | None = None
    amount: float = Field(gt=0.0, le=10.0)
    start: int = Field(1, ge=1)
    gestation_months: Months = 12.0


class PolicySpec(Strict):
    """``[policy]``: the ministry's levers (see :mod:`sim.engine.policy` for what each does).

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
        export_development: Export development of complex products (:mod:`sim.scenario.export_development`).
    """

    rationing: Literal["proportional", "priority"] = "proportional"
    priority_order: list[Literal["needs", "sensitive", "other"]] = list(PRIORITY_CLASSES)
    targets: str = Field("ministry", min_length=1, max_length=4096)
    recovery_support: list[RecoverySupport] = Field([], max_length=MAX_LIST)
    market_guarantee: list[MarketGuarantee] = Field([], max_length=MAX_LIST)
    missing_link_projects: list[MissingLinkProject] = Field([], max_length=MAX_LIST)
    investment_guidance: list[InvestmentGuidance] = Field([], max_length=MAX_LIST)
    export_development: list[ExportDevelopment] = Field([], max_length=MAX_LIST)

    @model_validator(mode="after")
    def _order_is_permutation(self) -> PolicySpec:
        if sorted(self.priority_order) != sorted(PRIORITY_CLASSES):
            raise ValueError(f"priority_order must list each of {', '.join(PRIORITY_CLASSES)} once")
        return self


class ImportSpec(Strict):
    """``[imports]``: how buyers replace imported inputs they cannot get (see :mod:`sim.engine.imports`).

    Attributes:
        substitution_share: Share of an import shortfall that buyers move to domestic suppliers
            of the same input, where such suppliers exist, in [0, 1]. Default fitted to the
            recorded episodes (0.413, standard error 0.078; the record is in
            :mod:`sim.scenario.parameters`).
        substitution_months: Time constant (months) of that shift: buyers close
            ``dt / substitution_months`` of the gap each step. Default fitted with it (1.01,
            standard error 0.33).
    """

    substitution_share: float = Field(0.413, ge=0.0, le=1.0)
    substitution_months: float = Field(1.01, gt=0.0, le=MAX_MONTHS)
