"""The dbt project behind the gold layer, located once for assets and resources."""

from pathlib import Path

from dagster_dbt import DbtProject

DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"

# A fixed target folder keeps dbt's partial parsing between runs (a per-run folder
# re-parses the whole project every time). Runs never share it concurrently:
# every dbt step holds the single `warehouse_writes` pool slot.
TARGET_PATH = Path("target")

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, target_path=TARGET_PATH)
# Under `dagster dev` the manifest is rebuilt from the models; elsewhere `make install`
# (dbt parse) has prepared it.
dbt_project.prepare_if_dev()
