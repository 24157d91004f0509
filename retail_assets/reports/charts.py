"""Small PNG charts inlined in materialization metadata, so the asset page shows the trend.

matplotlib is imported inside the functions: loading the definitions must not pay for it.
The object-oriented Figure API is used (no pyplot): no global state, no GUI backend.
"""

from __future__ import annotations

import base64
import io

import pandas as pd
from dagster import MetadataValue


def png_markdown(png: bytes, alt: str) -> MetadataValue:
    """A PNG as a markdown image the Dagster UI renders inline (no file to host)."""
    return MetadataValue.md(f"![{alt}](data:image/png;base64,{base64.b64encode(png).decode()})")


def line_chart_png(series: dict[str, pd.Series], title: str, ylabel: str, dashed: tuple[str, ...] = ()) -> bytes:
    """One line per named series (index = x, e.g. dates); names in `dashed` are drawn dashed."""
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7, 3.2), dpi=90)
    ax = fig.subplots()
    for name, values in series.items():
        ax.plot(values.index, values.to_numpy(), label=name, linestyle="--" if name in dashed else "-", linewidth=1.6)
    if any(pd.api.types.is_datetime64_any_dtype(s.index) for s in series.values()):
        locator = AutoDateLocator()
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    ax.set(title=title, ylabel=ylabel)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def daily_sales_chart(summary: pd.DataFrame) -> MetadataValue:
    """Revenue per day over all stores, with its 7-day mean (from the daily_sales_summary rows)."""
    daily = summary.groupby(pd.to_datetime(summary["sale_date"]))["revenue"].sum().sort_index()
    daily = daily.asfreq("D", fill_value=0.0)  # a day without sales is a zero, not a gap to draw across
    png = line_chart_png({"revenue": daily, "7-day mean": daily.rolling(7, min_periods=1).mean()},
                         "Daily sales, all stores", "revenue (store currency)")
    return png_markdown(png, "daily sales")


def forecast_chart(daily: pd.DataFrame, forecasts: pd.DataFrame, history_days: int = 56) -> MetadataValue:
    """The last `history_days` of actual revenue over all stores beside the forecast run's total per day."""
    actual = daily.groupby(pd.to_datetime(daily["sale_date"]))["revenue"].sum().sort_index()
    actual = actual[actual.index > actual.index.max() - pd.Timedelta(days=history_days)]
    forecast = forecasts.groupby(pd.to_datetime(forecasts["forecast_date"]))["forecast_revenue"].sum().sort_index()
    png = line_chart_png({"actual": actual, "forecast": forecast}, "Sales: history and forecast, all stores",
                         "revenue (store currency)", dashed=("forecast",))
    return png_markdown(png, "forecast")
