"""The orders rule of the inventories phase on values worked by hand, in its three writings.

``O = max(F, u + (T - S) / tau)``, ``u = a x^d dt``, ``T = (n + dt) a x^d = f u`` (``f = n / dt + 1``),
and the floor of a capacity-bound firm (``x^d < q``): ``F = a x dt`` where a shock binds
(``x^d < K_op``), ``F = max(0, a x dt - max(0, S - T_q) / tau)``, ``T_q = f a q dt``, where readiness
binds (``K_op <= x^d < q``); 0 for any other firm: the numpy rule (sim/engine/phases/inventories.py),
the compiled loop of ensembles (sim/kernels/fused.py) and the object-per-firm reference
(tests/oracle/reference_firm.py).
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from oracle.reference_firm import InputLine, ReferenceFirm

from sim.engine.phases.inventories import inventories
from sim.kernels import fused
from sim.kernels.blocks import pair_blocks
from sim.kernels.lines import InputLines, LineBlock

DT, TAU = 1.0, 2.0
# Three firms: firm 0 buys on lines 0 and 1, firm 1 on line 2, firm 2 on line 3.
LINES_PER_FIRM = np.array([2, 1, 1])
FIRST = np.array([0, 2, 3, 4], dtype=np.int64)
COEF = np.array([0.5, 0.2, 1.0, 0.5])
FACTOR = np.array([3.0, 2.0, 2.0])  # f = n / dt + 1: n = 2, 1 and 1 months
PLANNED = np.array([10.0, 4.0, 3.0])  # q
OPERABLE = np.array([6.0, 5.0, 8.0])  # K_op
# x^d = min(q, K): firm 0 bound by readiness (K = K_op = 6 < q), firm 1 by demand, firm 2 by a shock (K = 2.4 < K_op)
DESIRED = np.array([6.0, 4.0, 2.4])
OUTPUT = np.array([5.0, 4.0, 2.0])  # x <= x^d
STOCK = np.array([18.0, 5.0, 12.0, 10.0])  # S after this step's receipts and use
# Firm 0 (readiness binds: K_op = 6 <= x^d = 6 < q = 10, x = 5, f = 3):
#   line 0, a dt = 0.5: u = 3, T = 9, T_q = 3 * 10 * 0.5 = 15; S = 18 is above T_q: the excess 3 runs down
#     at 1/tau. Refill (9 - 18) / 2 + 3 = -1.5; F = max(0, 5 * 0.5 - 3 / 2) = 1.0 -> O = 1.0
#     (the full floor, a x dt = 2.5, would hold the stock at 18); S - U + O = 18 - 2.5 + 1 = 16.5 = T_q + 3 / 2.
#   line 1, a dt = 0.2: u = 1.2, T = 3.6, T_q = 3 * 10 * 0.2 = 6; S = 5 is above T but at most T_q: the floor
#     holds. Refill (3.6 - 5) / 2 + 1.2 = 0.5; F = 5 * 0.2 = 1.0 -> O = 1.0 (it orders what it uses).
# Firm 1 (bound by demand: x^d = q = 4, F = 0, f = 2), line 2, a dt = 1: u = 4, T = 8; S = 12 runs down at 1/tau:
#   (8 - 12) / 2 + 4 = 2.0 -> O = 2.0.
# Firm 2 (a shock binds: x^d = 2.4 < K_op = 8 and < q = 3, x = 2, f = 2), line 3, a dt = 0.5: u = 1.2,
#   T = 2.4; refill (2.4 - 10) / 2 + 1.2 = -2.6; the full floor F = 2 * 0.5 = 1.0 -> O = 1.0 whatever the stock.
#   (Read as readiness-bound, T_q = 2 * 3 * 0.5 = 3, the excess 7 would give F = max(0, 1 - 3.5) = 0 and O = 0.)
EXPECTED = [1.0, 1.0, 2.0, 1.0]


class _Lines:
    """The input lines of the three firms, cut in blocks as :class:`InputLines` cuts them."""

    def __init__(self) -> None:
        self.first = FIRST
        self.buyer = np.repeat(np.arange(LINES_PER_FIRM.size), LINES_PER_FIRM)
        self._blocks = [LineBlock(block) for block in pair_blocks(LINES_PER_FIRM, 2)]

    each_line = InputLines.each_line


def _numpy_orders(stock: np.ndarray) -> np.ndarray:
    state = SimpleNamespace(
        stock=stock.copy(),
        received=np.zeros(4),
        used=np.zeros(4),
        pair_coef=COEF,
        desired=DESIRED,
        planned=PLANNED,
        operable=OPERABLE,
        output=OUTPUT,
        demand=DESIRED,
        orders=np.full(4, -1.0),
    )
    rates = SimpleNamespace(dt=DT, restore_steps=TAU, restore_rate=1.0 / TAU, reroute=0.0)
    world = SimpleNamespace(network=SimpleNamespace(route_of_pair=None))  # no re-routing
    plan = SimpleNamespace(rates=rates, lines=_Lines(), stock_factor=FACTOR, world=world)
    inventories(state, plan, SimpleNamespace(intermediate=None))
    return state.orders


def test_the_numpy_rule_lets_a_readiness_bound_firms_excess_go_and_holds_the_rest():
    np.testing.assert_allclose(_numpy_orders(STOCK), EXPECTED, rtol=0, atol=1e-12)


def test_the_floor_is_never_negative():
    # Firm 0, line 0 with S = 21: excess over T_q = 6, F = max(0, 2.5 - 3) = 0; refill (9 - 21) / 2 + 3 = -3 -> O = 0.
    stock = STOCK.copy()
    stock[0] = 21.0
    assert _numpy_orders(stock)[0] == 0.0


def test_the_compiled_loop_agrees_bit_for_bit():
    kernels = fused.compiled(np.zeros((1, 1)))
    assert kernels is not None, "numba is a dependency of growthsim"
    stock = np.vstack((STOCK, STOCK))
    stock[1, 0] = 21.0  # run 1: the floor clipped at 0 (see above)
    firms = [np.vstack((values, values)) for values in (DESIRED, PLANNED, OPERABLE, OUTPUT)]
    out = np.empty((2, 4))
    flows = np.zeros_like(stock), np.zeros_like(stock), np.full(2, -1.0)  # received, used, least stock a run
    where, _ = fused.orders(kernels, FIRST, stock, *flows, COEF, firms[0], FACTOR, *firms[1:], DT, 1.0 / TAU, out)
    assert where == -1
    np.testing.assert_array_equal(out[0], _numpy_orders(STOCK))
    np.testing.assert_array_equal(out[1], [0.0, *EXPECTED[1:]])


@pytest.mark.parametrize("firm", [0, 1, 2])
def test_the_reference_firm_agrees(firm):
    lines = range(FIRST[firm], FIRST[firm + 1])
    months = (FACTOR[firm] - 1.0) * DT
    reference = object.__new__(ReferenceFirm)  # only the inventories rule's state
    reference.model = SimpleNamespace(rates=SimpleNamespace(dt=DT, restore_steps=TAU), rerouting=False)
    reference.desired, reference.planned = float(DESIRED[firm]), float(PLANNED[firm])
    reference.output, reference.demand = float(OUTPUT[firm]), float(DESIRED[firm])
    reference.operable = float(OPERABLE[firm])
    reference.lines = []
    for p in lines:
        line = InputLine(float(COEF[p]), 0.0, True, months, 0)
        line.stock = float(STOCK[p])
        reference.lines.append(line)
    reference.stock_up()
    assert [line.orders for line in reference.lines] == pytest.approx([EXPECTED[p] for p in lines], abs=1e-12)
