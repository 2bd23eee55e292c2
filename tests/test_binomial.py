"""The Wilson interval of a probability of reaching a target, against published and hand values."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.metrics.binomial import interval_text, reach_probability


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [  # Newcombe (1998), Statistics in Medicine 17, 857-872, Table I, method 3 (Wilson score)
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_interval_matches_newcombe(k, n, low, high):
    prob = reach_probability(np.r_[np.ones(k), np.zeros(n - k)])
    assert prob["k"] == k and prob["n"] == n and prob["p"] == pytest.approx(k / n)
    assert (prob["low"], prob["high"]) == pytest.approx((low, high), abs=5e-5)


def test_no_run_reaching_gives_an_upper_bound_not_zero_width():
    # k = 0: the upper end is z^2 / (n + z^2); for 40 runs 3.8415 / 43.8415 = 0.0876 (rule of three: 0.075).
    prob = reach_probability(np.zeros(40))
    assert prob["p"] == 0.0 and prob["low"] == 0.0
    assert prob["high"] == pytest.approx(1.959963984540054**2 / (40 + 1.959963984540054**2))
    assert interval_text(prob) == "0% (95% interval 0-9%, 0 of 40 runs)"


def test_runs_not_judged_are_left_out():
    prob = reach_probability(np.array([1.0, np.nan, 0.0, 1.0]))
    assert prob["n"] == 3 and prob["k"] == 2
    assert interval_text(reach_probability(np.array([np.nan]))) == "n/a (no run judged)"
