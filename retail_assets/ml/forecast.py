"""Daily revenue forecast per store: the trailing-8-week mean of the same weekday (pure pandas).

Missing store-days are ignored rather than read as zero. A store that trades on
irregular days (the Online Retail shop never sells on Saturdays and closes over
Christmas) is not forecast to sell on a weekday it never traded on: once the
window holds at least two weeks of its history, such a weekday is a closed day,
forecast 0 with expected_open False, so the zero is stated, not silent. With less
history a weekday never seen falls back to the store's mean over the window.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

HORIZON_DAYS = 14
TRAILING_WEEKS = 8
MIN_DAYS_TO_CALL_CLOSED = 14  # less history than two weeks cannot tell a closed weekday from a quiet one


def forecast_revenue(
    daily: pd.DataFrame, made_on: date, horizon_days: int = HORIZON_DAYS, weeks: int = TRAILING_WEEKS
) -> pd.DataFrame:
    """Forecast rows (forecast_made_on, store_id, forecast_date, horizon_day, forecast_revenue, history_days,
    expected_open) for the `horizon_days` after `made_on`, from `daily` rows (sale_date, store_id, revenue)
    up to made_on."""
    daily = daily.reset_index(drop=True)
    dates = pd.to_datetime(daily["sale_date"])
    made = pd.Timestamp(made_on)
    window = daily[(dates <= made) & (dates > made - pd.Timedelta(weeks=weeks))].assign(
        sale_date=dates, weekday=dates.dt.weekday
    )
    per_day = window.groupby(["store_id", "sale_date", "weekday"], as_index=False)["revenue"].sum()
    by_weekday = per_day.groupby(["store_id", "weekday"])["revenue"].agg(["mean", "size"])
    by_store = per_day.groupby("store_id")["revenue"].mean()
    first_day = per_day.groupby("store_id")["sale_date"].min()
    targets = [made_on + timedelta(days=h) for h in range(1, horizon_days + 1)]
    rows = []
    for store in sorted(by_store.index):
        knows_its_week = (made - first_day[store]).days + 1 >= MIN_DAYS_TO_CALL_CLOSED
        for h, day in enumerate(targets, start=1):
            key = (store, day.weekday())
            hit = key in by_weekday.index
            closed = not hit and knows_its_week
            value = by_weekday.loc[key, "mean"] if hit else (0.0 if closed else by_store[store])
            rows.append((made_on, store, day, h, float(value), int(by_weekday.loc[key, "size"]) if hit else 0,
                         not closed))
    columns = ["forecast_made_on", "store_id", "forecast_date", "horizon_day", "forecast_revenue", "history_days",
               "expected_open"]
    return pd.DataFrame(rows, columns=columns)


def join_actuals(forecasts: pd.DataFrame, actuals: pd.DataFrame, through: date) -> pd.DataFrame:
    """Forecasts for days up to `through`, with the actual revenue (0 where the store sold nothing) and
    store_traded (False on a day the store had no sales at all: closed, or its file is missing)."""
    forecasts, actuals = forecasts.reset_index(drop=True), actuals.reset_index(drop=True)
    f = forecasts.assign(forecast_date=pd.to_datetime(forecasts["forecast_date"]))
    f = f[f["forecast_date"] <= pd.Timestamp(through)]
    a = actuals.assign(sale_date=pd.to_datetime(actuals["sale_date"]))
    a = a.groupby(["store_id", "sale_date"], as_index=False)["revenue"].sum()
    a = a.rename(columns={"sale_date": "forecast_date", "revenue": "actual_revenue"})
    out = f.merge(a, on=["store_id", "forecast_date"], how="left")
    out["store_traded"] = out["actual_revenue"].notna()
    out["actual_revenue"] = out["actual_revenue"].fillna(0.0)
    out["abs_pct_error"] = np.where(
        out["actual_revenue"] > 0,
        (out["forecast_revenue"] - out["actual_revenue"]).abs() / out["actual_revenue"].where(out["actual_revenue"] > 0),
        np.nan,
    )
    return out.reset_index(drop=True)


def score_forecasts(forecasts: pd.DataFrame, actuals: pd.DataFrame) -> pd.DataFrame:
    """MAPE per store (store_id, days_scored, mape) over forecast days that have actuals; days with zero
    actual revenue are left out of the MAPE (undefined there)."""
    through = pd.to_datetime(actuals["sale_date"]).max()
    joined = join_actuals(forecasts, actuals, through.date() if pd.notna(through) else date.min)
    scored = joined.dropna(subset=["abs_pct_error"])
    return (
        scored.groupby("store_id")["abs_pct_error"].agg(days_scored="size", mape="mean")
        .reset_index().sort_values("store_id", ignore_index=True)
    )
