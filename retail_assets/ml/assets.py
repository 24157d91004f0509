"""ML layer as assets (group `ml`, keys ml/<name>): features, churn model + check, scores, sales forecast.

Retraining policy (set with every other asset's in retail_assets/automation/policies.py):
the model retrains weekly (Mondays 03:00 UTC) once gold has updated since that
tick; everything downstream of a day's data (features, scores, forecast,
forecast_vs_actual) runs once per upstream update, after gold has settled,
never on a clock that could run before the data landed or twice on the same data.
"""


from datetime import date

import pandas as pd
from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetExecutionContext,
    AssetKey,
    Config,
    MaterializeResult,
    MetadataValue,
    asset,
    asset_check,
)

from retail_assets.constants import DATA_SCIENCE as OWNERS
from retail_assets.constants import WAREHOUSE_POOL
from retail_assets.metadata import md_table, preview
from retail_assets.ml import gold_data, model_registry
from retail_assets.ml.artifacts import (
    artifact_digests,
    load_verified,
    model_root,
    other_versions,
    save_model,
)
from retail_assets.ml.features import (
    DEFAULT_HORIZON_DAYS,
    DEFAULT_THRESHOLD,
    build_customer_features,
    customer_sales_summary,
    guest_sales_summary,
    latest_sale_date,
)
from retail_assets.ml.forecast import forecast_revenue, join_actuals, score_forecasts
from retail_assets.ml.model_registry import trusted_model
from retail_assets.reports.charts import forecast_chart, png_markdown
from retail_assets.warehouse.base import Warehouse

# DuckDB has one writer; reads take the slot too so they never hit the lock.
POOL = WAREHOUSE_POOL
PREFIX = ["ml"]
FCT_SALES, DIM_CUSTOMER = AssetKey(["gold", "fct_sales"]), AssetKey(["gold", "dim_customer"])
DIM_STORE = AssetKey(["gold", "dim_store"])
RPT_DAILY = AssetKey(["gold", "rpt_daily_sales"])
MODEL_KEY = model_registry.MODEL_KEY  # ml/customer_churn_model: one name for the asset, its check and scoring


class FeaturesConfig(Config):
    # ISO date; empty = the latest sale date in gold (the cut-off follows the data, never the clock)
    cutoff_date: str = ""


@asset(
    key_prefix=PREFIX, group_name="ml", deps=[FCT_SALES, DIM_CUSTOMER, DIM_STORE], pool=POOL, owners=OWNERS,
    kinds={"python", "duckdb", "pandera"},
    description=(
        "ml.customer_features: one row per customer known by the cut-off (signed up, or without a signup date as "
        "in a sales-only export: bought by then), features as of that day (recency, 8-week frequency/monetary/"
        "basket/discount/online share, tenure from signup or else the first purchase, main store type/region, "
        "loyalty tier of the SCD version valid then, 'unknown' where no master file gave one). Cut-off: the latest "
        "sale date in gold, or config cutoff_date. Guest checkouts are left out and counted in the metadata. "
        "Validated by retail_assets.ml.features.CustomerFeatures; a failure names the column: check "
        "gold.fct_sales / gold.dim_customer for that field."
    ),
)
def customer_features(context: AssetExecutionContext, config: FeaturesConfig, warehouse: Warehouse) -> MaterializeResult:
    with gold_data.churn_inputs(warehouse) as (sales, customers, stores):
        cutoff = date.fromisoformat(config.cutoff_date) if config.cutoff_date else latest_sale_date(sales)
        summary = customer_sales_summary(sales, cutoff)  # one row per customer with a line by the cut-off
        features = build_customer_features(sales, customers, stores, cutoff, summary=summary)
        guests = guest_sales_summary(sales, cutoff)
    gold_data.replace_table(warehouse, "customer_features", features)
    without_signup = set(customers.loc[customers["signup_date"].isna(), "customer_id"])
    return MaterializeResult(metadata={
        "cutoff_date": cutoff.isoformat(), "dagster/row_count": len(features),
        "customers_with_purchases": int((features["frequency"] > 0).sum()),
        "identified_customers_in_sales": len(summary),
        "customers_tenure_from_first_purchase": int(features["customer_id"].isin(without_signup).sum()),
        "loyalty_tier_unknown": int((features["loyalty_tier"] == "unknown").sum()),
        **guests,
        "preview": preview(features),
    })


class ChurnModelConfig(Config):
    horizon_days: int = DEFAULT_HORIZON_DAYS  # churned = no purchase in the next horizon_days
    threshold: float = DEFAULT_THRESHOLD  # probability above which a customer is flagged


