"""Every asset carries its layer's freshness expectation and automation condition (set in one place)."""

from datetime import timedelta

from dagster import AssetKey
from dagster._core.definitions.freshness import CronFreshnessPolicy, TimeWindowFreshnessPolicy  # not re-exported

from retail_assets.automation.policies import FRESHNESS
from retail_assets.definitions import build_definitions

MODEL = AssetKey(["ml", "customer_churn_model"])
DAILY_GOLD = {AssetKey(["staging", "stg_sales_lines"]), AssetKey(["gold", "fct_sales"]), AssetKey(["gold", "fct_orders"])}


def _graph(data_root):
    return build_definitions(data_root.resources()).resolve_asset_graph()


def test_every_asset_from_bronze_to_reports_has_a_freshness_policy(data_root):
    graph = _graph(data_root)
    groups = set()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        groups.add(node.group_name)
        policy = node.freshness_policy
        assert policy is not None, f"{key.to_user_string()} has no freshness policy"
        if key == MODEL:
            assert isinstance(policy, TimeWindowFreshnessPolicy)
            assert policy.fail_window.to_timedelta() == timedelta(days=8)
        else:
            assert isinstance(policy, CronFreshnessPolicy), key
            assert policy == FRESHNESS[node.group_name], key
    assert {"bronze", "silver", "gold", "ml", "reports"} <= groups
    # Each layer has an hour more than the one before it.
    hours = [int(FRESHNESS[g].deadline_cron.split()[1]) for g in ("silver", "gold", "reports")]
    assert hours == sorted(hours) and hours[0] < hours[-1]


def test_conditions_follow_the_layer(data_root):
    graph = _graph(data_root)
    labels = {k: (graph.get(k).automation_condition.get_label() if graph.get(k).automation_condition else None)
              for k in graph.get_all_asset_keys()}
    for key, label in labels.items():
        group = graph.get(key).group_name
        if group in ("bronze", "silver"):
            assert label is None, f"{key}: bronze/silver run from the landing sensor and the safety net"
        elif key in DAILY_GOLD:
            assert label == "daily_follows_silver", key
        elif group == "gold":
            assert label == "follows_upstream", key
        elif key == MODEL:
            assert label == "on_cron(0 3 * * 1, UTC)"
        else:
            assert group in ("ml", "reports") and label == "after_upstream_settles", (key, label)
