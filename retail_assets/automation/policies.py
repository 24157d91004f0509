"""Freshness expectations and automation conditions, per asset group, in one place.

Every asset's policy follows from its group (and, for gold, whether it is
daily-partitioned), so a new asset inherits the policy of its layer without
anyone copying a decorator argument.

Timeline of a normal day (UTC): exports land overnight; the landing sensor
loads bronze+silver as files arrive; gold follows silver; ML scores and the
reports follow gold. Deadlines below leave an hour between layers.
"""

from dataclasses import dataclass
from datetime import timedelta

from dagster import (
    AssetKey,
    AssetsDefinition,
    AssetSelection,
    AssetSpec,
    AutomationCondition,
    FreshnessPolicy,
    map_asset_specs,
)

AC = AutomationCondition
FOLLOWER_GROUPS = ("ml", "reports")  # everything downstream of gold


def _daily_by(hour: int) -> FreshnessPolicy:
    """Materialized within the 24 hours before `hour`:00 UTC each day, else stale."""
    return FreshnessPolicy.cron(deadline_cron=f"0 {hour} * * *", lower_bound_delta=timedelta(hours=24))


FRESHNESS = {
    "bronze": _daily_by(6),   # the day's exports are loaded by 06:00
    "silver": _daily_by(6),
    "gold": _daily_by(7),
    "ml": _daily_by(8),       # scores and forecasts; the model has its own, below
    "reports": _daily_by(8),
}
# Retrained weekly (Monday 03:00): warn after 7 days, stale after 8 (one missed Monday).
MODEL_FRESHNESS = FreshnessPolicy.time_window(fail_window=timedelta(days=8), warn_window=timedelta(days=7))
MODEL_RETRAIN = AC.on_cron("0 3 * * 1")  # weekly, once gold has updated since the tick


@dataclass(frozen=True)
class GoldShape:
    """The dbt models split by partitioning: the conditions differ."""

    daily: frozenset[AssetKey]          # stg_sales_lines, fct_sales, fct_orders
    unpartitioned: frozenset[AssetKey]  # staging views, dimensions, marts

    @property
    def daily_selection(self) -> AssetSelection:
        return AssetSelection.assets(*self.daily)

    @property
    def unpartitioned_selection(self) -> AssetSelection:
        return AssetSelection.assets(*self.unpartitioned)


def _unhandled_upstream_update() -> AutomationCondition:
    """Something upstream changed and this asset has not been requested or updated since."""
    return AC.any_deps_updated().since_last_handled()


def _busy() -> AutomationCondition:
    """An upstream asset about to change: requested on the last tick, or running.

    Dagster runs unpartitioned and daily assets in separate runs, so a mart may
    still be built in the same tick as the day's facts. It then rebuilds once
    the facts update (they are upstream of it): the last build follows the facts.
    """
    return AC.newly_requested() | AC.in_progress()


def daily_follows_silver(shape: GoldShape) -> AutomationCondition:
    """A daily gold partition follows its own silver partition, whichever day it is.

    - Any partition, not only the latest (unlike `eager()`): late files and
      history loads land in old partitions, and those must reach gold too.
    - Rebuilds of the unpartitioned models (dimensions) are not a trigger: they
      touch every date and must not re-run thousands of historical partitions.
      (fct_sales looks customers up in int_customer_versions, a view over
      silver, so it does not need dim_customer to be rebuilt first.)
    """
    return (
        AC.any_deps_updated().ignore(shape.unpartitioned_selection).since_last_handled()
        & ~AC.any_deps_missing()
        & ~AC.any_deps_in_progress()
        & ~AC.in_progress()
    ).with_label("daily_follows_silver")


