"""The compiled loops of ensembles (sim/kernels/fused.py, sim/kernels/routes.py) on values worked by hand."""

from __future__ import annotations

import numpy as np
import pytest

from sim.kernels import fused, routes

# Two firms: firm 0 buys on lines 0 (critical) and 1 (not critical), firm 1 has no lines, firm 2 on line 2.
FIRST = np.array([0, 2, 2, 3], dtype=np.int64)
COEF = np.array([0.5, 0.25, 2.0])
CRITICAL = np.array([True, False, True])
DT = 1.0


@pytest.fixture(scope="module")
def loops():
    kernels = fused.compiled(np.zeros((1, 1)))
    assert kernels is not None, "numba is a dependency of growthsim"
    return kernels


def test_input_bound_is_the_least_line_bound(loops):
    # run 0: line 0 covers 4 / 0.5 = 8; line 1 (half-critical) (2 / 0.25 + K) / 2 = (8 + 4) / 2 = 6 -> 6
    # run 1: line 0 covers 1 / 0.5 = 2; line 1 (8 + 10) / 2 = 9 -> 2; firm 2: 6 / 2 = 3 and 0 / 2 = 0
    stock = np.array([[4.0, 2.0, 6.0], [1.0, 2.0, 0.0]])
    capacity = np.array([[4.0, 7.0, 1.0], [10.0, 7.0, 1.0]])
    bound = fused.input_bound(loops, FIRST, stock, COEF, CRITICAL, capacity, DT)
    np.testing.assert_array_equal(bound, [[6.0, np.inf, 3.0], [2.0, np.inf, 0.0]])


def test_a_nan_line_bound_wins_as_in_np_minimum(loops):
    stock = np.array([[np.nan, 2.0, 6.0]])
    bound = fused.input_bound(loops, FIRST, stock, COEF, CRITICAL, np.array([[4.0, 7.0, 1.0]]), DT)
    assert np.isnan(bound[0, 0]) and bound[0, 2] == 3.0


def test_inputs_used_are_need_capped_by_stock_off_critical_lines(loops):
    # need = x a dt: firm 0 makes 4 -> 2 (line 0, critical: taken whatever the stock) and 1 (line 1, stock 0.5)
    output = np.array([[4.0, 9.0, 0.5]])
    stock = np.array([[0.1, 0.5, 7.0]])
    used = fused.inputs_used(loops, FIRST, output, COEF, CRITICAL, stock, DT, np.full((1, 3), -1.0))
    np.testing.assert_array_equal(used, [[2.0, 0.5, 1.0]])


def test_orders_refill_toward_the_target_with_the_capacity_floor(loops):
    # use u = x^d a dt; O = max((f u - S) / tau + u, F a dt), stock first updated (S + R) - U and raised to 0
    # line 0: u = 4 * 0.5 = 2, (3 * 2 - 5) / 2 + 2 = 2.5, floor 0 -> 2.5
    # line 1: u = 4 * 0.25 = 1, (3 * 1 - (-1 -> 0)) / 2 + 1 = 2.5, floor 0 -> 2.5
    # line 2: u = 1 * 2 = 2, (2 * 2 - 10) / 2 + 2 = -1, floor 3 * 2 = 6 (a shock binds: x^d = 1 < K_op = 1.5,
    # the full floor whatever the stock) -> 6
    stock = np.array([[4.0, 1.0, 10.0]])
    received, used = np.array([[2.0, 0.0, 1.0]]), np.array([[1.0, 2.0, 1.0]])  # stock after: 5, -1, 10
    desired, factor = np.array([[4.0, 0.0, 1.0]]), np.array([3.0, 3.0, 2.0])
    # the floor's output: x where x^d < q (firm 2: capacity-bound), 0 elsewhere (firms 0 and 1 make their plan)
    planned, output = np.array([[4.0, 0.0, 2.0]]), np.array([[4.0, 0.0, 3.0]])
    operable = np.array([[9.0, 9.0, 1.5]])
    firms = (desired, factor, planned, operable, output, DT, 1 / 2.0)  # the pace tau = 2 as its rate 1/2
    orders = np.empty((1, 3))
    where, _ = fused.orders(loops, FIRST, stock, received, used, np.array([-2.0]), COEF, *firms, orders)
    assert where == -1  # -1 is above the least stock allowed, -2
    np.testing.assert_array_equal(orders, [[2.5, 2.5, 6.0]])
    np.testing.assert_array_equal(stock, [[5.0, 0.0, 10.0]])


