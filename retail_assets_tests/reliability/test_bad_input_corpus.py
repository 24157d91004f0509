"""Nothing lost, nothing let in: the whole bad-input corpus dropped at once, one real ingestion.

Every case of fixtures/bad_inputs/manifest.yaml lands in one landing zone of a temp data root;
the real landing_file_sensor plans the tick, and its runs execute on a real DuckDB file: the
delivery run over bronze and silver (gold, ML and reports are dbt's and others' tests; nothing
they do changes what a file's rows became) and the quarantine run. Then, per case: the outcome
kind, the loaded values, the rejected rows' dq_errors, the reason beside a rejected file, and
the accounting identity. Set RETAIL_RELIABILITY_RESULTS to a folder to get the module's summary
as JSON for `make reliability` (retail_assets_tests/reliability/report.py).
"""

from __future__ import annotations

import json
import math
import time
from datetime import date, datetime

import pytest
from dagster import DagsterInstance, build_sensor_context, materialize

from retail_assets.definitions import build_definitions
from retail_assets.entities import ENTITIES
from retail_assets.landing.file_store import safe_name
from retail_assets.landing.limits import display_name
from retail_assets.landing.sensor import landing_file_sensor
from retail_assets_tests.conftest import DataRoot
from retail_assets_tests.reliability.corpus import KINDS, Case, drop, load_cases, observe
from retail_assets_tests.reliability.report import write_result

CASES = load_cases()
LAYERS = {"bronze", "silver"}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    began = time.perf_counter()
    root = DataRoot(tmp_path_factory.mktemp("corpus") / "data")
    for case in CASES:
        drop(case, root.landing)
    defs = build_definitions(root.resources())
    instance = DagsterInstance.ephemeral()
    with build_sensor_context(instance=instance, definitions=defs, resources=root.resources()) as context:
        tick = landing_file_sensor.evaluate_tick(context)  # raises if the sensor cannot plan the drop
    runs = {}
    for request in tick.run_requests or []:
        if request.asset_selection:  # the delivery: its bronze and silver assets
            selection = [k for k in request.asset_selection if k.path[0] in LAYERS]
            result = materialize(list(defs.assets), selection=selection, partition_key=request.partition_key,
                                 tags=dict(request.tags), resources=root.resources(), instance=instance,
                                 raise_on_error=False)
        else:
            result = defs.resolve_job_def(request.job_name).execute_in_process(
                run_config=request.run_config, instance=instance, tags=dict(request.tags), raise_on_error=False)
        runs[request.job_name] = result
    seen = observe(root.db, root.root)
    seconds = time.perf_counter() - began
    write_result("bad_input_corpus", _summary(seen, runs, seconds))
    return {"seen": seen, "runs": runs, "requests": tick.run_requests or [], "cursor": json.loads(tick.cursor)}


def _balanced(row: dict) -> bool:
    return row["rows_read"] == row["rows_loaded"] + row["rows_rejected"] + row["rows_duplicate"]


def _summary(seen, runs, seconds: float) -> dict:
    outcomes = {case.case: seen.outcome(case) for case in CASES}
    matched = sum(outcomes[c.case] == c.expect for c in CASES)
    # Rows in: the data rows the dropped files hold (the manifest counts them), not what the audit read.
    rows_in = sum(c.rows_read for c in CASES)
    accounted = sum(a["rows_loaded"] + a["rows_rejected"] + a["rows_duplicate"] for a in seen.audit)
    return {
        "part": "bad-input corpus",
        "cases": len(CASES),
        "as_expected": matched,
        "outcomes": {kind: sum(o == kind for o in outcomes.values()) for kind in (*KINDS, "missing")},
        "rows_in": rows_in,
        "rows_accounted": accounted,
        "runs": len(runs),
        "runs_failed": sum(not r.success for r in runs.values()),
        "nothing_lost": (rows_in == accounted and all(_balanced(a) for a in seen.audit)
                         and "missing" not in outcomes.values()),
        "seconds": round(seconds, 1),
    }


def test_the_drop_is_one_delivery_and_one_quarantine_and_both_succeed(corpus):
    assert sorted(r.job_name for r in corpus["requests"]) == ["landing_ingest", "quarantine_landing_files"]
    failed = {job: [e.message for e in r.all_events if e.is_failure] for job, r in corpus["runs"].items()
              if not r.success}
    assert failed == {}, "no bad file fails a run"
    checks = [c for r in corpus["runs"].values() for c in r.get_asset_check_evaluations()]
    failing = sorted({(c.asset_key.to_user_string(), c.check_name) for c in checks if not c.passed})
    # landing_files_accepted (WARN) is red because files were rejected: that is what it is for.
    assert [f for f in failing if f[1] != "landing_files_accepted"] == [], \
        "silver's contract and the bronze balance hold for every entity"
    assert ("bronze/sales_lines", "landing_files_accepted") in failing


