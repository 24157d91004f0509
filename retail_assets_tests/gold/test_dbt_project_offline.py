"""The dbt project parses for BigQuery offline, and its manifest keeps the conventions.

One `dbt parse --target bigquery` (no credentials, no network: parsing never
connects) into a temporary target folder, then checks on the manifest:
fct_sales is partitioned/clustered on BigQuery, every source carries the Dagster
asset key of its silver table, every model is described, and every mart model
has its own YAML with at least one data test.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DBT_PROJECT_DIR = ROOT / "dbt_project"
SILVER_TABLES = {"sales_lines", "customers", "products", "stores", "employees", "shifts", "inventory"}


def _dbt_executable() -> str:
    beside_python = Path(sys.executable).parent / "dbt"
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("dbt")
    if found is None:
        pytest.fail("dbt is not installed (it is a dependency in pyproject.toml)")
    return found


@pytest.fixture(scope="module")
def bigquery_manifest(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("dbt_bigquery_parse")
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    for name in ("RETAIL_DBT_TARGET", "RETAIL_BQ_KEYFILE", "GOOGLE_APPLICATION_CREDENTIALS"):
        env.pop(name, None)
    result = subprocess.run(
        [_dbt_executable(), "parse", "--target", "bigquery", "--no-partial-parse",
         "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
         "--target-path", str(out / "target"), "--log-path", str(out / "logs")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, f"dbt parse --target bigquery failed:\n{result.stdout}\n{result.stderr}"
    return json.loads((out / "target" / "manifest.json").read_text())


def _models(manifest: dict) -> dict[str, dict]:
    return {n["name"]: n for n in manifest["nodes"].values() if n["resource_type"] == "model"}


def _mart_models(manifest: dict) -> dict[str, dict]:
    return {name: n for name, n in _models(manifest).items()
            if n["original_file_path"].startswith("models/marts/")}


def test_parse_is_for_bigquery_and_fct_sales_is_partitioned_and_clustered(bigquery_manifest):
    assert bigquery_manifest["metadata"]["adapter_type"] == "bigquery"
    config = _models(bigquery_manifest)["fct_sales"]["config"]
    assert config["partition_by"] == {"field": "sale_date", "data_type": "date", "granularity": "day"}
    assert config["cluster_by"] == ["store_id"]
    assert config["materialized"] == "incremental"
    assert config["incremental_strategy"] == "merge"
    assert config["unique_key"] == "sales_line_key"
    assert "daily" in config["tags"]


def test_the_daily_models_are_the_incremental_facts_and_their_staging_view(bigquery_manifest):
    daily = {name for name, n in _models(bigquery_manifest).items() if "daily" in n["config"]["tags"]}
    assert daily == {"fct_sales", "fct_orders", "stg_sales_lines"}
    orders = _models(bigquery_manifest)["fct_orders"]["config"]
    assert (orders["materialized"], orders["incremental_strategy"], orders["unique_key"]) == \
        ("incremental", "merge", "transaction_id")


def test_every_source_points_at_its_silver_dagster_asset(bigquery_manifest):
    sources = list(bigquery_manifest["sources"].values())
    assert {s["name"] for s in sources} == SILVER_TABLES
    for source in sources:
        asset_key = source["meta"].get("dagster", {}).get("asset_key")
        assert asset_key and asset_key[0] == "silver", source["unique_id"]
        assert asset_key == ["silver", source["name"]], source["unique_id"]


def test_every_silver_table_has_a_staging_view(bigquery_manifest):
    models = _models(bigquery_manifest)
    for table in SILVER_TABLES:
        staging = models[f"stg_{table}"]
        assert staging["config"]["materialized"] == "view"
        assert staging["schema"] == "staging"


def test_every_model_has_a_description(bigquery_manifest):
    undescribed = [name for name, n in _models(bigquery_manifest).items() if not n["description"].strip()]
    assert not undescribed, f"models without a description: {undescribed}"


def test_every_mart_model_has_its_own_yaml_with_a_data_test(bigquery_manifest):
    marts = _mart_models(bigquery_manifest)
    assert {"fct_sales", "fct_orders", "dim_customer", "dim_product", "dim_store", "dim_date", "dim_employee",
            "v_country_sales", "v_executive_summary"} <= set(marts)
    tested = {n["attached_node"] for n in bigquery_manifest["nodes"].values()
              if n["resource_type"] == "test" and n.get("attached_node")}
    for name, node in marts.items():
        assert node["schema"] == "gold", name
        assert node["patch_path"] and node["patch_path"].endswith(f"/{name}.yml"), \
            f"{name} must be described in its own {name}.yml (found {node['patch_path']})"
        assert node["unique_id"] in tested, f"{name} has no data test"


def test_scd2_customer_logic_is_unit_tested(bigquery_manifest):
    unit_tests = [u for u in bigquery_manifest["unit_tests"].values() if u["model"] == "int_customer_versions"]
    names = " ".join(u["name"] for u in unit_tests)
    for scenario in ("new_customer", "changed_attribute", "unchanged_redelivery", "two_changes_in_one_day"):
        assert scenario in names, f"no int_customer_versions (the SCD behind dim_customer) unit test for {scenario}"
