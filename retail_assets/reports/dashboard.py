"""The sales dashboard: one self-contained HTML file (plotly.js inlined, data embedded, no network).

`build_dashboard` is pure: DataFrames in, the page as a string out. KPI cards are
plain HTML carrying `data-kpi` and `data-value` (the unrounded-to-display number),
so people read them without JavaScript and tests read them exactly.
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from html import escape

import pandas as pd

from retail_assets.reports.dashboard_script import SCRIPT
from retail_assets.reports.labels import plain_labels
from retail_assets.reports.queries import DashboardData

MAX_ALERT_ROWS = 200  # the page lists the most urgent; inventory_status.csv has them all

# (key in kpis.sql, label, money?, note) -- notes say what a manager would ask first.
KPI_CARDS = (
    ("total_sales", "Total sales", True, "all sales to {latest}, net of cancellations"),
    ("customers", "Customers", False, "identified customers who bought (guests not counted)"),
    ("avg_sale_per_transaction", "Average sale per transaction", True, "over {transactions} transactions"),
    ("high_value_transactions", "High-value transactions", False, "transactions over 1,000"),
    ("sales_ytd", "Sales year to date", True, "{year}-01-01 to {latest}"),
    ("sales_last_30_days", "Sales, last 30 days", True, "the 30 days to {latest}"),
)

# (element id, title, what it shows and which filters apply)
CHARTS = (
    ("chart-sales-by-region", "Sales by region", "Revenue per store region; pick a region to see its stores."),
    ("chart-sales-by-customer-country", "Sales by customer country",
     "Revenue by the customer's country (as written on the sale line, else the customer's record; guests "
     "without one are Unknown), for the chosen dates and store region. The largest 12, the rest as Other."),
    ("chart-daily-trend", "Daily sales and forecast",
     "Revenue per day, and the newest 14-day forecast (ml/sales_forecast) after the latest sale."),
    ("chart-monthly-trend", "Monthly trend: actual and forecast",
     "Revenue per calendar month; the forecast's next 14 days stacked on the months they fall in."),
    ("chart-top-products", "Top 5 products", "By revenue, all dates (follows the region filter only)."),
    ("chart-discount-by-region", "Average discount per region",
     "Mean line discount and discounts as a share of gross sales (product lines, cancellations excluded)."),
    ("chart-peak-hours", "Peak hours", "Average transactions per day, by weekday and hour of the sale."),
    ("chart-vip-potential", "VIP potential",
     "Each dot a customer: spend in the last 8 weeks against the churn model's predicted value for the next "
     "14 days (ml/customer_scores). Orange: big baskets, likely to stay, not yet high value. Region = the "
     "customer's main store region; dates do not apply."),
)

CSS = """
:root { --ink: #1f2933; --muted: #616e7c; --line: #e4e7eb; --bg: #f5f7fa; --accent: #2f6fb0; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
       background: var(--bg); }
header { padding: 18px 24px 8px; }
h1 { margin: 0; font-size: 22px; }
h2 { margin: 0 0 2px; font-size: 15px; }
.meta, .sub, .kpi .note, caption { color: var(--muted); font-size: 12px; }
.kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 12px; padding: 8px 24px; }
.kpi { background: #fff; border: 1px solid var(--line); border-left: 4px solid var(--accent); border-radius: 6px;
       padding: 10px 12px; }
