"""The project's dbt resource starts dbt without dagster-dbt's two per-call preludes (a `dbt --version`
subprocess and an in-process adapter), and still runs the real dbt it points at."""

from importlib.metadata import version

import dagster_dbt.core.resource as dagster_dbt_resource
from packaging.version import Version

from retail_assets.gold.dbt_cli import DBT_FLAGS, DbtCli
from retail_assets.gold.project import dbt_executable, dbt_project


def test_the_version_is_the_installed_dbt_core_and_no_subprocess_asks_for_it(monkeypatch):
    def no_subprocess(*args, **kwargs):
        raise AssertionError(f"dagster-dbt ran a subprocess to learn dbt's version: {args}")

    monkeypatch.setattr(dagster_dbt_resource, "check_output", no_subprocess)
    dbt = DbtCli(project_dir=dbt_project, dbt_executable=dbt_executable())
    assert dbt._cli_version == Version(version("dbt-core"))
    assert dbt._cli_version.major == 1, "dbt Core, not the Fusion engine: dagster-dbt parses Core's events"


def test_a_real_dbt_call_runs_with_no_adapter_in_this_process(monkeypatch, tmp_path):
    monkeypatch.setattr(dagster_dbt_resource, "check_output",
                        lambda *a, **k: (_ for _ in ()).throw(AssertionError("dbt --version subprocess")))
    dbt = DbtCli(project_dir=dbt_project, dbt_executable=dbt_executable(), global_config_flags=DBT_FLAGS)
    invocation = dbt.cli(["--version"], target_path=tmp_path / "target")
    invocation.wait()
    assert invocation.is_successful()
    assert invocation.adapter is None, "no in-process dbt adapter (it would also hold the DuckDB file)"
    assert invocation.process.args[:3] == [dbt_executable(), "--log-level-file", "none"]
