"""Catch-up exports (issue 12): weeks of lines re-sent in one file after a till outage.

A file named as the profile's catch-up export (`pos_sales_<date>_catchup.csv`, `catch_up:` in
synthetic_pos_sales.yaml) stays in the partition of the date in its name and loads each line on its
own sale_date, up to `catch_up.max_late_days` (62) back; a daily file keeps `max_late_days` (3).
Real bronze, silver (and, for gold, dbt) runs on a DuckDB file in a temp data root.
"""

from __future__ import annotations

from datetime import date, timedelta

from dagster import AssetKey, AssetSelection, DagsterInstance, materialize

from retail_assets.definitions import build_definitions

SALES = AssetSelection.assets(["bronze", "sales_lines"], ["silver", "sales_lines"])
# The daily facts and a report by sale day, with what they are built from (not every mart: faster).
FACT_KEYS = [AssetKey(["gold", "fct_sales"]), AssetKey(["gold", "fct_orders"]), AssetKey(["gold", "rpt_daily_sales"])]
GOLD = AssetSelection.assets(*FACT_KEYS).upstream()
HEADER = ("transaction_id,line_number,sold_at,store_id,customer_id,employee_id,product_id,quantity,unit_price,"
          "discount,payment_method,channel")


def _line(transaction_id: str, day: date, quantity: int = 2, price: str = "2.50") -> str:
    return f"{transaction_id},1,{day.isoformat()} 12:00:00,S01,C1,,P1,{quantity},{price},0,card,in_store"


def _write(data_root, name: str, lines: list[str]) -> None:
    (data_root.landing / name).write_text("\n".join([HEADER, *lines]) + "\n")


def _run(data_root, instance, first: str, last: str, selection=SALES):
    defs = build_definitions(data_root.resources())
    result = materialize(list(defs.assets), selection=selection, resources=data_root.resources(), instance=instance,
                         tags={"dagster/asset_partition_range_start": first,
                               "dagster/asset_partition_range_end": last})
    assert result.success
    return result


def _audit(data_root) -> dict[str, tuple]:
    rows = data_root.query("select file, partition, status, rows_read, rows_loaded, rows_rejected, rows_duplicate "
                           "from audit.file_loads")
    return {r.file: (str(r.partition)[:10], r.status, r.rows_read, r.rows_loaded, r.rows_rejected, r.rows_duplicate)
            for r in rows.itertuples()}


def _silver(data_root) -> dict[str, tuple]:
    rows = data_root.query("select transaction_id, partition_date, sale_date, source_file from silver.sales_lines")
    return {r.transaction_id: (str(r.partition_date)[:10], str(r.sale_date)[:10], r.source_file)
            for r in rows.itertuples()}


def _rejected(data_root) -> dict[str, str]:
    rows = data_root.query("select json_extract_string(raw_record, '$.transaction_id') tid, dq_errors "
                           "from silver.rejected_rows")
    return dict(zip(rows.tid, rows.dq_errors, strict=True))


FILE_DAY = date(2024, 3, 21)
DAYS_BACK = [62, 40, 20, 4, 3, 0]  # 62: the catch-up limit, 4: just past the daily limit (3)


def test_a_catch_up_file_loads_each_line_on_its_sale_date_and_a_daily_file_keeps_its_protection(data_root):
    """The same lines, once in a daily file and once in a catch-up file (other transaction ids): the
    daily file rejects what is more than 3 days old (a till with a wrong clock), the catch-up file loads
    everything within 62 days, in its own partition. Both reject a line after the file's date, and a
    line beyond 62 days."""
    day_before = FILE_DAY - timedelta(days=1)
    daily = [_line(f"D-{n}", FILE_DAY - timedelta(days=n)) for n in DAYS_BACK]
    catch_up = [_line(f"C-{n}", day_before - timedelta(days=n)) for n in DAYS_BACK]
    _write(data_root, "pos_sales_2024-03-21.csv",
           [*daily, _line("D-ahead", FILE_DAY + timedelta(days=1)), _line("D-63", FILE_DAY - timedelta(days=63))])
    _write(data_root, "pos_sales_2024-03-20_catchup.csv",
           [*catch_up, _line("C-ahead", FILE_DAY), _line("C-63", day_before - timedelta(days=63))])

    _run(data_root, DagsterInstance.ephemeral(), "2024-03-20", "2024-03-21")

    assert _audit(data_root) == {
        "pos_sales_2024-03-21.csv": ("2024-03-21", "loaded", 8, 2, 6, 0),
        "pos_sales_2024-03-20_catchup.csv": ("2024-03-20", "loaded", 8, 6, 2, 0),
    }
    silver = _silver(data_root)
    assert {k: v for k, v in silver.items() if k.startswith("C-")} == {
        f"C-{n}": ("2024-03-20", (day_before - timedelta(days=n)).isoformat(), "pos_sales_2024-03-20_catchup.csv")
        for n in DAYS_BACK}, "one partition (the file's date), each line on its own sale_date"
    assert sorted(k for k in silver if k.startswith("D-")) == ["D-0", "D-3"]
    rejected = _rejected(data_root)
    assert rejected == {
        **{f"D-{n}": f"sold_at {(FILE_DAY - timedelta(days=n)).isoformat()} 12:00:00 is more than 3 days before "
                     "the file's date" for n in (62, 40, 20, 4, 63)},
        "D-ahead": "sold_at 2024-03-22 12:00:00 is after the file's business date",
        "C-ahead": "sold_at 2024-03-21 12:00:00 is after the file's business date",
        "C-63": "sold_at 2024-01-17 12:00:00 is more than 62 days before the catch-up file's date",
    }