.kpi .label { display: block; font-size: 12px; text-transform: uppercase; letter-spacing: .03em; color: var(--muted); }
.kpi .value { display: block; font-size: 24px; font-weight: 600; font-variant-numeric: tabular-nums; }
.filters { display: flex; flex-wrap: wrap; align-items: end; gap: 12px; padding: 8px 24px; }
.filters label { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); }
.filters input, .filters select, .filters button { font: inherit; padding: 4px 6px; }
.summary { font-size: 13px; padding-bottom: 6px; }
main { display: grid; grid-template-columns: repeat(auto-fit, minmax(460px, 1fr)); gap: 12px; padding: 8px 24px 24px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 12px; min-width: 0; }
.card.wide { grid-column: 1 / -1; }
.chart { width: 100%; min-height: 320px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
caption { text-align: left; padding: 4px 0; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr[hidden] { display: none; }
.no-data { color: var(--muted); font-style: italic; }
footer { padding: 0 24px 24px; color: var(--muted); font-size: 12px; }
"""


def build_dashboard(data: DashboardData, generated_at: datetime, plotly_js: str | None = None) -> str:
    """The whole page. `plotly_js` defaults to the installed plotly's bundle (read, not fetched)."""
    if plotly_js is None:
        from plotly.offline import get_plotlyjs  # heavy: only when a dashboard is built

        plotly_js = get_plotlyjs()
    data = plain_labels(data)  # plotly draws markup in labels: names from an export are shown as text
    latest = _iso(data.kpis["latest_sale_date"])
    first = min(_iso(v) for v in data.sales["sale_date"]) if len(data.sales) else latest
    payload = {
        "latest_date": latest, "first_date": first,
        "sales": _columns(data.sales), "customer_countries": _columns(data.customer_countries),
        "forecast": _columns(data.forecast), "top_products": _columns(data.top_products),
        "peak_hours": _columns(data.peak_hours), "customers": _columns(data.customers),
    }
    title = f"Sales dashboard, sales to {latest}"
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<link rel="icon" href="data:,">',  # no favicon request
        f"<title>{escape(title)}</title>",
        f"<style>{CSS}</style>",
        f"<script>{plotly_js}</script>",
        "</head>",
        "<body>",
        "<header>",
        "<h1>Sales dashboard</h1>",
        f'<p class="meta">Sales to <b>{latest}</b> (latest sale in gold) &middot; generated '
        f"{generated_at:%Y-%m-%d %H:%M} &middot; amounts in each store's own currency, summed without "
        "conversion as in gold.</p>",
        "</header>",
        _kpi_section(data.kpis, latest),
        _filter_section(data.regions, first, latest),
        '<main class="grid">',
        *(_chart_card(chart_id, heading, sub, wide=chart_id == "chart-vip-potential")
          for chart_id, heading, sub in CHARTS),
        _inventory_card(data.inventory_alerts, data.has_inventory),
        _employee_card(data.employees),
        "</main>",
        f"<footer>Customers plotted: {len(data.customers):,} of {data.customers_scored:,} with spend in the last "
        "8 weeks (VIP potential and high value always included). Built by the Dagster asset "
        "reports/sales_dashboard from schema gold and ml.</footer>",
        f'<script type="application/json" id="dashboard-data">{_json(payload)}</script>',
        f"<script>{SCRIPT}</script>",
        "</body>",
        "</html>",
        "",
    ])


def _kpi_section(kpis: dict, latest: str) -> str:
    context = {"latest": latest, "year": latest[:4], "transactions": f"{int(kpis['transactions']):,}"}
    cards = []
    for key, label, is_money, note in KPI_CARDS:
        value = float(kpis[key] or 0)
        raw, shown = (f"{value:.2f}", f"{value:,.2f}") if is_money else (f"{int(value)}", f"{int(value):,}")
        cards.append(
            f'<div class="kpi" data-kpi="{key}" data-value="{raw}"><span class="label">{escape(label)}</span>'
            f'<span class="value">{shown}</span><span class="note">{escape(note.format(**context))}</span></div>'
        )
    return '<section class="kpis" aria-label="Key figures">' + "".join(cards) + "</section>"


def _filter_section(regions: pd.DataFrame, first: str, latest: str) -> str:
    groups = []
    for country, part in regions.groupby("country", sort=True):
        options = "".join(f'<option value="{escape(r)}">{escape(r)}</option>' for r in part["region"])
        groups.append(f'<optgroup label="{escape(str(country))}">{options}</optgroup>')
    return (
        '<section class="filters" aria-label="Filters">'
        f'<label>From <input type="date" id="filter-from" value="{first}" min="{first}" max="{latest}"></label>'
        f'<label>To <input type="date" id="filter-to" value="{latest}" min="{first}" max="{latest}"></label>'
        f'<label>Region <select id="filter-region"><option value="">All regions</option>{"".join(groups)}</select></label>'
        '<button type="button" id="filter-reset">Reset</button>'
        '<span id="selection-summary" class="summary"></span>'
        "</section>"
    )


