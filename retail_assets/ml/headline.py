"""`make demo-real`'s closing summary: where the results are and the churn model's headline numbers.

Reads the warehouse read-only and the newest model artifact; prints, writes nothing.
"""

from __future__ import annotations

import duckdb

from retail_assets import settings
from retail_assets.ml.artifacts import latest_model_dir, read_model_metadata

COUNTS = {
    "sale lines in gold.fct_sales": "SELECT count(*) FROM gold.fct_sales",
    "identified customers (gold.dim_customer, current)": "SELECT count(*) FROM gold.dim_customer WHERE is_current",
    "guest lines (no customer id, left out of the model)": "SELECT count(*) FROM gold.fct_sales WHERE customer_id IS NULL",
    "rows in ml.customer_features": "SELECT count(*) FROM ml.customer_features",
    "rows in ml.customer_scores": "SELECT count(*) FROM ml.customer_scores",
    "high-value / VIP-potential customers":
        "SELECT sum(high_value::INT) || ' / ' || sum(vip_potential::INT) FROM ml.customer_scores",
    "forecast days (open / closed)": "SELECT sum(expected_open::INT) || ' / ' || sum((NOT expected_open)::INT) "
                                     "FROM ml.sales_forecast WHERE forecast_made_on = "
                                     "(SELECT max(forecast_made_on) FROM ml.sales_forecast)",
}
METRICS = ("train_cutoff", "test_cutoff", "training_rows", "holdout_rows", "holdout_positive_rate", "roc_auc", "pr_auc",
           "baseline_recency_roc_auc", "baseline_recency_pr_auc", "baseline_majority_accuracy")


def main() -> None:
    root = settings.data_dir()
    db = settings.duckdb_path()
    print(f"\nResults under {root}:\n  warehouse  {db} (schemas gold, ml)\n  reports    {root / 'reports'} "
          f"(open sales_dashboard.html)")
    with duckdb.connect(str(db), read_only=True) as conn:
        for label, sql in COUNTS.items():
            print(f"  {label}: {conn.execute(sql).fetchone()[0]}")
    folder = latest_model_dir()
    meta = read_model_metadata(folder)  # display only: plain JSON, the pickle is not loaded
    metrics = meta["metrics"]
    print(f"  model      {folder}")
    for key in METRICS:
        value = metrics[key]
        print(f"    {key}: {value:.3f}" if isinstance(value, float) else f"    {key}: {value}")
    print(f"  {metrics['verdict']}\n")


if __name__ == "__main__":
    main()
