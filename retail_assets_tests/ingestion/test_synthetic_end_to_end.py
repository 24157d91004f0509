"""Generated exports of every entity through `make ingest`'s path, then re-run: nothing doubles."""

from datetime import date

from dagster import DagsterInstance, materialize

from retail_assets.definitions import build_definitions
from retail_assets.entities import ENTITIES
from retail_assets.ingest import run_landing_once
from retail_assets.synthetic.generate import generate


def _silver_counts(data_root):
    return {e: data_root.query(f"select count(*) n from silver.{e}").n[0] for e in ENTITIES}


def test_every_entity_lands_balanced_and_reruns_change_nothing(data_root):
    files = generate(data_root.landing, start=date(2026, 11, 1), days=4, seed=7, defect_rate=0.03,
                     lines_per_day=600)
    assert len(files) >= 4 * 5
    defs = build_definitions(data_root.resources())
    instance = DagsterInstance.ephemeral()

    assert run_landing_once(defs, instance)
    assert not any(data_root.landing.iterdir()), "every file archived or rejected"
    audit = data_root.query("select * from audit.file_loads")
    assert len(audit) == len(files) and (audit.status == "loaded").all()
    assert (audit.rows_read == audit.rows_loaded + audit.rows_rejected + audit.rows_duplicate).all()
    counts = _silver_counts(data_root)
    assert all(n > 0 for n in counts.values()), counts
    assert counts["sales_lines"] == audit[audit.entity == "sales_lines"].rows_loaded.sum()

    # Defects of the generator are visible where they should be.
    sales = data_root.query(
        "select min(sale_date) first_sale, sum(is_guest::int) guests, max(discount) max_discount from silver.sales_lines")
    assert sales.first_sale[0].date() < date(2026, 11, 1), "late-arriving lines keep their true sale date"
    assert sales.guests[0] > 0 and sales.max_discount[0] < 1
    assert audit.rows_duplicate.sum() > 0 and audit.rows_rejected.sum() > 0
    reasons = data_root.query("select dq_errors from silver.rejected_rows").dq_errors
    assert reasons.str.contains("quantity").all()

    # A second ingest finds nothing; a backfill of silver over the same days changes nothing.
    checksum = "select count(*) n, sum(hash(transaction_id, line_number, revenue)) h from silver.sales_lines"
    before = data_root.query(checksum)
    assert run_landing_once(defs, instance)
    silver = [a for a in defs.assets if all(k.path[0] == "silver" for k in a.keys)]
    result = materialize(silver, resources=data_root.resources(), instance=instance, tags={
        "dagster/asset_partition_range_start": "2026-11-01", "dagster/asset_partition_range_end": "2026-11-04"})
    assert result.success
    assert _silver_counts(data_root) == counts
    assert data_root.query(checksum).equals(before)
    assert data_root.query("select * from audit.file_loads order by file")[["file", "rows_loaded"]].equals(
        audit.sort_values("file").reset_index(drop=True)[["file", "rows_loaded"]])