def _chart_card(chart_id: str, heading: str, sub: str, wide: bool = False) -> str:
    return (
        f'<article class="card{" wide" if wide else ""}"><h2>{escape(heading)}</h2><p class="sub">{escape(sub)}</p>'
        f'<div class="chart" id="{chart_id}"></div></article>'
    )


NO_INVENTORY = ("No data in this export: no stock counts (inventory files) were delivered, so there are no "
                "inventory alerts. A sales export alone says what sold, not what is on the shelf.")
NO_EMPLOYEES = ("No data in this export: no employee or shift files were delivered, so there are no hours, "
                "labour cost or sales per employee (reports/employee_hours.csv is empty).")


def _employee_card(employees: int) -> str:
    text = (f"{employees:,} employees in gold.dim_employee; hours, labour cost and sales per hour per employee "
            "are in reports/employee_hours.csv." if employees else NO_EMPLOYEES)
    flag = "" if employees else ' class="no-data"'
    return (f'<article class="card wide" id="employees"><h2>Employees</h2>'
            f'<p id="employees-note"{flag}>{escape(text)}</p></article>')


def _inventory_card(alerts: pd.DataFrame, has_inventory: bool = True) -> str:
    headers = ("Store", "Region", "Product", "Category", "On hand", "Reorder point", "Days of cover", "Snapshot")
    head = "".join(f'<th{" class=num" if h in ("On hand", "Reorder point", "Days of cover") else ""}>{h}</th>'
                   for h in headers)
    body = []
    for r in alerts.head(MAX_ALERT_ROWS).itertuples(index=False):
        cover = "" if pd.isna(r.days_of_cover) else f"{r.days_of_cover:.1f}"
        body.append(
            f'<tr data-region="{escape(r.region)}"><td>{escape(r.store_name)}</td><td>{escape(r.region)}</td>'
            f"<td>{escape(r.product_name)} ({escape(r.product_id)})</td><td>{escape(str(r.category or ''))}</td>"
            f'<td class="num">{int(r.on_hand):,}</td><td class="num">{int(r.reorder_point):,}</td>'
            f'<td class="num">{cover}</td><td>{_iso(r.snapshot_date)}</td></tr>'
        )
    listed = min(len(alerts), MAX_ALERT_ROWS)
    caption = (f'<span id="inventory-shown">{listed:,}</span> shown of {len(alerts):,} store/product pairs below '
               "their reorder point at the latest stock count, shortest cover first (full list: "
               "reports/inventory_status.csv).")
    no_data = "" if has_inventory else f'<p class="no-data" id="inventory-no-data">{escape(NO_INVENTORY)}</p>'
    hidden = "" if has_inventory else " hidden"  # the table stays for the page script, empty and out of sight
    return (
        f'<article class="card wide"><h2>Inventory alerts</h2>{no_data}'
        f'<table id="inventory-alerts"{hidden}><caption>{caption}</caption><thead><tr>{head}</tr></thead>'
        f'<tbody>{"".join(body)}</tbody></table></article>'
    )


def _iso(value) -> str:
    return pd.Timestamp(value).date().isoformat() if isinstance(value, (date, datetime, pd.Timestamp, str)) else str(value)


def _columns(frame: pd.DataFrame) -> dict[str, list]:
    """Columnar JSON-ready lists: ISO dates, plain numbers, null for missing."""
    out = {}
    for name in frame.columns:
        column = frame[name]
        if pd.api.types.is_datetime64_any_dtype(column):
            values = [None if pd.isna(v) else v.date().isoformat() for v in column]
        elif pd.api.types.is_float_dtype(column):
            values = [None if math.isnan(v) else round(v, 4) for v in column.tolist()]
        else:
            values = [_plain(v) for v in column.tolist()]
        out[str(name)] = values
    return out


def _plain(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, (datetime, date)):
        return _iso(value)
    return value


def _json(payload: dict) -> str:
    # "<" escaped so no value can close the <script> element the JSON sits in.
    return json.dumps(payload, allow_nan=False, separators=(",", ":")).replace("<", "\\u003c")