@asset(
    key_prefix=PREFIX, group_name="ml", deps=[FCT_SALES, DIM_CUSTOMER, DIM_STORE], pool=POOL, owners=OWNERS,
    kinds={"python", "scikitlearn"},
    description=(
        "Churn model (scaling + one-hot + class-weighted logistic regression). Trained on features at T_train "
        "labelled on the next horizon, evaluated on the later cut-off T_test = T_train + horizon (time split). "
        "Metadata: ROC AUC, PR AUC, the always-majority and recency-only baselines, and `verdict`, one sentence "
        "saying whether the model beats recency on this data (`beats_recency_baseline`). "
        "Artifact under <RETAIL_DATA_DIR>/artifacts/customer_churn_model/<version>/. If the check "
        "churn_model_beats_baseline fails, compare roc_auc with baseline_recency_roc_auc here before trusting scores."
    ),
)
def customer_churn_model(context: AssetExecutionContext, config: ChurnModelConfig,
                         warehouse: Warehouse) -> MaterializeResult:
    from retail_assets.ml.churn_model import train_churn_model  # scikit-learn: imported when training, not at load

    with gold_data.churn_inputs(warehouse) as (sales, customers, stores):
        trained = train_churn_model(sales, customers, stores, config.horizon_days, config.threshold)
    version_hash = trained.data_version
    folder = save_model(trained.pipeline, {"metrics": trained.metrics,
                                           "top_coefficients": trained.coefficients.to_dict("records")}, version_hash)
    m = trained.metrics
    context.log.info(f"churn model {folder.name}: {m['verdict']}")
    return MaterializeResult(metadata={
        **{k: v for k, v in m.items()},
        "top_coefficients": MetadataValue.md(md_table(trained.coefficients.round(4))),
        "roc_plot": png_markdown(trained.plot_png, "ROC"),
        "artifact_path": MetadataValue.path(str(folder)),
        "model_version": folder.name,
        # What scoring verifies before joblib runs the file (ml/model_registry.py).
        "artifact_sha256": MetadataValue.json(artifact_digests(folder)),
        "data_version": version_hash,
    })


class ChurnCheckConfig(Config):
    auc_floor: float = 0.6


@asset_check(
    asset=MODEL_KEY, name="churn_model_beats_baseline", blocking=True,
    description="Holdout ROC AUC >= auc_floor (default 0.6) and > the recency-only rule's AUC. Blocking: "
                "scores are not refreshed in the same run when it fails; the previous model's scores stay.",
)
def churn_model_beats_baseline(context: AssetCheckExecutionContext, config: ChurnCheckConfig) -> AssetCheckResult:
    event = context.instance.get_latest_materialization_event(MODEL_KEY)
    if event is None or event.asset_materialization is None:
        return AssetCheckResult(passed=False, severity=AssetCheckSeverity.ERROR,
                                description="customer_churn_model was never materialized")
    meta = event.asset_materialization.metadata
    auc, recency = float(meta["roc_auc"].value), float(meta["baseline_recency_roc_auc"].value)
    passed = auc >= config.auc_floor and auc > recency
    verdict = "beats" if passed else "DOES NOT beat"
    description = (f"model {verdict} the baselines: holdout ROC AUC {auc:.4f} vs floor {config.auc_floor:g} "
                   f"and recency-only AUC {recency:.4f} (model {meta['model_version'].value})")
    if not passed:
        context.log.error(description)
    return AssetCheckResult(passed=passed, severity=AssetCheckSeverity.ERROR, description=description, metadata={
        "roc_auc": auc, "baseline_recency_roc_auc": recency, "auc_floor": config.auc_floor})


@asset(
    key_prefix=PREFIX, group_name="ml", deps=[customer_features, customer_churn_model], pool=POOL, owners=OWNERS,
    kinds={"python", "scikitlearn", "duckdb"},
    description=(
        "ml.customer_scores: churn_probability, expected_value, high_value and vip_potential for every customer "
        "in ml.customer_features, scored with the model of the newest ml/customer_churn_model materialization whose check "
        "churn_model_beats_baseline passed, once its files match the sha256 recorded there (model_version "
        "column); other folders are ignored with a warning. Definitions in retail_assets/ml/scoring.py. Fails if "
        "no model passed its check yet (materialize ml/customer_churn_model) or if its files changed."
    ),
)
def customer_scores(context: AssetExecutionContext, warehouse: Warehouse) -> MaterializeResult:
    trusted = trusted_model(context.instance)
    if trusted is None:
        raise RuntimeError("no ml/customer_churn_model materialization whose check churn_model_beats_baseline "
                           "passed (with recorded artifact digests): materialize the model with its check first")
    ignored = other_versions(trusted.version)
    if ignored:
        context.log.warning(f"scoring with model {trusted.version!r}; ignoring {len(ignored)} other folder(s) under "
                            f"artifacts/customer_churn_model (not the latest model that passed its check): "
                            f"{ignored[-5:]!r}")
    pipeline, meta = load_verified(trusted.version, trusted.digests)
    folder = model_root() / trusted.version
    features = gold_data.read_features(warehouse)
    from retail_assets.ml.scoring import build_scores, segment_thresholds  # scikit-learn: imported when scoring

    scores = build_scores(pipeline, features, int(meta["metrics"]["horizon_days"]), meta["version"])
    thresholds = segment_thresholds(features, scores["churn_probability"].to_numpy(), scores["expected_value"].to_numpy())
    gold_data.replace_table(warehouse, "customer_scores", scores)
    return MaterializeResult(metadata={
        "dagster/row_count": len(scores), "model_version": meta["version"], "artifact_path": MetadataValue.path(str(folder)),
        "mean_churn_probability": float(scores["churn_probability"].mean()),
        "high_value_customers": int(scores["high_value"].sum()), "vip_potential_customers": int(scores["vip_potential"].sum()),
        **{f"threshold_{k}": round(v, 4) for k, v in thresholds.items()},
        "preview": preview(scores.sort_values("churn_probability", ascending=False)),
    })


