"""The reconciliation arithmetic on hand-made numbers: what passes, what fails, by how much."""

from datetime import date

import pandas as pd

from retail_assets.quality.reconciliation import BronzeBalance, compare_revenue


def test_bronze_balance_is_exact_and_reports_the_difference():
    assert BronzeBalance("sales_lines", 568, 546, 11, 11).passed
    lost = BronzeBalance("sales_lines", 568, 545, 11, 11)
    assert not lost.passed and lost.difference == 1
    assert lost.metadata() == {"bronze_rows": 568, "silver_rows": 545, "rejected_rows": 11,
                               "duplicate_rows": 11, "difference": 1}


def _days(rows):
    return pd.DataFrame(rows, columns=["sale_date", "silver_lines", "gold_lines", "silver_revenue", "gold_revenue"])


def test_revenue_within_tolerance_passes_and_a_one_sided_day_fails():
    within = compare_revenue(_days([[date(2026, 11, 1), 3, 3, 100.0, 100.004]]))
    assert within.passed and within.metadata()["days_failing"] == 0

    result = compare_revenue(_days([
        [date(2026, 11, 1), 3, 3, 100.0, 100.0],
        [date(2026, 11, 2), 2, None, 40.5, None],  # silver has the day, gold lost it
        [date(2026, 11, 3), 5, 5, 10.0, 9.5],
    ]))
    assert not result.passed
    assert result.failing_days.sale_date.tolist() == [date(2026, 11, 2), date(2026, 11, 3)]
    assert result.worst_days(1).iloc[0].to_dict() == {
        "sale_date": date(2026, 11, 2), "silver_lines": 2, "gold_lines": 0,
        "silver_revenue": 40.5, "gold_revenue": 0.0, "difference": -40.5}
    assert result.metadata() == {"days_compared": 3, "days_failing": 2, "silver_revenue": 150.5,
                                 "gold_revenue": 109.5, "max_abs_difference": 40.5, "tolerance": 0.01}
