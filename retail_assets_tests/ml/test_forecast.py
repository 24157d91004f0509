from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from retail_assets.ml.forecast import forecast_revenue, join_actuals, score_forecasts

MADE_ON = date(2026, 3, 1)  # a Sunday


def history(weeks=10, skip=()):
    rows = []
    for offset in range(weeks * 7):
        day = MADE_ON - timedelta(days=offset)
        if day in skip:
            continue
        rows.append((day, "S1", 100.0 + 10 * day.weekday()))  # Monday 100 .. Sunday 160
        rows.append((day, "S2", 50.0))
    return pd.DataFrame(rows, columns=["sale_date", "store_id", "revenue"])


def test_weekday_seasonal_forecast_for_14_days():
    f = forecast_revenue(history(), MADE_ON)
    assert len(f) == 28 and set(f["horizon_day"]) == set(range(1, 15))
    s1 = f[f["store_id"] == "S1"]
    expected = [100.0 + 10 * d.weekday() for d in pd.to_datetime(s1["forecast_date"])]
    np.testing.assert_allclose(s1["forecast_revenue"], expected)
    assert (f[f["store_id"] == "S2"]["forecast_revenue"] == 50.0).all()
    assert (f["forecast_made_on"] == MADE_ON).all() and (f["history_days"] == 8).all()


def test_missing_days_are_ignored_not_zero_and_later_data_is_not_used():
    mondays = {MADE_ON - timedelta(days=6 + 7 * k) for k in range(3)}
    data = history(skip=mondays)
    later = pd.DataFrame([(MADE_ON + timedelta(days=1), "S1", 1e6)], columns=["sale_date", "store_id", "revenue"])
    f = forecast_revenue(pd.concat([data, later]), MADE_ON)
    monday = f[(f["store_id"] == "S1") & (pd.to_datetime(f["forecast_date"]).dt.weekday == 0)]
    assert (monday["forecast_revenue"] == 100.0).all() and (monday["history_days"] == 5).all()


def test_weekday_never_seen_falls_back_to_store_mean():
    data = history(weeks=1).query("store_id == 'S2'")
    data = data[pd.to_datetime(data["sale_date"]).dt.weekday != 2]
    f = forecast_revenue(data, MADE_ON)
    assert (f["forecast_revenue"] == 50.0).all()
    assert (f.loc[pd.to_datetime(f["forecast_date"]).dt.weekday == 2, "history_days"] == 0).all()


def test_mape_per_store_against_actuals():
    forecasts = pd.DataFrame({
        "forecast_made_on": MADE_ON, "store_id": ["S1", "S1", "S2", "S2"],
        "forecast_date": [date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 2), date(2026, 3, 9)],
        "horizon_day": [1, 2, 1, 8], "forecast_revenue": [110.0, 90.0, 50.0, 10.0], "history_days": 8,
    })
    actuals = pd.DataFrame({"sale_date": [date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 3)],
                            "store_id": ["S1", "S1", "S2"], "revenue": [100.0, 100.0, 40.0]})
    mape = score_forecasts(forecasts, actuals).set_index("store_id")
    assert mape.loc["S1", "mape"] == pytest.approx(0.10) and mape.loc["S1", "days_scored"] == 2
    assert "S2" not in mape.index  # S2 sold nothing on 3-02 (undefined APE); 3-09 has no actual yet
    joined = join_actuals(forecasts, actuals, date(2026, 3, 3))
    assert len(joined) == 3 and joined.loc[joined["store_id"] == "S2", "actual_revenue"].item() == 0.0


def irregular_history():
    """A shop like the real Online Retail one: never on Saturdays, closed 2025-12-24 .. 2026-01-03."""
    days = [MADE_ON - timedelta(days=o) for o in range(20 * 7)]
    christmas = {date(2025, 12, 24) + timedelta(days=k) for k in range(11)}
    rows = [(d, "WEB", 100.0 + 10 * d.weekday()) for d in days if d.weekday() != 5 and d not in christmas]
    return pd.DataFrame(rows, columns=["sale_date", "store_id", "revenue"])


def test_a_weekday_the_store_never_trades_on_is_a_stated_closed_day_not_a_silent_zero():
    f = forecast_revenue(irregular_history(), MADE_ON)
    saturdays = pd.to_datetime(f["forecast_date"]).dt.weekday == 5
    assert saturdays.sum() == 2
    assert (~f.loc[saturdays, "expected_open"]).all() and (f.loc[saturdays, "forecast_revenue"] == 0.0).all()
    open_days = f[~saturdays]
    assert open_days["expected_open"].all() and (open_days["forecast_revenue"] > 0).all()
    expected = [100.0 + 10 * d.weekday() for d in pd.to_datetime(open_days["forecast_date"])]
    np.testing.assert_allclose(open_days["forecast_revenue"], expected)  # the Christmas gap is not read as zero


def test_forecast_vs_actual_across_closed_days_has_no_division_by_zero():
    data = irregular_history()
    made = date(2025, 12, 20)  # the horizon runs into the Christmas closure
    forecasts = forecast_revenue(data[pd.to_datetime(data["sale_date"]) <= pd.Timestamp(made)], made)
    joined = join_actuals(forecasts, data, MADE_ON)
    assert len(joined) == 14
    closed = ~joined["store_traded"]
    assert closed.sum() == 11  # 12-24 .. 01-03 (its Saturdays too); 12-21 .. 12-23 traded
    assert joined.loc[closed, "abs_pct_error"].isna().all() and (joined.loc[closed, "actual_revenue"] == 0).all()
    assert np.isfinite(joined.loc[~closed, "abs_pct_error"]).all()
    mape = score_forecasts(forecasts, data)
    assert mape["days_scored"].item() == (~closed).sum() and np.isfinite(mape["mape"].item())
