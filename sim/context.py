"""What the phases of a step share: per-step rates, the step context, and array helpers.

:class:`StepContext` holds the world, the rates, the compiled schedules and the run's generator,
the pair-level constants derived once per run (:meth:`StepContext.prepare`), and the values a
phase hands to the next within a step. The helpers map between firm arrays (N,) and pair arrays
(P,): pairs are sorted by buyer, so a firm's pairs are contiguous.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from sim import imports, stochastic
from sim.errors import AccountingError
from sim.pair_blocks import PairBlock, pair_blocks
from sim.policy import PolicySchedule
from sim.shocks import ShockSchedule
from sim.supplier_products import PairProducts, SupplierProducts
from sim.world import World

TOLERANCE = 1e-9
"""Tolerance of the accounting checks, relative to the scale of the quantity checked."""


@dataclass(frozen=True)
class StepRates:
    """Parameters converted to the step length (see ``ModelParameters``)."""

    dt: float
    restore_steps: float
    recovery: float
    erosion_threshold: float
    erosion_after_months: float
    erosion: float
    depreciation: float
    maintenance_utilisation: float
    investment: float
    gestation_steps: int
    uncertainty_brake: float
    smoothing: float
    hiring: float
    firing: float


@dataclass
class StepContext:
    """What the phases share besides the state: the world, rates, schedule, generator.

    The pair-level constants (``pairs_per_firm`` .. ``class_products``) are derived from the world
    and the rates by :meth:`prepare`; the fields after them are filled during a step.
    """

    world: World
    rates: StepRates
    schedule: ShockSchedule
    rng: np.random.Generator
    rationing: str = "proportional"
    priority_rank: tuple[int, ...] = (0, 1, 2)
    recovery_boost: np.ndarray | None = None
    uncertainty_high: bool = False
    policy: PolicySchedule = field(default_factory=PolicySchedule)
    random: stochastic.StochasticRates | None = None
    random_group: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    import_structure: imports.ImportStructure | None = None
    substitution_share: float = 0.5
    substitution_rate: float = 1.0
    # Derived once by prepare().
    pairs_per_firm: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    base_coef_dt: np.ndarray = field(default_factory=lambda: np.zeros(0))
    stock_factor: np.ndarray = field(default_factory=lambda: np.zeros(0))
    class_products: PairProducts | None = None
    supplier_products: SupplierProducts | None = None
    pair_blocks: list[PairBlock] = field(default_factory=list)
    firm_ones: np.ndarray = field(default_factory=lambda: np.zeros(0))
    energy_varies: bool = True
    product_slot: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    import_coef: tuple[np.ndarray, np.ndarray] | None = None
    # Filled during a step.
    coef_dt: np.ndarray = field(default_factory=lambda: np.zeros(0))
    guarantee: np.ndarray | None = None
    import_hard: np.ndarray | None = None
    import_soft: np.ndarray | None = None
    final_domestic: np.ndarray = field(default_factory=lambda: np.zeros(0))
    final_export: np.ndarray = field(default_factory=lambda: np.zeros(0))
    intermediate: np.ndarray = field(default_factory=lambda: np.zeros(0))
    latent: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def prepare(self) -> StepContext:
        """Derive the pair-level constants of the step from the world and the rates.

        - ``pairs_per_firm``: pairs are sorted by buyer, so ``np.repeat(v, pairs_per_firm)``
          spreads a firm value over its pairs; ``pair_blocks``, the firms cut into blocks of
          consecutive firms and their pairs, over which phases spread firm values and take
          minima over a firm's pairs (:mod:`sim.pair_blocks`);
        - ``base_coef_dt = a dt``, the divisor of the input bound (pairs exist only where ``a > 0``);
        - ``stock_factor = n / dt + 1``: input stock targets in steps of use, by firm;
        - ``import_coef``: when imports are shocked, two pair arrays for the coefficients ``a'``
          and ``a' dt`` of steps with an import shortfall (:func:`sim.phases.shocks`);
        - ``firm_ones``: a read-only array of ones by firm, the capacity, energy and import
          availability of every step when no shock touches them; ``energy_varies``: some shock does
          touch energy (otherwise energy never binds);
        - ``supplier_products``: ``M O`` (orders of pairs to their suppliers) and ``M^T f`` (fill
          rates of suppliers to their customers' pairs) through scipy's compiled kernels, with the
          pairs regrouped by sector on large networks (:class:`sim.supplier_products.SupplierProducts`);
        - ``class_products`` (priority rationing only): the products by ``M`` with each entry
          moved to the row block of its pair's buyer's priority class, (3 N, P): row ``c N + k``
          holds supplier ``k``'s customers of class ``c`` (in the supplier products' layout, so
          on large networks through the same sector regrouping); and ``product_slot``, the row of
          ``(class, firm)`` where households' purchases of a firm's product fall.
        """
        world, net, dt = self.world, self.world.network, self.rates.dt
        n = world.n_firms
        self.pairs_per_firm = np.bincount(net.pair_buyer, minlength=n)
        self.pair_blocks = pair_blocks(self.pairs_per_firm)
        self.base_coef_dt = net.pair_coef * dt
        self.coef_dt = self.base_coef_dt
        self.stock_factor = world.inventory_months / dt + 1.0
        self.firm_ones = np.ones(n)
        self.firm_ones.setflags(write=False)
        self.energy_varies = "energy" in self.schedule.shocked
        if self.import_structure is not None and "imports" in self.schedule.shocked:
            self.import_coef = (np.empty(net.n_pairs), np.empty(net.n_pairs))
        self.supplier_products = SupplierProducts(net)
        if self.rationing == "priority":
            m = net.supplier_of_pair.tocoo()
            rows = world.firm_class[net.pair_buyer[m.col]].astype(np.int64) * n + m.row
            class_links = sp.csr_matrix((m.data, (rows, m.col)), shape=(3 * n, net.n_pairs))
            del m, rows
            self.class_products = self.supplier_products.moved_products(class_links)
            self.product_slot = world.firm_class.astype(np.int64) * n + np.arange(n)
        return self


def largest(values: np.ndarray) -> float:
    """``max(values)``, and at least 1 (the scale of a check); ``np.max(values, initial=1.0)`` without its wrapper."""
    return float(np.maximum.reduce(values, initial=1.0))


def check(phase: str, name: str, values: np.ndarray, scale: float = 1.0, firm_of: np.ndarray | None = None) -> None:
    """Raise :class:`AccountingError` if ``values`` has a NaN/inf or a value below ``-tol``.

    Args:
        phase: The phase being checked (named in the error).
        name: The quantity checked.
        values: Firm values, or pair values with ``firm_of`` mapping each pair to its firm.
        scale: Scale of the values for the tolerance.
        firm_of: Firm of each entry, when ``values`` are not by firm.
    """
    if values.size == 0:
        return
    # Two bare reductions (the hot path of every step); NaN propagates into both and fails both tests.
    if np.minimum.reduce(values) >= -TOLERANCE * scale and np.maximum.reduce(values) < np.inf:
        return
    bad = ~np.isfinite(values) | (values < -TOLERANCE * scale)
    index = int(np.flatnonzero(bad)[0])
    firm = index if firm_of is None else int(firm_of[index])
    where = "" if firm_of is None else f" (pair {index})"
    raise AccountingError(phase, firm, f"{name} = {values[index]!r}{where} (must be finite and >= 0)")


def to_pairs(values: np.ndarray, ctx: StepContext) -> np.ndarray:
    """A firm array spread over each firm's pairs (``values[pair_buyer]``, as a new array)."""
    return np.repeat(values, ctx.pairs_per_firm)