def test_every_file_has_one_audit_row_and_its_accounting_holds(corpus):
    seen = corpus["seen"]
    unbalanced = [a["file"] for a in seen.audit if not _balanced(a)]
    assert unbalanced == []
    assert [a for a in seen.audit if a["status"] not in {"loaded", "rejected", "duplicate_file"}] == [], \
        "no file is left half-way (audit 'bronze': read, never judged by silver)"
    expected = sorted(c.landed_name for c in CASES if c.expect != "left_in_landing")
    assert sorted(a["file"] for a in seen.audit) == sorted(display_name(n) for n in expected)


def test_nothing_is_lost_between_bronze_silver_and_the_audit(corpus):
    """A loaded file's bronze rows are its rows_read; silver holds its loaded rows, rejected_rows its
    rejected ones: no half-loaded window."""
    seen = corpus["seen"]
    silver_by_sha: dict[str, int] = {}
    for rows in seen.silver.values():
        for r in rows:
            silver_by_sha[r["file_sha256"]] = silver_by_sha.get(r["file_sha256"], 0) + 1
    rejected_by_sha: dict[str, int] = {}
    for r in seen.rejected_rows:
        rejected_by_sha[r["file_sha256"]] = rejected_by_sha.get(r["file_sha256"], 0) + 1
    for a in seen.audit:
        if a["status"] == "loaded":
            assert seen.bronze_rows.get(a["sha256"], 0) == a["rows_read"], a["file"]
            assert silver_by_sha.get(a["sha256"], 0) == a["rows_loaded"], a["file"]
            assert rejected_by_sha.get(a["sha256"], 0) == a["rows_rejected"], a["file"]
        elif a["status"] == "rejected":
            assert a["rows_read"] == 0 and a["sha256"] not in silver_by_sha, a["file"]
    assert all(r["dq_errors"] for r in seen.rejected_rows), "every rejected row says why"


def test_the_landing_zone_keeps_only_what_must_wait(corpus):
    seen = corpus["seen"]
    assert seen.landing == sorted(c.landed_name for c in CASES if c.expect == "left_in_landing"), \
        "one bad file never holds back the others"
    waiting = [c.landed_name for c in CASES if c.expect == "left_in_landing"]
    assert not any(identity.split("@")[0] in waiting for identity in corpus["cursor"]), \
        "files left in landing are not in the sensor's cursor: the next tick looks at them again"


def _case_id(case: Case) -> str:
    return case.case


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_case(corpus, case: Case):
    seen = corpus["seen"]
    outcome = seen.outcome(case)
    assert outcome == case.expect, _explain(seen, case)
    if outcome == "left_in_landing":
        assert case.landed_name in seen.landing
        return
    [audit] = seen.audit_rows(case.landed_name)
    assert (audit["rows_read"], audit["rows_rejected"], audit["rows_duplicate"]) == (
        case.rows_read, case.rows_rejected, case.rows_duplicate), _explain(seen, case)
    assert _balanced(audit)
    if case.expect == "file_rejected":
        assert case.reason and case.reason in (audit["reason"] or ""), audit["reason"]
        [stored] = seen.stored_rejected(case.landed_name)
        assert case.reason in seen.rejected_files[stored], "the reason sits beside the file in rejected/"
        assert seen.bronze_rows.get(audit["sha256"], 0) == 0 or audit["sha256"] == ""
        return
    if case.reason:
        assert case.reason in (audit["reason"] or "")
    assert seen.stored_rejected(case.landed_name) == []
    assert f"{audit['sha256'][:12]}_{safe_name(case.landed_name)}" in seen.archived, "loaded files are archived"
    rejected = [r for r in seen.rejected_rows if r["file_sha256"] == audit["sha256"]]
    assert len(rejected) == case.rows_rejected
    for message in case.dq_errors:
        assert any(message in r["dq_errors"] for r in rejected), (message, [r["dq_errors"] for r in rejected])
    for expected in case.values:
        _assert_loaded(seen.silver.get(case.entity, []), case, audit["sha256"], expected)


def _assert_loaded(silver: list[dict], case: Case, sha: str, expected: dict) -> None:
    keys = ENTITIES[case.entity].business_key
    hits = [r for r in silver if r["file_sha256"] == sha
            and all(_same(r[k], expected[k]) for k in keys)]
    assert len(hits) == 1, f"{case.case}: no single silver row with {({k: expected[k] for k in keys})}"
    [row] = hits
    wrong = {k: (row[k], v) for k, v in expected.items() if not _same(row[k], v)}
    assert wrong == {}, f"{case.case}: (silver, expected) {wrong}"


def _same(actual, expected) -> bool:
    if expected is None or actual is None:
        return actual is expected
    if isinstance(actual, float):
        return math.isclose(actual, float(expected), rel_tol=1e-9)
    if isinstance(actual, datetime):
        return actual.strftime("%Y-%m-%d %H:%M:%S") == str(expected)
    if isinstance(actual, date):
        return actual.isoformat() == str(expected)
    return actual == type(actual)(expected)


def _explain(seen, case: Case) -> str:
    audit = seen.audit_rows(case.landed_name)
    return f"{case.case}: expected {case.expect}; audit {audit}"
