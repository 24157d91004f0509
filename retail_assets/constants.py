"""Names shared by every layer: the warehouse pool, owners, groups."""

# DuckDB allows one writing process per file: every step that opens the warehouse takes
# this pool's single slot (dagster.yaml, `make dagster-home`), so runs queue, never collide.
WAREHOUSE_POOL = "warehouse_writes"

DATA_PLATFORM = ["team:data-platform"]          # landing, bronze, silver
DATA_SCIENCE = ["team:data-science"]            # ml
ANALYTICS_ENGINEERING = ["team:analytics-engineering"]  # gold (dbt), reports

GROUPS = ("bronze", "silver", "gold", "ml", "reports")
