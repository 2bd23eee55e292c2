"""``[stochastic]``: the random shocks of a scenario (drawn by :mod:`sim.engine.stochastic`)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from sim.strict import MAX_MONTHS, Strict


class StochasticSpec(Strict):
    """``[stochastic]``: random shocks drawn from the run's one generator (all off by default).

    See :mod:`sim.engine.stochastic` for the equations.

    Attributes:
        productivity_sigma: Standard deviation of the monthly AR(1) innovation of log firm
            productivity (idiosyncratic).
        productivity_rho: AR(1) persistence of log productivity.
        productivity_size_elasticity: ``beta``: a firm's innovation sigma is
            ``productivity_sigma (x_k / x_med)^(-beta)``, ``x_k`` its initial output and ``x_med``
            the median; growth-rate volatility falls with size as a power law, ``beta`` about
            0.15-0.2 in firm data (Stanley et al. 1996, Nature 379; Bottazzi and Secchi 2006,
            RAND J. Econ. 37). 0: every firm alike.
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
            shock common to all firms of a province (or sector, or the whole nation).
        correlated_rho: AR(1) persistence of the common shock.
        correlated_by: ``"province"``, ``"sector"`` or ``"nation"``: who shares a common shock
            (``"nation"``: one aggregate shock, e.g. oil revenue, sanctions, the exchange rate).
    """

    productivity_sigma: float = Field(0.0, ge=0.0, le=1.0)
    productivity_rho: float = Field(0.9, ge=0.0, lt=1.0)
    productivity_size_elasticity: float = Field(0.0, ge=0.0, le=1.0)
    outage_rate: float = Field(0.0, ge=0.0, le=10.0)
    outage_months: float = Field(1.0, gt=0.0, le=MAX_MONTHS)
    outage_loss: float = Field(1.0, ge=0.0, le=1.0)
    regime_enter: float = Field(0.0, ge=0.0, le=1.0)
    regime_exit: float = Field(0.25, ge=0.0, le=1.0)
    regime_start_high: bool = False
    regime_volatility: float = Field(2.0, ge=1.0, le=10.0)
    correlated_sigma: float = Field(0.0, ge=0.0, le=1.0)
    correlated_rho: float = Field(0.5, ge=0.0, lt=1.0)
    correlated_by: Literal["province", "sector", "nation"] = "province"