def test_orders_report_the_first_stock_that_fails_the_check(loops):
    # run 1's line 1 falls to -1 below the least stock (-0.5), then its line 2 to NaN: the first is reported
    stock = np.array([[1.0, 1.0, 1.0], [1.0, 0.0, np.nan]])
    received, used = np.zeros((2, 3)), np.array([[0.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    firms = (np.ones((2, 3)), np.ones(3), np.ones((2, 3)), np.ones((2, 3)), np.ones((2, 3)), DT, 1 / 2.0)
    least = np.array([-0.5, -0.5])
    where, value = fused.orders(loops, FIRST, stock, received, used, least, COEF, *firms, np.empty((2, 3)))
    assert (where, value) == (3 + 1, -1.0)


def test_runs_alone_and_a_switched_off_numba_keep_the_numpy_rules():
    assert fused.compiled(np.zeros(3)) is None
    fused.USE_NUMBA = False
    try:
        assert fused.compiled(np.zeros((2, 3))) is None
    finally:
        fused.USE_NUMBA = True


def test_router_lines_and_the_change_of_a_product_by_hand():
    loops = routes.kernels()
    # Two lines: line 0 on links 0 (supplier 0, base 1, standby size 0.5) and 1 (supplier 1, base 0, size 0.5);
    # line 1 on link 2 (supplier 1, base 1, size 1). Supplier 0 is distrusted (rho 0.5), supplier 1 trusted.
    pair_ptr = np.array([0, 2, 3], dtype=np.intp)
    link_supplier = np.array([0, 1, 1], dtype=np.intp)
    supplier_ptr, supplier_pairs = np.array([0, 1, 3], dtype=np.intp), np.array([0, 0, 1], dtype=np.intp)
    base, standby, rho = np.array([1.0, 0.0, 1.0]), np.array([0.5, 0.5, 1.0]), np.array([0.5, 1.0])
    share = base.copy()
    share[2] = 0.5  # line 1's link left off base by the last step: back at base first
    work = routes.Scratch(3, 2, 2)
    table = np.column_stack((base, standby, link_supplier.astype(float)))
    args = (supplier_ptr, supplier_pairs, pair_ptr, table, share)
    args += (work.mark, work.found, work.links, work.change, work.link_line, work.link_firm)
    n = loops.update_lines(True, np.array([2], dtype=np.intp), np.array([0], dtype=np.intp), rho, *args)
    links, change, line, firm, mark = work.links, work.change, work.link_line, work.link_firm, work.mark
    # line 0: L = 1 (1 - 0.5) = 0.5, C = 0.5 * 0.5 + 0.5 * 1 = 0.75; w = (s L / C + b) rho:
    # link 0: (0.5 * 2/3 + 1) * 0.5 = 2/3, link 1: 0.5 * 2/3 * 1 = 1/3 (they sum to one); line 1 untouched
    assert n == 2 and list(links[:2]) == [0, 1] and not mark.any()
    assert list(line[:2]) == [0, 0] and list(firm[:2]) == [0, 1]
    np.testing.assert_allclose(share, [2 / 3, 1 / 3, 1.0], rtol=1e-15)
    np.testing.assert_allclose(change[:2], [2 / 3 - 1, 1 / 3], rtol=1e-15)
    # without write_share the same links and change, the shares left as they are
    kept, again = np.array([1.0, 0.0, 1.0]), np.empty(3)
    args = (supplier_ptr, supplier_pairs, pair_ptr, table, kept)
    args += (work.mark, work.found, np.empty(3, dtype=np.intp), again, work.link_line, work.link_firm)
    assert loops.update_lines(False, np.array([2], dtype=np.intp), np.array([0], dtype=np.intp), rho, *args) == 2
    np.testing.assert_array_equal(again[:2], change[:2])
    np.testing.assert_array_equal(kept, base)
    # M O adds (w - b) O_p(e) by supplier: supplier 0 gets (2/3 - 1) * 6 = -2, supplier 1 (1/3) * 6 = 2
    out = np.array([10.0, 20.0])
    routes.add_to_suppliers(loops, firm[:2], line[:2], change[:2], np.array([6.0, 9.0]), out, work)
    np.testing.assert_allclose(out, [8.0, 22.0], rtol=1e-15)
    assert not work.bins.any() and not work.seen.any()  # left as found
    # M^T f adds (w - b) f_k(e) by line: line 0 gets (2/3 - 1) 3 + (1/3) 6 = 1, line 1 nothing
    lines = np.array([5.0, 7.0])
    routes.add_to_lines(loops, line[:2], firm[:2], change[:2], np.array([3.0, 6.0]), lines)
    np.testing.assert_allclose(lines, [6.0, 7.0], rtol=1e-15)


def test_segment_sums_are_reduceat_bit_for_bit():
    """The compiled pairwise sums (sim/kernels/segments.py) for every segment length to 700 (numpy's pairwise
    sum changes form at 8 and 128 values), and 1,000 and 5,000; segment_sum is reduceat itself."""
    from sim.kernels import segments

    assert segments._compiled() is not None, "numba is a dependency of growthsim"
    rng = np.random.default_rng(0)
    lengths = [*range(1, 700), 1000, 5000]
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    values = rng.random((2, sum(lengths))) * 10.0 ** rng.uniform(-5, 5, (2, sum(lengths)))
    expected = np.add.reduceat(values, starts, axis=-1)
    stack, left = np.empty((64, 3), dtype=np.intp), np.empty(64)
    pairwise = segments._pairwise_deep  # compiled by _compiled()
    # reduceat's sum of a segment: the first value plus the pairwise sum of the rest
    segment = [(lo, n) for lo, n in zip(starts, lengths, strict=True)]
    compiled = np.array([[row[lo] + pairwise(row, lo + 1, n - 1, stack, left) for lo, n in segment] for row in values])
    assert compiled.view(np.int64).tolist() == expected.view(np.int64).tolist()
    assert segments.segment_sum(values, starts).view(np.int64).tolist() == expected.view(np.int64).tolist()
    assert np.array_equal(segments.segment_sum(values[0], starts), expected[0])  # a run alone


def test_all_runs_products_are_scipys_row_by_row_bit_for_bit():
    """``A x`` and ``A^T y`` of (R, .) values in one pass (sim/kernels/spmm.py) against csr_matvec, csc_matvec."""
    import scipy.sparse as sp

    from sim.kernels.matvec import MatVec
    from sim.kernels.spmm import RunsProducts, kernels
    from sim.kernels.supplier_matrix import PairMatrix

    rng = np.random.default_rng(3)
    matrix = sp.random(60, 400, density=0.04, format="csr", random_state=4)  # empty rows and lines among them
    matrix.data *= 10.0 ** rng.uniform(-6, 6, matrix.nnz)
    matrix.sum_duplicates()
    x = rng.random((5, 400)) * 10.0 ** rng.uniform(-8, 8, (5, 400))
    y = rng.random((5, 60)) * 10.0 ** rng.uniform(-8, 8, (5, 60))
    x[1, 7], y[2, 3] = np.inf, np.nan
    products = RunsProducts(matrix, kernels())
    by_row = MatVec(matrix)(x), MatVec(matrix.T)(y)
    at_once = products.to_rows(x), products.to_lines(y)
    for got, want in zip(at_once, by_row, strict=True):
        assert got.view(np.int64).tolist() == want.view(np.int64).tolist()
    pairs = PairMatrix(matrix)  # an ensemble's products go through it; a run alone's row stays scipy's
    assert np.array_equal(pairs.sum_to_rows(x), by_row[0], equal_nan=True)
    out = np.empty((5, 400))
    assert pairs.gather_to_pairs(y, out=out) is out and np.array_equal(out, by_row[1], equal_nan=True)
    assert np.array_equal(pairs.sum_to_rows(x[0]), by_row[0][0])
    unsorted = sp.csr_matrix((np.array([1.0, 2.0]), np.array([2, 0]), np.array([0, 2])), shape=(1, 3))
    assert not RunsProducts.usable(unsorted)  # kept row by row: its sums follow the stored order


def test_group_sums_are_numpys_sum_and_reduceat_bit_for_bit():
    """A record cube's sums over its cells and by group (sim/kernels/segments.py), as the series take them
    column by column (analysis.metrics.many.RunCube); groups past 128 cells among them."""
    from sim.kernels.segments import group_sums

    rng = np.random.default_rng(5)
    cells = np.sort(rng.choice(1500, 1300, replace=False))
    cube = rng.random((2, 3, 4, 1500)) * 10.0 ** rng.uniform(-5, 5, (2, 3, 4, 1500))
    rows = np.array([0, 2, 3])
    keys = [cells % 7, np.minimum(cells // 400, 2), np.zeros(cells.size, dtype=np.int64)]  # 186, 400 and 1300 cells
    got = group_sums(cube, rows, cells, keys)
    for c in range(cube.shape[1]):
        values = np.ascontiguousarray(cube[:, c][:, rows][..., cells])  # (runs, rows, cells), as RunCube.column
        want = [values.sum(axis=-1)[..., None]]
        for key in keys:
            order = np.argsort(key, kind="stable")
            starts = np.unique(key[order], return_index=True)[1]
            want.append(np.add.reduceat(np.ascontiguousarray(values[..., order]), starts, axis=-1))
        assert got[:, c].view(np.int64).tolist() == np.concatenate(want, axis=-1).view(np.int64).tolist()


def test_compiled_sums_load_from_numbas_cache():
    """A compiled loop that called a recursive one crashed when loaded from Numba's disk cache: each loop
    is run in two fresh processes (the second loads what the first compiled)."""
    import subprocess
    import sys

    code = (
        "import numpy as np; from sim.kernels.segments import group_sums, segment_sum; "
        "v = np.arange(3000.0).reshape(1, 1, 1, 3000); c = np.arange(3000); "
        "print(group_sums(v, np.array([0]), c, [c // 1000])[0, 0, 0, 0], "
        "segment_sum(v[0, 0], np.array([0, 500]))[0, 1])"
    )
    for _ in range(2):
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert done.stdout.split() == ["4498500.0", "4373750.0"]
