"""The dbt CLI resource, without the two things dagster-dbt does before every `dbt` call that we never use.

Measured on this 2-core machine (cProfile of one gold run), `DbtCliResource.cli()` spent ~8 s before
dbt even started:
- 4.2 s running `dbt --version` in a subprocess (all of dbt's imports) to tell dbt Core from
  the Fusion engine. The dbt we run is the dbt-core installed beside this Python (`dbt_executable()`),
  so its version is the installed package's.
- 3.7 s opening an in-process dbt adapter (loading every macro) that dagster-dbt needs only for
  `fetch_column_metadata()` / `fetch_row_counts()`. We use neither: row counts and column types
  come from the warehouse interface after dbt exits (gold/assets.py), and a DuckDB adapter in this
  process would hold the file while dbt's subprocess writes it.
Both are private hooks of dagster-dbt 0.29 (pinned in pyproject.toml); the tests in
retail_assets_tests/gold/test_dbt_cli.py fail if an upgrade changes them.
"""

from __future__ import annotations

from functools import cached_property
from importlib.metadata import version as installed_version

from dagster_dbt import DbtCliResource
from packaging import version

# Each run's dbt writes into its own target folder, removed when the run ends (gold/project.py):
# its debug log file and JSON artifacts would be written for nobody (~2-3 s of a build's 15).
# Dagster reads dbt's events from stdout; the partial-parse state is still written and kept.
DBT_FLAGS = ["--log-level-file", "none", "--no-write-json"]


class DbtCli(DbtCliResource):
    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(installed_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):  # noqa: ARG002 - same signature as the hook it replaces
        return None  # no adapter handle: DbtCliInvocation then skips only column-metadata fetching
