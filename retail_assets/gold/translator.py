"""How dbt nodes appear in Dagster: keys by schema, group gold, owners, kinds."""

from collections.abc import Mapping
from typing import Any

from dagster import AssetKey
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings

from retail_assets.constants import ANALYTICS_ENGINEERING


class RetailDbtTranslator(DagsterDbtTranslator):
    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return super().get_asset_key(dbt_resource_props)  # meta.dagster.asset_key -> silver/<table>
        schema = dbt_resource_props["config"].get("schema") or "gold"
        return AssetKey([schema, dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str:
        return "gold"

    def get_owners(self, dbt_resource_props: Mapping[str, Any]):
        return ANALYTICS_ENGINEERING


translator = RetailDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))
