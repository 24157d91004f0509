"""The automation conditions, evaluated tick by tick by Dagster's own engine on the real definitions.

Runs are not executed: materializations are reported to the instance as the
runs would report them, and each tick's requests are turned into runs exactly
as the automation daemon does (`build_run_requests`, a Dagster internal: the
public result only counts asset partitions, and "no run storm" is about runs).
"""

from datetime import datetime, timedelta, timezone

import pytest
from dagster import AssetKey, AssetMaterialization, DagsterInstance, evaluate_automation_conditions
from dagster._core.definitions.automation_tick_evaluation_context import build_run_requests

from retail_assets.definitions import build_definitions

START = datetime(2026, 11, 23, 5, 0, tzinfo=timezone.utc)  # a Monday, after the model's 03:00 slot
HISTORY = [(datetime(2026, 9, 1) + timedelta(days=i)).strftime("%Y-%m-%d") for i in range(60)]
K = AssetKey.from_user_string
DAILY_GOLD = {K("staging/stg_sales_lines"), K("gold/fct_sales"), K("gold/fct_orders")}
ML_FOLLOWERS = {K("ml/customer_features"), K("ml/customer_scores"), K("ml/sales_forecast")}
MODEL = K("ml/customer_churn_model")


class Ticks:
    """An instance with 60 days of history fully built, and a clock that ticks a minute at a time."""

    def __init__(self, defs):
        self.defs = defs
        self.graph = defs.resolve_asset_graph()
        self.keys = list(self.graph.get_all_asset_keys())
        self.instance = DagsterInstance.ephemeral()
        self.cursor = None
        self.now = START
        self.in_flight = []  # requested on the last tick: they "finish" just before the next one

    def materialize(self, keys, partition=None):
        for key in keys:
            self.instance.report_runless_asset_event(AssetMaterialization(asset_key=key, partition=partition))

    def build_history(self):
        partitioned = [k for k in self.keys if self.graph.get(k).partitions_def]
        for day in HISTORY:
            self.materialize(partitioned, day)
        self.materialize([k for k in self.keys if not self.graph.get(k).partitions_def])

    def tick(self):
        for key, partition in self.in_flight:
            self.materialize([key], partition)
        self.now += timedelta(minutes=1)
        result = evaluate_automation_conditions(defs=self.defs, instance=self.instance, cursor=self.cursor,
                                                evaluation_time=self.now)
        self.cursor = result.cursor
        self.in_flight = [(k, p) for k in self.keys if result.get_num_requested(k)
                          for p in result.get_requested_partitions(k)]
        runs = build_run_requests(result._requested_subsets, self.graph, None, emit_backfills=True)
        return {k: result.get_requested_partitions(k) for k in self.keys if result.get_num_requested(k)}, runs


@pytest.fixture
def ticks(data_root):
    t = Ticks(build_definitions(data_root.resources()))
    t.build_history()
    return t


def test_first_tick_after_start_requests_nothing_when_history_is_built(ticks):
    requested, runs = ticks.tick()
    assert requested == {} and runs == []


def test_a_new_day_in_silver_flows_to_gold_then_ml_and_reports_once_and_the_model_waits(ticks):
    ticks.tick()  # the sensor starts
    day = "2026-10-30"
    ticks.materialize([K("bronze/sales_lines"), K("silver/sales_lines"), K("bronze/customers"), K("silver/customers")],
                      day)

    requested, runs = ticks.tick()
    assert {k for k in requested if k in DAILY_GOLD} == DAILY_GOLD
    assert all(requested[k] == {day} for k in DAILY_GOLD), "only the day that changed"
    assert K("gold/dim_customer") in requested
    assert not (ML_FOLLOWERS & requested.keys()), "ML waits while gold is still being built"
    assert len(runs) <= 2, runs  # one run for the day's partition, one for the unpartitioned models

    ml_ticks, report_ticks, all_requested = [], [], []
    for n in range(8):
        requested, _ = ticks.tick()
        all_requested.extend(requested)
        if ML_FOLLOWERS & requested.keys():
            ml_ticks.append(n)
        if any(k.path[0] == "reports" for k in requested):
            report_ticks.append(n)
    assert len(ml_ticks) >= 1 and ML_FOLLOWERS <= set(all_requested), "ML follows once gold has settled"
    assert report_ticks, "reports follow"
    assert all_requested.count(K("ml/customer_features")) == 1, "features are built once per delivery"
    assert MODEL not in all_requested, "the model retrains weekly, not on every delivery"
    assert not any(k in DAILY_GOLD for k in all_requested), "the facts are not rebuilt again"
    assert ticks.tick()[0] == {}, "quiet once everything has followed"


def test_a_history_load_becomes_one_backfill_not_a_run_per_day(ticks):
    ticks.tick()
    days = [(datetime(2026, 11, 1) + timedelta(days=i)).strftime("%Y-%m-%d") for i in range(19)]
    for day in days:
        ticks.materialize([K("bronze/sales_lines"), K("silver/sales_lines")], day)

    requested, runs = ticks.tick()
    assert requested[K("gold/fct_sales")] == set(days)
    backfills = [r for r in runs if r.asset_graph_subset is not None]
    assert len(backfills) == 1 and len(runs) <= 2, runs


def test_a_dimension_rebuild_alone_does_not_rerun_historical_fact_partitions(ticks):
    ticks.tick()
    ticks.materialize([K("bronze/products"), K("silver/products")], "2026-10-30")
    requested, runs = ticks.tick()
    assert K("gold/dim_product") in requested
    assert not (DAILY_GOLD & requested.keys())
    assert len(runs) == 1
