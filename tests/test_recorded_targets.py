"""Targets against recorded provincial targets, scope by scope: cases worked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.history.recorded_targets import (
    compare_targets,
    format_comparison,
    model_targets_by_scope,
    recorded_pairs,
)

# Province A: two industry cells and a mining cell; B: one industry cell; C: one mining cell.
CELLS = pd.DataFrame(
    {
        "province": ["A", "A", "A", "B", "C"],
        "kind": ["industry", "industry", "mining", "industry", "mining"],
        "value_added": [1.0, 3.0, 1.0, 2.0, 4.0],
        "target": [0.10, 0.02, 0.05, 0.07, 0.03],
    }
)


def _recorded(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["province", "name", "scope", "target_pct", "rank_note"])


def test_scope_targets_are_value_added_weighted_means():
    table = model_targets_by_scope(CELLS)
    # A industry: (1 x 0.10 + 3 x 0.02) / 4 = 0.04; mining 0.05; economy (0.10 + 0.06 + 0.05) / 5 = 0.042
    assert table.loc["A"].tolist() == pytest.approx([0.042, 0.04, 0.05])
    assert table.at["B", "economy"] == pytest.approx(0.07) and table.at["B", "industry"] == pytest.approx(0.07)
    assert np.isnan(table.at["B", "mining"]) and np.isnan(table.at["C", "industry"])
    assert table.at["C", "economy"] == pytest.approx(0.03)


def test_pairs_follow_the_recorded_values_ties_give_none_and_the_lowest_sit_below():
    recorded = _recorded(
        [
            ("P", "p", "economy", 7.0, ""),
            ("Q", "q", "economy", 9.0, ""),
            ("R", "r", "economy", 7.0, ""),
            ("S", "s", "economy", np.nan, "among the lowest"),
            ("T", "t", "industry", 12.0, ""),  # another scope: not in the economy's pairs
            ("nation", "n", "economy", 8.0, ""),
        ]
    )
    pairs = recorded_pairs(recorded, "economy")
    assert sorted(pairs) == sorted([("Q", "P"), ("Q", "R"), ("Q", "S"), ("P", "S"), ("R", "S")])
    assert recorded_pairs(recorded, "industry") == []  # one province: no pair
    assert recorded_pairs(recorded, "mining") == []


def test_a_pair_is_reproduced_when_the_model_puts_the_higher_province_above():
    # model economy: A 4.2%, B 7.0%, C 3.0%; industry: A 4.0%, B 7.0%
    recorded = _recorded(
        [
            ("A", "Alpha", "economy", 9.0, ""),  # recorded first, model second: (A, B) missed
            ("B", "Beta", "economy", 8.0, ""),
            ("C", "Gamma", "economy", np.nan, "among the lowest"),  # below both: both reproduced
            ("B", "Beta", "industry", 10.0, ""),
            ("A", "Alpha", "industry", 6.0, ""),  # (B, A) reproduced
            ("Z", "Zeta", "mining", 5.0, ""),  # not in the model: its pair cannot be reproduced
            ("C", "Gamma", "mining", 4.0, ""),
        ]
    )
    comparison = compare_targets(CELLS, recorded)
    counts = comparison.reproduced()
    assert counts.loc["economy"].tolist() == [3, 2]
    assert counts.loc["industry"].tolist() == [1, 1]
    assert counts.loc["mining"].tolist() == [1, 0]
    pairs = comparison.pairs.set_index(["scope", "higher", "lower"])
    assert not pairs.loc[("economy", "A", "B"), "reproduced"]
    assert pairs.loc[("economy", "A", "B"), "model_higher_pct"] == pytest.approx(4.2)
    provinces = comparison.provinces.set_index(["province", "scope"])
    assert provinces.loc[("B", "economy"), "model_rank"] == 1  # B 7.0 > A 4.2 > C 3.0
    assert provinces.loc[("C", "economy"), "model_rank"] == 3
    assert np.isnan(provinces.loc[("Z", "mining"), "model_pct"])
    text = format_comparison(comparison)
    assert "economy   2 of 3" in text and "missed, economy: Alpha > Beta" in text
    assert "missed, mining: Zeta > Gamma" in text