def follows_upstream(shape: GoldShape) -> AutomationCondition:
    """Unpartitioned dbt models (staging views, dimensions, marts): rebuild after upstream changes.

    Like Dagster's `eager()` without `newly_missing` (a missing partition is an
    operator's backfill, not a tick's) and without `any_deps_missing`, which for
    a table over daily facts would wait forever for partitions since 2010 that
    never had a file. A model over the daily facts waits while a fact partition
    is about to change, so it is built once, after the facts.
    """
    return (
        _unhandled_upstream_update()
        & ~AC.any_deps_match(_busy()).allow(shape.daily_selection)
        & ~AC.any_deps_in_progress()
        & ~AC.in_progress()
    ).with_label("follows_upstream")


def after_upstream_settles(shape: GoldShape, model_key: AssetKey) -> AutomationCondition:
    """ML and reports: run once after upstream changes, in the first quiet tick after gold settles.

    Gold settles over a few ticks (dimensions and daily facts in separate runs,
    then the marts over the facts); a score or a dashboard built halfway would
    be thrown away minutes later. So this waits for a tick in which no gold input
    changed, is requested or is running. The trigger is remembered until handled.
    Inputs inside ML and reports are exempt: those run together in one run, in
    dependency order (features, then scores, then the dashboard).
    """
    followers = AssetSelection.groups(*FOLLOWER_GROUPS)
    return (
        _unhandled_upstream_update()
        # Scores need a trained model: until the first (weekly or by hand) training, wait.
        & ~AC.any_deps_match(AC.missing()).allow(AssetSelection.assets(model_key))
        & ~AC.any_deps_updated().ignore(followers)
        & ~AC.any_deps_match(AC.newly_requested() | AC.in_progress()).ignore(followers)
        & ~AC.any_deps_in_progress()
        & ~AC.in_progress()
    ).with_label("after_upstream_settles")


def operating_policy(spec: AssetSpec, gold: GoldShape, model_key) -> AssetSpec:
    """The freshness policy and automation condition for one asset spec."""
    if spec.key == model_key:
        return spec.replace_attributes(freshness_policy=MODEL_FRESHNESS, automation_condition=MODEL_RETRAIN)
    group = spec.group_name
    freshness = FRESHNESS.get(group)
    condition = None
    if spec.key in gold.daily:
        condition = daily_follows_silver(gold)
    elif group == "gold":
        condition = follows_upstream(gold)
    elif group in FOLLOWER_GROUPS:
        condition = after_upstream_settles(gold, model_key)
    # bronze and silver run from the landing sensor (bronze and silver of the same
    # files in one run) and from the daily safety-net schedule: no condition.
    return spec.replace_attributes(freshness_policy=freshness, automation_condition=condition)


def apply_operating_policy(assets: list[AssetsDefinition], gold: GoldShape, model_key: AssetKey) -> list:
    """Every asset with its group's freshness policy and automation condition."""
    return list(map_asset_specs(lambda spec: operating_policy(spec, gold, model_key), assets))


def delivery_selection(graph, landed: set[AssetKey], model_key: AssetKey,
                       model_trained: bool, sales_loaded: bool = True) -> set[AssetKey]:
    """What one delivery run builds: the landed bronze/silver keys and all that follows new data.

    The same policy as the conditions above, applied at once: gold downstream of
    the landed silver (plus the gold models those read, so a fresh warehouse gets
    its dimensions), then ML and reports downstream of that. Not the model, which
    retrains weekly; not what reads the model before it was ever trained; no ML or
    report before any sales line was ever loaded (they are built from sales). Building
    it all in the delivery's run leaves the automation sensor nothing to request.
    `graph` is the code location's asset graph (`repository_def.asset_graph`).
    """
    everything = AssetSelection.assets(*landed).downstream().resolve(graph)
    gold = {k for k in everything if graph.get(k).group_name == "gold"}
    gold |= {k for k in AssetSelection.assets(*gold).upstream().resolve(graph) if graph.get(k).group_name == "gold"}
    followers = {k for k in everything if graph.get(k).group_name in FOLLOWER_GROUPS and k != model_key}
    if not model_trained:
        followers -= {k for k in followers if model_key in graph.get(k).parent_keys}
    if not sales_loaded:
        followers = set()
    return set(landed) | gold | followers
