"""Random shocks of ``[stochastic]``, all drawn from the run's one generator, vectorised over firms.

Drawn in this order each step (only the parts that are switched on draw, so a run without them
keeps its random stream):

1. **Uncertainty regime**, a two-state Markov chain (Hamilton 1989): from normal to high with
   probability ``p_in``, back with ``p_out`` per step (monthly probabilities converted to the step,
   ``1 - (1 - p) ** dt``); the stationary share of time in the high regime is
   ``p_in / (p_in + p_out)``. In the high regime the sigmas below are multiplied by
   ``regime_volatility`` and investment is held back by ``uncertainty_brake``
   (:func:`sim.engine.phases.capacity.capacity`; Bloom 2009 on uncertainty shocks and the pause in investment).
2. **Idiosyncratic productivity**, AR(1) in logs: ``u_k <- rho u_k + v sigma_k eps_k``, with
   ``sigma_k = sigma (x_k / x_med)^(-beta)`` (``beta`` = ``productivity_size_elasticity``, ``x_k``
   the firm's initial output, ``x_med`` the median): big firms are diversified, so their growth
   is less volatile (Stanley et al. 1996; Bottazzi and Secchi 2006).
3. **Correlated shocks**, one AR(1) a province (or sector): ``g <- rho_g g + v sigma_g eta_g``;
   a firm's productivity is ``z_k = exp(u_k + g_{group(k)})`` (Foerster, Sarte and Watson 2011
   on common and sectoral components).
4. **Outages**: a firm not in an outage starts one with probability ``1 - exp(-lambda dt)``
   (Poisson rate ``lambda`` a month); it lasts ``outage_months`` and removes ``outage_loss`` of
   its capacity. The long-run share of firm-steps in an outage is ``p d / (p d + 1 - p)`` with
   ``p`` the start probability and ``d`` the duration in steps.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.scenario.stochastic import StochasticSpec


@dataclass(frozen=True)
class StochasticRates:
    """``[stochastic]`` converted to the step length ``dt``."""

    sigma: float
    rho: float
    regime_on: bool
    p_enter: float
    p_exit: float
    volatility: float
    common_sigma: float
    common_rho: float
    outage_start: float
    outage_steps: float
    outage_loss: float
    size_scale: np.ndarray | None = None

    @classmethod
    def from_spec(cls, spec: StochasticSpec, dt: float, size: np.ndarray | None = None) -> StochasticRates:
        """Rates per step; ``size`` (initial output by firm) sets the size scaling of sigma."""
        scale = None
        if spec.productivity_size_elasticity > 0 and size is not None and size.size:
            positive = np.maximum(np.asarray(size, dtype=float), np.finfo(float).tiny)
            scale = (positive / np.median(positive)) ** (-spec.productivity_size_elasticity)
            scale.setflags(write=False)
        return cls(
            size_scale=scale,
            sigma=spec.productivity_sigma * np.sqrt(dt),
            rho=spec.productivity_rho**dt,
            regime_on=spec.regime_enter > 0 or spec.regime_start_high,
            p_enter=1.0 - (1.0 - spec.regime_enter) ** dt,
            p_exit=1.0 - (1.0 - spec.regime_exit) ** dt,
            volatility=spec.regime_volatility,
            common_sigma=spec.correlated_sigma * np.sqrt(dt),
            common_rho=spec.correlated_rho**dt,
            outage_start=1.0 - np.exp(-spec.outage_rate * dt),
            outage_steps=spec.outage_months / dt,
            outage_loss=spec.outage_loss,
        )

    @property
    def draws(self) -> bool:
        """Whether a step draws any random number (the switches :func:`draw` tests)."""
        return bool(self.regime_on or self.sigma > 0 or self.common_sigma > 0 or self.outage_start > 0)


def correlated_groups(correlated_by: str, world) -> tuple[np.ndarray, int]:
    """``(group of each firm, number of groups)`` of the correlated shock.

    ``"province"``: the firm's province; ``"sector"``: its sector; ``"nation"``: one group of all
    firms (an aggregate shock).
    """
    firms, economy = world.firms, world.economy
    if correlated_by == "province":
        return firms.province, economy.n_provinces
    if correlated_by == "sector":
        return firms.sector, economy.n_sectors
    return np.zeros_like(firms.sector), 1


def draws_random_numbers(scenario) -> bool:
    """Whether a run of ``scenario`` draws any random number from its generator.

    :func:`draw` is the only user of the run's generator (the economy's firms and suppliers are
    drawn from ``[economy] seed``, the same in every run), so a scenario whose compiled
    ``[stochastic]`` rates switch every part off is deterministic: every run would be identical,
    whatever its seed.
    """
    return StochasticRates.from_spec(scenario.stochastic, scenario.parameters.step_months).draws


@dataclass
class StochasticState:
    """What the random shocks carry from step to step.

    Attributes:
        high: Whether the economy is in the high-uncertainty regime ((R, 1) flags in an ensemble).
        log_idiosyncratic: AR(1) state of each firm's log productivity, (N,).
        log_common: AR(1) state of each group's common log shock, (G,).
        outage_left: Steps of outage left for each firm, (N,).
    """

    high: bool | np.ndarray
    log_idiosyncratic: np.ndarray
    log_common: np.ndarray
    outage_left: np.ndarray

    @classmethod
    def initial(cls, spec: StochasticSpec, n_firms: int, n_groups: int) -> StochasticState:
        return cls(spec.regime_start_high, np.zeros(n_firms), np.zeros(n_groups), np.zeros(n_firms))

    def for_runs(self, runs: int) -> StochasticState:
        """This state repeated for an ensemble of ``runs`` runs: (R, N) and (R, G), ``high`` (R, 1)."""
        return StochasticState(
            np.full((runs, 1), bool(self.high)),
            np.repeat(self.log_idiosyncratic[None], runs, axis=0),
            np.repeat(self.log_common[None], runs, axis=0),
            np.repeat(self.outage_left[None], runs, axis=0),
        )


def draw(
    st: StochasticState,
    rates: StochasticRates,
    rng: np.random.Generator | Sequence[np.random.Generator],
    group: np.ndarray,
) -> tuple[np.ndarray | None, np.ndarray | None, np.ndarray | None]:
    """Advance the random shocks by one step.

    An ensemble (:mod:`sim.engine.ensemble`) passes one generator per run and a state whose arrays have
    a leading run axis, (R, N) and (R, G), and ``high`` of shape (R, 1): run ``r`` draws from its
    own generator, in the same order as a run alone, so its values are the run's, bit for bit.

    Args:
        st: The stochastic state (updated in place).
        rates: Per-step rates.
        rng: The run's generator (or the ensemble's generators, one a run).
        group: Group (province or sector) of each firm for the correlated shock, (N,).

    Returns:
        ``(productivity, log_productivity, outage_factor)`` by firm, ``z = exp(u + g)``, its exponent
        ``u + g`` and the outage factor; ``None`` where that part is off. Without correlated shocks
        ``g`` stays zero and the exponent is ``u`` itself (``exp(u + 0.0)`` is ``exp(u)``: no gather,
        no sum).
    """
    if rates.regime_on:
        u = _uniform(rng, st.high)
        high = np.where(st.high, u >= rates.p_exit, u < rates.p_enter)
        st.high = bool(high) if high.ndim == 0 else high
    v = (rates.volatility if st.high else 1.0) if np.ndim(st.high) == 0 else np.where(st.high, rates.volatility, 1.0)
    productivity = exponent = None
    if rates.sigma > 0:
        eps = _normal(rng, st.log_idiosyncratic.shape)
        if rates.size_scale is not None:
            eps *= rates.size_scale
        eps *= v * rates.sigma  # v sigma eps, then rho u + v sigma eps: the same products and sum, fewer temporaries
        st.log_idiosyncratic = np.multiply(rates.rho, st.log_idiosyncratic)
        st.log_idiosyncratic += eps
    if rates.common_sigma > 0:
        eta = _normal(rng, st.log_common.shape)
        st.log_common = rates.common_rho * st.log_common + v * rates.common_sigma * eta
    if rates.common_sigma > 0:
        exponent = st.log_idiosyncratic + st.log_common[..., group]
    elif rates.sigma > 0:  # g is zero all run (never drawn)
        exponent = st.log_idiosyncratic
    if exponent is not None:
        productivity = np.exp(exponent)
    outage = None
    if rates.outage_start > 0:
        left = np.maximum(st.outage_left - 1.0, 0.0)
        start = (left <= 0.0) & (_uniform(rng, left) < rates.outage_start)
        st.outage_left = np.where(start, rates.outage_steps, left)
        outage = np.where(st.outage_left > 0.0, 1.0 - rates.outage_loss, 1.0)
    return productivity, exponent, outage


def _normal(rng: np.random.Generator | Sequence[np.random.Generator], shape: tuple[int, ...]) -> np.ndarray:
    """Standard normals of ``shape``: from the run's generator, or row ``r`` from run ``r``'s."""
    if isinstance(rng, np.random.Generator):
        return rng.standard_normal(shape[-1])
    out = np.empty(shape)
    for generator, row in zip(rng, out, strict=True):
        generator.standard_normal(out=row)
    return out


def _uniform(rng: np.random.Generator | Sequence[np.random.Generator], like: np.ndarray | bool) -> np.ndarray:
    """Uniforms shaped as ``like``: one a run (``like`` a flag or a column (R, 1)), or one a firm."""
    if isinstance(rng, np.random.Generator):
        return np.asarray(rng.random()) if np.ndim(like) == 0 else rng.random(np.shape(like)[-1])
    out = np.empty(np.shape(like))
    for generator, row in zip(rng, out, strict=True):
        generator.random(out=row)
    return out
