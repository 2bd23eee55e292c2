"""Targets against recorded provincial targets, scope by scope: cases worked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.history.recorded_targets import (
    TargetComparison,
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


# Ties in the model: A and B have one industry cell each at exactly 6%; C an industry cell at 8%
# (value added 1) and a mining cell at 4% (value added 3), so C's economy is (0.08 + 3 x 0.04) / 4 = 5%.
TIED_CELLS = pd.DataFrame(
    {
        "province": ["A", "B", "C", "C"],
        "kind": ["industry", "industry", "industry", "mining"],
        "value_added": [1.0, 2.0, 1.0, 3.0],
        "target": [0.06, 0.06, 0.08, 0.04],
    }
)


def _tied_recorded() -> pd.DataFrame:
    # as read from a file: empty notes are NaN, a national row, a province the model does not have (W),
    # and the rows not in the order of their values
    return _recorded(
        [
            ("nation", "Nation", "economy", 8.0, np.nan),
            ("A", "Alpha", "economy", 9.0, np.nan),
            ("B", "Beta", "economy", 6.5, "middle"),
            ("C", "Gamma", "economy", np.nan, "among the lowest"),
            ("W", "Omega", "economy", 5.0, np.nan),
            ("C", "Gamma", "industry", 4.0, np.nan),
            ("A", "Alpha", "industry", 7.5, np.nan),
        ]
    )


def test_pairs_keep_rows_with_empty_notes_and_only_an_unvalued_lowest_goes_below():
    recorded = _tied_recorded()
    # Y has no value and no "among the lowest": it is in no pair; the "lowest" note of V, which
    # has a value, does not put it below the others
    extra = _recorded(
        [("Y", "Ypsilon", "economy", np.nan, "not given"), ("V", "Vee", "economy", 3.0, "among the lowest")]
    )
    pairs = recorded_pairs(pd.concat([recorded, extra], ignore_index=True), "economy")
    # by value: A 9 > B 6.5 > W 5 > V 3, then C (lowest, no value) below each of them
    assert pairs == [
        ("A", "B"),
        ("A", "W"),
        ("A", "V"),
        ("B", "W"),
        ("B", "V"),
        ("W", "V"),
        ("A", "C"),
        ("B", "C"),
        ("W", "C"),
        ("V", "C"),
    ]


def test_equal_recorded_values_keep_the_order_of_the_file():
    # six provinces tied at 5% listed before the one at 9%: its pairs list them in the file's order
    ties = ["F", "B", "E", "A", "D", "C"]
    recorded = _recorded([(p, p, "mining", 5.0, "") for p in ties] + [("Q", "Q", "mining", 9.0, "")])
    assert recorded_pairs(recorded, "mining") == [("Q", p) for p in ties]


def test_comparison_with_model_ties_a_national_row_and_a_province_the_model_lacks():
    comparison = compare_targets(TIED_CELLS, _tied_recorded())
    provinces = comparison.provinces
    assert "nation" not in set(provinces["province"])
    assert provinces["province"].tolist() == ["A", "B", "C", "W", "C", "A"]  # the recorded order
    assert provinces["rank_note"].tolist() == ["", "middle", "among the lowest", "", "", ""]
    # economy A 6, B 6, C 5 (%): A and B share rank 1, C is 3rd; industry C 8 first, A 6 second
    assert provinces["model_pct"].tolist()[:3] == pytest.approx([6.0, 6.0, 5.0])
    assert np.isnan(provinces["model_pct"].iloc[3]) and np.isnan(provinces["model_rank"].iloc[3])
    assert provinces["model_rank"].tolist()[:3] == [1, 1, 3]
    assert provinces["model_rank"].tolist()[4:] == [1, 2]
    assert provinces["recorded_pct"].tolist()[:2] == [9.0, 6.5] and np.isnan(provinces["recorded_pct"].iloc[2])

    pairs = comparison.pairs
    assert list(pairs.columns) == ["scope", "higher", "lower", "model_higher_pct", "model_lower_pct", "reproduced"]
    assert list(zip(pairs["scope"], pairs["higher"], pairs["lower"], strict=True)) == [
        ("economy", "A", "B"),
        ("economy", "A", "W"),
        ("economy", "B", "W"),
        ("economy", "A", "C"),
        ("economy", "B", "C"),
        ("economy", "W", "C"),
        ("industry", "A", "C"),
    ]
    # A = B in the model: not reproduced; W not in the model: neither as higher nor as lower
    assert pairs["reproduced"].tolist() == [False, False, False, True, True, False, False]
    assert pairs["model_higher_pct"].iloc[3] == pytest.approx(6.0) and pairs["model_lower_pct"].iloc[
        3
    ] == pytest.approx(5.0)
    assert pairs["model_lower_pct"].iloc[6] == pytest.approx(8.0)  # industry: C at 8% above A's 6%
    assert np.isnan(pairs["model_lower_pct"].iloc[1]) and np.isnan(pairs["model_higher_pct"].iloc[5])
    counts = comparison.reproduced()
    assert counts.index.tolist() == ["economy", "industry"]
    assert counts.loc["economy"].tolist() == [6, 2] and counts.loc["industry"].tolist() == [1, 0]


def test_comparison_text_line_by_line():
    text = format_comparison(compare_targets(TIED_CELLS, _tied_recorded()))

    def row(scope, name, recorded, model, rank):
        # the columns: scope 9 wide and name 24 wide to the left, the numbers 9, 7 and 10 wide to the right
        return " ".join([scope.ljust(9), name.ljust(24), recorded.rjust(9), model.rjust(7), rank.rjust(10)])

    assert text.split("\n") == [
        "recorded 1401 targets (sim/data/history/provincial_targets.csv) against the model's, % a year;",
        "economy: the whole provincial economy as recorded, the model's industry and mining together",
        "",
        row("scope", "province", "recorded", "model", "model rank"),
        # economy first, each scope from the highest recorded value down, the unvalued last
        row("economy", "Alpha", "9.00", "6.00", "1"),
        row("economy", "Beta", "6.50", "6.00", "1"),
        row("economy", "Omega", "5.00", "-", "-"),
        row("economy", "Gamma", "lowest", "5.00", "3"),
        row("industry", "Alpha", "7.50", "6.00", "2"),
        row("industry", "Gamma", "4.00", "8.00", "1"),
        "",
        "recorded pairs (a above b) the model reproduces:",
        "  economy   2 of 6 (4 provinces recorded)",
        "  industry  0 of 1 (2 provinces recorded)",
        "  missed, economy: Alpha > Beta; Alpha > Omega; Beta > Omega; Omega > Gamma",
        "  missed, industry: Alpha > Gamma",
    ]


def test_counts_come_in_the_order_of_the_scopes_and_no_pairs_give_none():
    pairs = pd.DataFrame(
        {
            "scope": ["mining", "economy", "mining"],
            "higher": ["A", "A", "B"],
            "lower": ["B", "C", "C"],
            "model_higher_pct": [1.0, 2.0, 3.0],
            "model_lower_pct": [0.5, 1.0, 4.0],
            "reproduced": [True, True, False],
        }
    )
    counts = TargetComparison(pd.DataFrame(), pairs).reproduced()
    assert counts.index.tolist() == ["economy", "mining"]
    assert counts.loc["mining"].tolist() == [2, 1]
    # one province in each scope: no pair, an empty table with its columns, no counts
    alone = compare_targets(
        TIED_CELLS, _recorded([("A", "Alpha", "economy", 9.0, ""), ("C", "Gamma", "mining", 4.0, "")])
    )
    assert alone.pairs.empty and "model_lower_pct" in alone.pairs.columns
    assert alone.reproduced().empty


def test_a_province_without_a_value_is_printed_lowest_only_if_the_source_says_so():
    recorded = _recorded(
        [
            ("A", "Alpha", "economy", 9.0, ""),
            ("B", "Beta", "economy", np.nan, "among the lowest"),
            ("C", "Gamma", "economy", np.nan, ""),  # named without a value or a rank: no pair
        ]
    )
    comparison = compare_targets(CELLS, recorded)
    lines = {line.split()[1]: line for line in format_comparison(comparison).splitlines() if line.startswith("economy")}
    assert lines["Beta"].split()[2] == "lowest" and "not given" in lines["Gamma"]
    assert comparison.reproduced().loc["economy"].tolist() == [1, 0]  # only (A, B): A 4.2% < B 7.0%
