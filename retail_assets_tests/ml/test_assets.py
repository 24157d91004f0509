"""materialize() of the ML assets against a DuckDB file holding generated gold tables (one per module)."""

from datetime import timedelta

import duckdb
import pandas as pd
import pytest
from dagster import AssetKey, AssetSelection, DagsterInstance, materialize

from retail_assets.ml import ml_asset_checks, ml_assets
from retail_assets.ml.assets import churn_model_beats_baseline, customer_churn_model, forecast_vs_actual, sales_forecast
from retail_assets.warehouse.duckdb_warehouse import DuckDBWarehouse
from retail_assets_tests.ml.synthetic import GoldFrames, write_gold

FORECAST_DAYS, STORES = 14, 8


@pytest.fixture(scope="module")
def env(gold_frames, tmp_path_factory):
    """A warehouse whose rpt_daily_sales lags 7 days behind (the full one is swapped in later), a data root."""
    root = tmp_path_factory.mktemp("ml_assets")
    last = pd.to_datetime(gold_frames.daily["sale_date"]).max().date()
    early = gold_frames.daily[pd.to_datetime(gold_frames.daily["sale_date"]) <= pd.Timestamp(last - timedelta(days=7))]
    db = write_gold(GoldFrames(gold_frames.sales, gold_frames.customers, gold_frames.stores, early), root / "wh.duckdb")
    mp = pytest.MonkeyPatch()
    mp.setenv("RETAIL_DATA_DIR", str(root / "data"))
    instance = DagsterInstance.ephemeral()
    result = materialize([*ml_assets, *ml_asset_checks], instance=instance,
                         resources={"warehouse": DuckDBWarehouse(path=str(db))})
    yield {"root": root, "db": db, "instance": instance, "result": result, "gold": gold_frames, "last": last}
    mp.undo()


def query(db, sql):
    with duckdb.connect(str(db), read_only=True) as conn:
        return conn.execute(sql).df()


def test_all_ml_assets_materialize_and_the_check_passes(env):
    result = env["result"]
    assert result.success
    keys = {e.asset_key for e in result.get_asset_materialization_events()}
    assert keys == {AssetKey(["ml", n]) for n in
                    ("customer_features", "customer_churn_model", "customer_scores", "sales_forecast", "forecast_vs_actual")}
    (check,) = result.get_asset_check_evaluations()
    assert check.passed and "recency-only AUC" in check.description
    tables = set(query(env["db"], "SELECT table_name FROM information_schema.tables WHERE table_schema = 'ml'")["table_name"])
    assert tables == {"customer_features", "customer_scores", "sales_forecast", "forecast_vs_actual"}


def test_model_metadata_and_artifact(env):
    meta = env["result"].asset_materializations_for_node("ml__customer_churn_model")[0].metadata
    for key in ("training_rows", "training_positive_rate", "roc_auc", "pr_auc", "precision_at_threshold",
                "recall_at_threshold", "baseline_majority_accuracy", "baseline_recency_roc_auc", "data_version"):
        assert key in meta
    assert meta["roc_auc"].value > meta["baseline_recency_roc_auc"].value
    assert meta["roc_plot"].value.startswith("![ROC](data:image/png;base64,iVBOR")
    folder = meta["artifact_path"].value
    assert folder.startswith(str(env["root"] / "data" / "artifacts" / "customer_churn_model"))
    assert folder.endswith(meta["model_version"].value) and meta["model_version"].value.endswith(meta["data_version"].value[:12])


def test_every_current_customer_is_scored(env):
    scores = query(env["db"], "SELECT * FROM ml.customer_scores")
    signed_up = env["gold"].customers["signup_date"] <= pd.Timestamp(env["last"])
    assert sorted(scores["customer_id"]) == sorted(env["gold"].customers.loc[signed_up, "customer_id"])
    assert scores["churn_probability"].between(0, 1).all()
    assert 0 < scores["high_value"].sum() < len(scores) and scores["vip_potential"].sum() > 0
    assert not (scores["high_value"] & scores["vip_potential"]).any()
    assert scores["model_version"].nunique() == 1


def test_forecasts_accumulate_and_are_scored_against_actuals(env):
    first = query(env["db"], "SELECT * FROM ml.sales_forecast")
    assert len(first) == FORECAST_DAYS * STORES and first["forecast_made_on"].nunique() == 1
    with duckdb.connect(str(env["db"])) as conn:  # the last week of actuals arrives
        conn.register("frame", env["gold"].daily)
        conn.execute("CREATE OR REPLACE TABLE gold.rpt_daily_sales AS SELECT * FROM frame")
    result = materialize([sales_forecast, forecast_vs_actual], instance=env["instance"],
                         resources={"warehouse": DuckDBWarehouse(path=str(env["db"]))})
    assert result.success
    forecasts = query(env["db"], "SELECT * FROM ml.sales_forecast")
    assert forecasts["forecast_made_on"].nunique() == 2 and len(forecasts) == 2 * FORECAST_DAYS * STORES
    joined = query(env["db"], "SELECT * FROM ml.forecast_vs_actual")
    assert len(joined) == 7 * STORES and (joined["actual_revenue"] > 0).all()
    meta = result.asset_materializations_for_node("ml__forecast_vs_actual")[0].metadata
    assert 0 < meta["mape_mean"].value < 0.5  # weekday means track the generator's weekly pattern


def test_check_fails_loudly_with_both_numbers_below_the_floor(env):
    result = materialize(
        [customer_churn_model, churn_model_beats_baseline], instance=env["instance"],
        selection=AssetSelection.checks(churn_model_beats_baseline),
        resources={"warehouse": DuckDBWarehouse(path=str(env["db"]))},
        run_config={"ops": {churn_model_beats_baseline.node_def.name: {"config": {"auc_floor": 0.9999}}}},
        raise_on_error=False,
    )
    (check,) = result.get_asset_check_evaluations()
    assert not check.passed and check.severity.value == "ERROR"
    assert "DOES NOT beat" in check.description and "floor 0.9999" in check.description
    assert "recency-only AUC 0." in check.description


class _LinesStayInTheWarehouse(DuckDBWarehouse):
    """Refuses to hand gold.fct_sales to pandas: a year is millions of lines (minutes as a frame)."""

    def read_table(self, schema, table, columns=None, order_by=None):
        assert (schema, table) != ("gold", "fct_sales"), "the ML layer read every sales line into pandas"
        return super().read_table(schema, table, columns, order_by)


def test_features_and_model_aggregate_sales_inside_the_warehouse(env, tmp_path):
    """The features the warehouse computes are the ones computed from the same lines as a frame."""
    from retail_assets.ml.features import build_customer_features

    result = materialize([ml_assets[0], customer_churn_model], instance=DagsterInstance.ephemeral(),
                         resources={"warehouse": _LinesStayInTheWarehouse(path=str(env["db"]))})
    assert result.success
    stored = query(env["db"], "SELECT * FROM ml.customer_features ORDER BY customer_id")
    gold = env["gold"]
    from_frames = build_customer_features(gold.sales, gold.customers, gold.stores, env["last"])
    pd.testing.assert_frame_equal(stored, from_frames, check_dtype=False, check_exact=False, rtol=1e-12, atol=1e-9)