def _mape_md(mape: pd.DataFrame) -> MetadataValue:
    return MetadataValue.md(md_table(mape.round(4)) if len(mape) else "_no actuals yet_")


@asset(
    key_prefix=PREFIX, group_name="ml", deps=[RPT_DAILY], pool=POOL, owners=OWNERS, kinds={"python", "duckdb"},
    description=(
        "ml.sales_forecast: revenue per store for the 14 days after the latest sale date (trailing-8-week mean "
        "of the same weekday; missing days ignored; a weekday the store never trades on is forecast 0 with "
        "expected_open False). Appends one run per forecast_made_on, so past forecasts stay "
        "for ml/forecast_vs_actual. backtest_mape = the same method made 14 days ago, scored on what happened "
        "(days without sales are left out of the MAPE: no division by zero)."
    ),
)
def sales_forecast(context: AssetExecutionContext, warehouse: Warehouse) -> MaterializeResult:
    daily = gold_data.read_daily_revenue(warehouse)
    if daily.empty:
        raise ValueError("gold.rpt_daily_sales is empty: nothing to forecast from")
    made_on = pd.to_datetime(daily["sale_date"]).max().date()
    forecasts = forecast_revenue(daily, made_on)
    gold_data.upsert_forecasts(warehouse, forecasts)
    backtest = score_forecasts(forecast_revenue(daily, made_on - pd.Timedelta(days=14)), daily)
    return MaterializeResult(metadata={
        "forecast_made_on": made_on.isoformat(), "dagster/row_count": len(forecasts),
        "forecast_days_open": int(forecasts["expected_open"].sum()),
        "forecast_days_closed": int((~forecasts["expected_open"]).sum()),
        "backtest_mape_mean": float(backtest["mape"].mean()) if len(backtest) else float("nan"),
        "backtest_mape_by_store": _mape_md(backtest), "preview": preview(forecasts),
        "forecast_chart": forecast_chart(daily, forecasts),
    })


@asset(
    key_prefix=PREFIX, group_name="ml", deps=[sales_forecast, RPT_DAILY], pool=POOL, owners=OWNERS,
    kinds={"python", "duckdb"},
    description=(
        "ml.forecast_vs_actual: every stored forecast whose day has passed, with actual revenue from "
        "gold.rpt_daily_sales (0 if the store sold nothing) and the absolute percentage error; metadata has "
        "MAPE per store. A store's MAPE jumping usually means missing sales files for it, not a bad model."
    ),
)
def forecast_vs_actual(context: AssetExecutionContext, warehouse: Warehouse) -> MaterializeResult:
    daily = gold_data.read_daily_revenue(warehouse)
    forecasts = gold_data.read_forecasts(warehouse)
    through = pd.to_datetime(daily["sale_date"]).max().date()
    joined = join_actuals(forecasts, daily, through) if len(forecasts) else pd.DataFrame()
    if joined.empty:
        joined = pd.DataFrame(columns=["forecast_made_on", "store_id", "forecast_date", "horizon_day",
                                       "forecast_revenue", "history_days", "expected_open", "actual_revenue",
                                       "store_traded", "abs_pct_error"])
    gold_data.replace_table(warehouse, "forecast_vs_actual", joined)
    mape = score_forecasts(forecasts, daily) if len(forecasts) else pd.DataFrame(columns=["store_id", "mape"])
    return MaterializeResult(metadata={
        "dagster/row_count": len(joined), "actuals_through": through.isoformat(),
        "mape_mean": float(mape["mape"].mean()) if len(mape) else float("nan"), "mape_by_store": _mape_md(mape),
    })


ml_assets = [customer_features, customer_churn_model, customer_scores, sales_forecast, forecast_vs_actual]
ml_asset_checks = [churn_model_beats_baseline]
