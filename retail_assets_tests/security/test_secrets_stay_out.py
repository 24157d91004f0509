"""Deployment secrets in the environment (a BigQuery key file's path and contents, the portal token, a dbt
secret) never reach what people read: run logs and metadata (the UI), the failure log, the audit, reason
files, the printed accounting. Real sensor tick, real runs (one of them failing), the real failure recorder.

A landing file that is a link to the key file itself is among the files: it must be refused unread.
(The whole data plane, gold included, is scanned the same way with key paths in the environment by
observability/test_operating_metadata.py; the portal's logs and pages for its token by portal/.)
"""

from __future__ import annotations

import json
import os

import duckdb
from dagster import AssetKey, DagsterEventType, DagsterInstance, build_run_status_sensor_context, materialize
from dagster._serdes import serialize_value

from retail_assets.automation.failures import RunFailureLog, run_failure_recorder
from retail_assets.definitions import build_definitions
from retail_assets.ingest import print_accounting
from retail_assets_tests.security.test_hostile_identifiers import run_tick, sales_csv

PATH_SENTINEL = "k3yf1le-path-5d81"
CONTENT_SENTINEL = "MIIEk3yc0ntent9b2e"
TOKEN_SENTINEL = "p0rtal-t0ken-4c7d-aaaaaaaa"
DBT_SECRET = "dbt-s3cret-0e9a"
PEM_BEGIN = "-----BEGIN " + "PRIVATE KEY-----"  # split: the tracked-tree scan must not find a key here
SENTINELS = (PATH_SENTINEL, CONTENT_SENTINEL, TOKEN_SENTINEL, DBT_SECRET)


def test_secrets_in_the_environment_never_reach_logs_metadata_or_files(data_root, tmp_path, monkeypatch, capsys):
    key_dir = tmp_path / PATH_SENTINEL
    key_dir.mkdir()
    key = key_dir / "key.json"
    key.write_text(json.dumps({"type": "service_account", "private_key_id": CONTENT_SENTINEL,
                               "private_key": f"{PEM_BEGIN}\n{CONTENT_SENTINEL}\n-----END PRIVATE KEY-----\n",
                               "client_email": f"{CONTENT_SENTINEL}@x.iam"}))
    for name, value in {"RETAIL_BQ_KEYFILE": str(key), "GOOGLE_APPLICATION_CREDENTIALS": str(key),
                        "RETAIL_BQ_METHOD": "service-account", "RETAIL_PORTAL_TOKEN": TOKEN_SENTINEL,
                        "DBT_ENV_SECRET_TOKEN": DBT_SECRET}.items():
        monkeypatch.setenv(name, value)

    (data_root.landing / "2010-12-01.csv").write_text(sales_csv("2010-12-01", 3))
    (data_root.landing / "2010-12-02.csv").write_text("not,the,header\n1,2,3\n")  # rejected: missing columns
    (data_root.landing / "notes.txt").write_text("hello\n")  # no profile: quarantined
    os.symlink(key, data_root.landing / "2010-12-03.csv")  # the key file, named like an export
    instance = DagsterInstance.ephemeral()
    run_tick(data_root, instance)

    # A failed run too: its error is shown in the UI and recorded in ops/run_failures.jsonl.
    with duckdb.connect(str(data_root.db)) as conn:
        conn.execute("DROP TABLE silver.sales_lines; CREATE TABLE silver.sales_lines (not_the_contract INTEGER)")
    resources = data_root.resources()
    failed = materialize(list(build_definitions(resources).assets), selection=[AssetKey(["silver", "sales_lines"])],
                         partition_key="2010-12-01", resources=resources, instance=instance, raise_on_error=False)
    assert not failed.success
    log = RunFailureLog(path=str(data_root.root / "ops" / "run_failures.jsonl"))
    [failure] = instance.all_logs(failed.run_id, of_type=DagsterEventType.RUN_FAILURE)
    run_failure_recorder(build_run_status_sensor_context(
        sensor_name="run_failure_recorder", dagster_instance=instance, dagster_run=instance.get_run_by_id(failed.run_id),
        dagster_event=failure.dagster_event, resources={"failure_log": log}).for_run_failure())
    print_accounting(str(data_root.db))

    events = [serialize_value(e) for run in instance.get_runs() for e in instance.all_logs(run.run_id)]
    runs = [serialize_value(run) for run in instance.get_runs()]  # run config and tags, as the UI shows them
    files = {str(p): p.read_bytes().decode("utf-8", "replace") for p in data_root.root.rglob("*")
             if p.is_file() and not p.is_symlink() and p.suffix != ".duckdb"}
    with duckdb.connect(str(data_root.db), read_only=True) as conn:
        audit = conn.execute("SELECT * FROM audit.file_loads").fetchdf().to_json()
    printed = capsys.readouterr()
    blob = "\n".join([*events, *runs, *files.values(), audit, printed.out, printed.err])
    # The scan sees what it should: messages, metadata, the failure, the reasons, the accounting.
    for seen in ("status=rejected", "rows_loaded", "SilverTableMismatch", "missing columns", "symbolic link"):
        assert seen in blob, seen
    leaked = {s: [line[:200] for line in blob.splitlines() if s in line][:3] for s in SENTINELS if s in blob}
    assert not leaked, leaked
    audit_rows = data_root.query("select file, status, sha256 from audit.file_loads where file = '2010-12-03.csv'")
    assert audit_rows.values.tolist() == [["2010-12-03.csv", "rejected", ""]], "the link to the key was never read"
