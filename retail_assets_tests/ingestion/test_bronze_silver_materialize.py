"""materialize() of bronze and silver on a real DuckDB file: loads, archives, idempotent."""

from dagster import materialize

from retail_assets.bronze.assets import bronze_assets
from retail_assets.silver.assets import silver_assets

SALES = [a for a in bronze_assets + silver_assets if a.key.path[-1] == "sales_lines"]


def _run(data_root, partition):
    result = materialize(SALES, partition_key=partition, resources=data_root.resources())
    assert result.success
    return result


def test_online_retail_day_loads_and_rerun_is_idempotent(data_root, online_retail):
    data_root.drop(online_retail / "2010-12-01.csv")
    result = _run(data_root, "2010-12-01")

    assert not any(data_root.landing.iterdir()), "loaded file must leave the landing zone"
    archived = list(data_root.archive.glob("2010-12-01/*_2010-12-01.csv"))
    assert len(archived) == 1

    bronze = data_root.query("select count(*) n from bronze.sales_lines").n[0]
    assert bronze == 3108  # data rows of the file (3109 lines incl. header)
    silver_1 = data_root.query("select * from silver.sales_lines order by transaction_id, line_number")
    audit = data_root.query("select * from audit.file_loads")
    assert audit.status.tolist() == ["loaded"]
    a = audit.iloc[0]
    assert a.rows_read == a.rows_loaded + a.rows_rejected + a.rows_duplicate == 3108
    assert a.rows_loaded == len(silver_1)
    mat = result.asset_materializations_for_node("silver__sales_lines")[0]
    assert mat.metadata["rows_loaded"].value == len(silver_1)

    # Run it again: nothing new lands, silver is rebuilt from bronze identically.
    _run(data_root, "2010-12-01")
    silver_2 = data_root.query("select * from silver.sales_lines order by transaction_id, line_number")
    assert data_root.query("select count(*) n from bronze.sales_lines").n[0] == 3108
    assert silver_2.drop(columns=[]).equals(silver_1)
    rejected = data_root.query("select count(*) n from silver.rejected_rows").n[0]
    assert rejected == a.rows_rejected


def test_reuploaded_file_with_new_content_replaces_the_old_version(data_root, online_retail):
    original = (online_retail / "2010-12-01.csv").read_text().splitlines(keepends=True)
    data_root.drop(online_retail / "2010-12-01.csv")
    _run(data_root, "2010-12-01")
    before = data_root.query("select count(*) n from silver.sales_lines").n[0]

    # The export is corrected: the last 100 lines were wrong and are left out of the new version.
    (data_root.landing / "2010-12-01.csv").write_text("".join(original[:-100]))
    _run(data_root, "2010-12-01")

    assert data_root.query("select count(*) n from bronze.sales_lines").n[0] == 3108 + 3008, "bronze keeps both"
    audit = data_root.query("select * from audit.file_loads order by rows_read")
    assert audit.status.tolist() == ["loaded", "superseded"]
    assert (audit.rows_read == audit.rows_loaded + audit.rows_rejected + audit.rows_duplicate).all()
    old = audit[audit.status == "superseded"].iloc[0]
    assert old.rows_duplicate == old.rows_read == 3108 and old.rows_loaded == 0
    new = audit[audit.status == "loaded"].iloc[0]
    after = data_root.query("select count(*) n, count(distinct file_sha256) f from silver.sales_lines")
    assert after.n[0] == new.rows_loaded < before
    assert after.f[0] == 1, "silver holds only the newest version of the file"