def test_a_catch_up_over_days_already_delivered_counts_their_lines_as_duplicates_never_twice_in_gold(data_root):
    """Two daily files are loaded (bronze to gold); then a catch-up file re-sends their lines (same
    business keys, one with another price) with weeks of lines the tills never sent. Silver counts the
    re-sent lines as re-deliveries (duplicates of the catch-up file), gold's window of the catch-up's
    partition picks up lines 19 days before it, every line once on its sale_date, and the report by
    sale day shows them there; re-sending the catch-up file (same bytes, then corrected bytes under the
    same name) doubles nothing."""
    instance = DagsterInstance.ephemeral()
    first, second = date(2024, 3, 1), date(2024, 3, 2)
    _write(data_root, "pos_sales_2024-03-01.csv", [_line("T-01", first), _line("T-01b", first)])
    _write(data_root, "pos_sales_2024-03-02.csv", [_line("T-02", second)])
    _run(data_root, instance, "2024-03-01", "2024-03-02", GOLD)
    assert data_root.query("select count(*) n from gold.fct_sales").n[0] == 3

    missed = [_line(f"T-{d:02d}", date(2024, 3, d)) for d in range(3, 21)]  # the outage: 2024-03-03 .. 03-20
    _write(data_root, "pos_sales_2024-03-21_catchup.csv",
           [_line("T-01", first), _line("T-01b", first, price="9.99"), _line("T-02", second), *missed])
    result = _run(data_root, instance, "2024-03-21", "2024-03-21", GOLD)
    _assert_fact_checks_pass(result)

    assert _audit(data_root)["pos_sales_2024-03-21_catchup.csv"] == ("2024-03-21", "loaded", 21, 18, 0, 3)
    expected = {f"T-{d:02d}": date(2024, 3, d).isoformat() for d in range(1, 21)} | {"T-01b": "2024-03-01"}
    _assert_once(data_root, expected)
    assert _silver(data_root)["T-01b"][2] == "pos_sales_2024-03-01.csv", "the first delivery stays"
    assert data_root.query("select unit_price from gold.fct_sales where transaction_id = 'T-01b'").unit_price[0] \
        == 2.5
    daily = data_root.query("select sale_date, lines from gold.rpt_daily_sales order by sale_date")
    assert [(str(d)[:10], n) for d, n in zip(daily.sale_date, daily.lines, strict=True)] == \
        [("2024-03-01", 2)] + [(date(2024, 3, d).isoformat(), 1) for d in range(2, 21)], \
        "the reports place the catch-up's lines on their sale days"

    # The catch-up re-sent as is: a duplicate file. Then corrected under the same name: it supersedes
    # the earlier upload (the rule for a re-upload), still one row per line. (Silver only: how gold
    # follows a superseded upload is the window's delete-and-merge, tested with the gold layer.)
    archived = next(data_root.archive.glob("*/*_pos_sales_2024-03-21_catchup.csv"))
    (data_root.landing / "pos_sales_2024-03-21_catchup.csv").write_bytes(archived.read_bytes())
    _run(data_root, instance, "2024-03-21", "2024-03-21")
    corrected = [*missed[:-1], _line("T-20", date(2024, 3, 20), quantity=5)]
    _write(data_root, "pos_sales_2024-03-21_catchup.csv", [_line("T-02", second), *corrected])
    _run(data_root, instance, "2024-03-21", "2024-03-21")
    statuses = data_root.query("select status, rows_read, rows_loaded, rows_duplicate from audit.file_loads "
                               "where file = 'pos_sales_2024-03-21_catchup.csv'")
    assert sorted(map(tuple, statuses.itertuples(index=False))) == [
        ("duplicate_file", 21, 0, 21), ("loaded", 19, 18, 1), ("superseded", 21, 0, 21)]
    _assert_once(data_root, expected, tables=("silver.sales_lines",))
    assert data_root.query("select quantity from silver.sales_lines where transaction_id = 'T-20'").quantity[0] == 5


def _assert_fact_checks_pass(result) -> None:
    """dbt's tests of the facts and the daily report (unique keys, reconciliation with silver) and the
    revenue check pass. (Dimension tests that need master data this sales-only test has not are left out.)"""
    checks = [c for c in result.get_asset_check_evaluations() if c.asset_key in FACT_KEYS]
    assert len(checks) > 20
    assert [c.check_name for c in checks if not c.passed] == []


def _assert_once(data_root, expected: dict[str, str], tables=("silver.sales_lines", "gold.fct_sales")) -> None:
    """Every line once in silver and in gold.fct_sales, on its sale_date."""
    for table in tables:
        rows = data_root.query(f"select transaction_id, sale_date from {table}")
        assert len(rows) == len(expected), f"{table}: {len(rows)} rows for {len(expected)} lines"
        assert {t: str(d)[:10] for t, d in zip(rows.transaction_id, rows.sale_date, strict=True)} == expected, table
