"""``[[policy.export_development]]``: the lever for priority 4, complex products for export.

The ministry's fourth production priority is "complex products, for export development"
(``docs/priorities.md`` quotes the policy text). Economic complexity (Hidalgo, Klinger,
Barabasi and Hausmann 2007, *Science* 317: 482-487; Hidalgo and Hausmann 2009, *PNAS* 106:
10570-10575; Hausmann, Hidalgo et al. 2014, *The Atlas of Economic Complexity*, MIT Press) finds
that countries grow by moving into products that need many capabilities (machinery, electronics,
chemicals, vehicles) and that what a country exports predicts its later growth (Hausmann, Hwang
and Rodrik 2007, *J. Econ. Growth* 12: 1-25). The export-led growth literature names the
instruments: market access and export promotion that let foreign demand for a product grow,
export credit and credit guarantees that keep buyers ordering through a downturn (Auboin and
Engemann 2014, *Rev. World Econ.* 150: 715-743, on trade finance and trade), and learning by
exporting, the productivity gains of firms that sell abroad (De Loecker 2007, *J. Int. Econ.*
73: 69-98; Clerides, Lach and Tybout 1998, *QJE* 113: 903-947, find such gains small, so the
default learning rate is zero).

What the lever does is in :mod:`sim.engine.export_development`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field, model_validator

from sim.errors import InputError
from sim.strict import Window

if TYPE_CHECKING:
    from sim.economy.cell_economy import Economy


class ExportDevelopment(Window):
    """Export development of complex products in the covered cells.

    Attributes:
        sectors: Sector codes (default: the sectors tagged ``complex_export`` in ``sectors.csv``).
        provinces: Province codes (default: all).
        start: First month the lever acts, 1-based.
        end: Last month, inclusive (``None``: to the horizon). Markets won and learning stay
            after the end; the credit guarantee does not.
        demand_growth: Growth of the covered firms' export demand from market access, per year,
            in [0, 1] (0.10 = export demand 10% a year higher for every year the lever has acted).
        ceiling: Largest multiple of month-0 export demand that market access reaches, in
            [1, 10] (growth stops there).
        guarantee: Export credit guarantee, in [0, 1]: while the lever acts, an export-demand
            shock cannot push the covered firms' export demand below this share of its
            shock-free level.
        learning_rate: Learning by exporting: productivity of the covered firms rises this much
            per year the lever has acted, in [0, 0.2] (0.02 = 2% a year).
    """

    # Numbers only (no text or booleans taken for numbers), finite.
    demand_growth: float = Field(0.0, ge=0.0, le=1.0, strict=True, allow_inf_nan=False)
    ceiling: float = Field(3.0, ge=1.0, le=10.0, strict=True, allow_inf_nan=False)
    guarantee: float = Field(0.0, ge=0.0, le=1.0, strict=True, allow_inf_nan=False)
    learning_rate: float = Field(0.0, ge=0.0, le=0.2, strict=True, allow_inf_nan=False)

    @model_validator(mode="after")
    def _does_something(self) -> ExportDevelopment:
        if self.demand_growth == 0.0 and self.guarantee == 0.0 and self.learning_rate == 0.0:
            raise ValueError("set at least one of demand_growth, guarantee, learning_rate above 0")
        return self


def lever_sectors(lever: ExportDevelopment, economy: Economy, source: str, index: int) -> list[str]:
    """The sectors a lever covers: its ``sectors``, or those tagged ``complex_export``.

    Raises:
        InputError: When ``sectors`` is left out and no sector of the economy is tagged.
    """
    if lever.sectors is not None:
        return list(lever.sectors)
    tagged = [code for code, flag in zip(economy.sector_codes, economy.tag("complex_export"), strict=True) if flag]
    if not tagged:
        raise InputError(
            source,
            f"policy.export_development[{index}].sectors",
            "sector codes, since no sector of the economy is tagged complex_export in sectors.csv",
        )
    return tagged


def check_levers(levers: list[ExportDevelopment], economy: Economy, source: str) -> None:
    """Every lever covers some sector (:func:`lever_sectors`); called by ``Scenario.check_against``."""
    for index, lever in enumerate(levers):
        lever_sectors(lever, economy, source, index)
